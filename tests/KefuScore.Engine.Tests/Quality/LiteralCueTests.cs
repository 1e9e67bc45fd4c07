using KefuScore.Engine.Quality;

namespace KefuScore.Engine.Tests.Quality;

/// <summary>
/// Cues whose patterns are all plain words are looked for as words in one pass (decisions.md §75); they must find
/// exactly what their regular expression finds.
/// </summary>
public sealed class LiteralCueTests
{
    [Theory]
    [InlineData("麻烦", "麻烦")]
    [InlineData(@"100%棉", "100%棉")]
    [InlineData(@"1\.5", "1.5")]
    [InlineData(@"\(急\)", "(急)")]
    public void A_plain_or_escaped_word_is_a_word(string pattern, string word) => Assert.Equal(word, LinearTextModel.Literal(pattern));

    [Theory]
    [InlineData("")]
    [InlineData("麻烦|累赘")]
    [InlineData("你.*吗")]
    [InlineData(@"\d+")]
    [InlineData("[您你]")]
    [InlineData("凭什么？?")]
    public void A_pattern_that_is_not_one_word_is_not(string pattern) => Assert.Null(LinearTextModel.Literal(pattern));

    [Fact]
    public void Word_cues_find_what_their_regular_expressions_find()
    {
        var cues = new Dictionary<string, IReadOnlyList<string>>
        {
            ["words"] = ["麻烦", "累赘", @"1\.5", "ab"],
            ["more"] = ["麻", "烦死"],
            ["regex"] = ["你.*吗", "凭什么"],
            ["mixed"] = ["急", "快.点"],
        };
        var model = new LinearTextModel(10, false, [], cues);
        string[] texts = ["太麻烦了", "烦死了你还问吗", "1.5米", "1x5米", "ab", "AB", "快一点", "急", "", "累 赘", "麻"];
        var found = new int[model.CueCount];
        foreach (var text in texts)
        {
            var folded = PhraseMatcher.Fold(text);
            var expected = cues.OrderBy(c => c.Key, StringComparer.Ordinal)
                .Where(c => LinearTextModel.CompileCue(c.Value).IsMatch(folded)).Select(c => "cue:" + c.Key).ToList();
            Assert.Equal(expected, model.CueTokens(text));
            Assert.Equal(expected.Count, model.FindCues(folded, found));
        }
        Assert.Equal(["cue:more", "cue:words"], model.CueTokens("太麻烦了"));
    }
}
