using KefuScore.App.Learning;
using KefuScore.App.Quality;

namespace KefuScore.App.Tests.Quality;

/// <summary>The thesaurus jieba.NET ships, read as word-category cues for inspection training (decisions.md §75).</summary>
public sealed class WordCategoriesTests
{
    private const string Sample = """
        Ed36C01= 烦琐 繁芜 烦 麻烦 累赘
        Ed36C02# 啰嗦 絮叨
        Ed48B01= 不便 麻烦 为难
        Ka01A01@ 的
        not a line
        """;

    [Fact]
    public void Lines_give_their_code_and_words_of_each_kind()
    {
        var lines = WordCategories.Parse(Sample);
        Assert.Equal(["Ed36C01", "Ed36C02", "Ed48B01", "Ka01A01"], lines.Select(l => l.Code));
        Assert.Equal(["烦琐", "繁芜", "烦", "麻烦", "累赘"], lines[0].Words);
    }

    [Fact]
    public void A_category_is_a_cue_when_a_text_has_one_of_its_words_and_single_characters_are_left_out()
    {
        var lines = WordCategories.Parse(Sample);
        var cues = WordCategories.Cues(lines, 4, ["你这人怎么这么啰嗦", "烦"]);
        // 啰嗦 is in a text: small class Ed36 (both of its lines) is a cue; 烦 alone matches nothing; Ed48 and Ka01 are in no text.
        Assert.Equal(["word:Ed36"], cues.Keys);
        Assert.Equal(["啰嗦", "烦琐", "累赘", "絮叨", "繁芜", "麻烦"], cues["word:Ed36"].Order(StringComparer.Ordinal));
        // By whole line: only the line with 啰嗦.
        Assert.Equal(["word:Ed36C02"], WordCategories.Cues(lines, 7, ["你这人怎么这么啰嗦"]).Keys);
    }

    [Fact]
    public void The_thesaurus_is_read_from_the_assembly_not_from_a_file_or_the_network()
    {
        var lines = WordCategories.BuiltIn();
        Assert.Equal(17817, lines.Count);
        Assert.Contains(lines, l => l.Code == "Ed36C01" && l.Words.Contains("麻烦"));
    }

    [Fact]
    public void Added_to_a_vocabulary_as_cues_a_model_matches()
    {
        var vocabulary = new CueVocabulary(new Dictionary<string, IReadOnlyList<string>> { ["blame"] = ["怪你"] }, new HashSet<string>());
        var messages = new List<LabelledMessage> { new(1, "m1", "你这人真麻烦", new HashSet<string> { "rude" }, [], false, false) };
        var with = WordCategories.With(vocabulary, 4, messages);
        Assert.Equal(["怪你"], with.Cues["blame"]);
        var model = new KefuScore.Engine.Quality.LinearTextModel(8, false, [], with.Cues);
        // 繁琐 is in no message, but its small class (Ed36, with 麻烦) is one a message has.
        Assert.Contains("cue:word:Ed36", model.CueTokens("手续太繁琐了"));
        Assert.DoesNotContain("cue:word:Ed36", model.CueTokens("好的呢"));
    }

    [Fact]
    public void A_model_file_with_a_category_of_thousands_of_words_loads_and_finds_them()
    {
        // A middle class (code "Ed") has more words than one regular expression of the linear engine may hold.
        var cues = WordCategories.Cues(WordCategories.BuiltIn(), 2, ["太麻烦了"]);
        Assert.True(cues["word:Ed"].Count > 1000);
        var path = Path.Combine(Path.GetTempPath(), $"kefu-word-cues-{Guid.NewGuid():N}.json");
        try
        {
            TextModelFile.Save(path, "inspection", new KefuScore.Engine.Quality.LinearTextModel(8, false, [new("rude", new float[256], 0)], cues));
            var loaded = TextModelFile.Load(path, "inspection");
            Assert.Contains("cue:word:Ed", loaded.CueTokens("这也太累赘了"));
            Assert.DoesNotContain("cue:word:Ed", loaded.CueTokens("12345"));
        }
        finally { File.Delete(path); }
    }
}
