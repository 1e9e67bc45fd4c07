using KefuScore.App.Learning;
using KefuScore.App.Quality;
using KefuScore.App.Tests.Cli;
using KefuScore.Engine.Quality;

namespace KefuScore.App.Tests.Quality;

/// <summary>
/// The honest cross-validation of decisions.md §67: folds by family, and a cue pattern written from a development miss
/// only in the folds of families it was not written from.
/// </summary>
public sealed class FamilyCrossValidationTests
{
    private static LabelledMessage M(string id, string text, string? group, params string[] labels) =>
        new(1, id, text, labels.ToHashSet(), [], false, false, null, group);

    [Theory]
    [InlineData("first-polite-03-1", "first-polite-03")]
    [InlineData("first-impolite-00-0", "first-impolite-00")]
    [InlineData("rude-03", "rude-03")]
    [InlineData("dev-rude2-07", "dev-rude2-07")]
    [InlineData("first-short-07", "first-short-07")]
    [InlineData("c1", "c1")]
    public void A_family_is_the_group_without_its_sub_part(string group, string family) =>
        Assert.Equal(family, InspectionTrainer.Family(M("x", "t", group)));

    [Fact]
    public void A_message_without_a_group_is_its_own_family() =>
        Assert.Equal("m7", InspectionTrainer.Family(M("m7", "t", null)));

    // 40 clean families, two rude ones linked by 眼神 (written from a miss), one matched alone by 记性.
    private static (List<LabelledMessage> Messages, CueVocabulary Vocabulary) Linked()
    {
        var messages = new List<LabelledMessage>();
        for (var i = 0; i < 40; i++) messages.Add(M($"n{i}", $"好的{i}", $"clean-{i:00}"));
        messages.Add(M("a", "您这眼神", "rude-00", "rude"));
        messages.Add(M("b", "眼神不好", "dev-rude-09", "rude"));
        messages.Add(M("c", "记性真好", "rude-01", "rude"));
        var vocabulary = new CueVocabulary(
            new Dictionary<string, IReadOnlyList<string>> { ["sarcasm"] = ["可真", "眼神", "记性"] },
            new HashSet<string> { "眼神", "记性" });
        return (messages, vocabulary);
    }

    // 眼神 was written from a miss and matches two families: they share a fold, and that fold's models lack it; 可真
    // (not from a miss) stays everywhere; 记性, written from a miss and matching one family, is missing only there.
    [Fact]
    public void A_pattern_written_from_a_miss_is_left_out_of_its_families_fold_and_links_them()
    {
        var (messages, vocabulary) = Linked();
        var split = InspectionTrainer.FamilySplit.Of(messages, vocabulary, 5);
        Assert.Equal(split.FoldOf(messages[40]), split.FoldOf(messages[41]));
        var own = split.FoldOf(messages[40]);
        string[] atOwn = split.FoldOf(messages[42]) == own ? ["可真"] : ["可真", "记性"];
        Assert.Equal(atOwn, split.CuesOutside(own)["sarcasm"]);
        Assert.DoesNotContain("记性", split.CuesOutside(split.FoldOf(messages[42]))["sarcasm"]);
        var other = Enumerable.Range(0, 5).First(k => k != own && k != split.FoldOf(messages[42]));
        Assert.Equal(["可真", "眼神", "记性"], split.CuesOutside(other)["sarcasm"]);
    }

    // Another deal moves families between folds but keeps linked ones together; deal 0 is the one of every earlier figure.
    [Fact]
    public void Another_deal_moves_families_and_keeps_linked_ones_together()
    {
        var (messages, vocabulary) = Linked();
        var first = InspectionTrainer.FamilySplit.Of(messages, vocabulary, 5);
        var zero = InspectionTrainer.FamilySplit.Of(messages, vocabulary, 5, deal: 0);
        var other = InspectionTrainer.FamilySplit.Of(messages, vocabulary, 5, deal: 1);
        Assert.All(messages, m => Assert.Equal(first.FoldOf(m), zero.FoldOf(m)));
        Assert.Contains(messages, m => first.FoldOf(m) != other.FoldOf(m));
        Assert.Equal(other.FoldOf(messages[40]), other.FoldOf(messages[41]));
    }

    // `--cv-deals 2` prints the counts of deals 0 and 1 summed, then each deal's.
    [Fact]
    public void The_cli_sums_the_deals_it_is_asked_for()
    {
        string[] rude = ["爱买不买", "自己看", "烦不烦", "别问了", "你眼瞎吗", "问那么多干嘛", "不买拉倒", "说了多少遍了"];
        string[] clean = ["您好，有货的", "亲，马上帮您查", "实在抱歉，这个没办法改", "好的亲，已备注", "亲，明天发货哦", "感谢您的耐心", "您稍等，我问一下仓库", "亲，可以的"];
        var messages = new List<LabelledMessage>();
        for (var i = 0; i < 3; i++)
            for (var k = 0; k < rude.Length; k++)
            {
                messages.Add(new(messages.Count + 1, $"r{k}-{i}", rude[k] + new string('。', i), new HashSet<string> { "rude" }, [], false, false, null, $"rude-{k:00}"));
                messages.Add(new(messages.Count + 1, $"c{k}-{i}", clean[k] + new string('～', i), new HashSet<string>(), [], false, false, null, $"clean-{k:00}"));
            }
        var path = Path.Combine(Path.GetTempPath(), $"kefu-labels-{Guid.NewGuid():N}.jsonl");
        try
        {
            File.WriteAllLines(path, messages.Select(m => System.Text.Json.JsonSerializer.Serialize(new { id = m.Id, text = m.Text, labels = m.Labels, group = m.Group })));
            var loaded = LabelledMessages.Load(path);
            var rules = InspectionLoader.BuiltIn();
            var expected = InspectionEvaluation.Sum([.. Enumerable.Range(0, 2).Select(d => InspectionTrainer.CrossValidate(rules, loaded, 3, calibrate: 0, deal: d))]);
            var (exit, stdout, stderr) = KefuCli.Run("inspect", "train", "--labels", path, "--cross-validate", "3", "--cv-deals", "2", "--calibrate", "0", "--trees", "0", "--format", "json");
            Assert.True(exit == 0, stderr);
            var json = System.Text.Json.JsonDocument.Parse(stdout).RootElement;
            Assert.Equal(2 * messages.Count, json.GetProperty("messages").GetInt32());
            var r = json.GetProperty("rules").GetProperty(RuleIds.Rude);
            Assert.Equal(Rude(expected), (r.GetProperty("true_positives").GetInt32(), r.GetProperty("false_positives").GetInt32(), r.GetProperty("false_negatives").GetInt32()));
            // Each deal's own counts follow the sum (decisions.md §92): deal d is the cross-validation of deal d alone.
            var deals = json.GetProperty("deals");
            Assert.Equal(2, deals.GetArrayLength());
            for (var d = 0; d < 2; d++)
            {
                var own = deals[d].GetProperty("rules").GetProperty(RuleIds.Rude);
                Assert.Equal(Rude(InspectionTrainer.CrossValidate(rules, loaded, 3, calibrate: 0, deal: d)),
                    (own.GetProperty("true_positives").GetInt32(), own.GetProperty("false_positives").GetInt32(), own.GetProperty("false_negatives").GetInt32()));
            }
            var table = KefuCli.Run("inspect", "train", "--labels", path, "--cross-validate", "3", "--cv-deals", "2", "--calibrate", "0", "--trees", "0", "--format", "table");
            Assert.Contains("deal 1: no_polite_address", table.Out);
            // One deal prints no per-deal part: it would repeat the sum.
            var one = System.Text.Json.JsonDocument.Parse(KefuCli.Run("inspect", "train", "--labels", path, "--cross-validate", "3", "--calibrate", "0", "--trees", "0", "--format", "json").Out).RootElement;
            Assert.False(one.TryGetProperty("deals", out _));
            Assert.Equal(2, KefuCli.Run("inspect", "train", "--labels", path, "--cross-validate", "3", "--cv-deals", "0").Exit);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (int, int, int) Rude(InspectionFigures f)
    {
        var r = f.Rules.Single(x => x.Rule == RuleIds.Rude);
        return (r.TruePositives, r.FalsePositives, r.FalseNegatives);
    }

    [Fact]
    public void The_built_in_vocabulary_names_its_patterns_written_from_misses_and_a_wrong_one_is_refused()
    {
        var builtIn = InspectionTrainer.BuiltInVocabulary();
        Assert.Contains("眼神", builtIn.Cues["sarcasm"]);
        Assert.DoesNotContain("眼神", builtIn.FromMisses);
        Assert.Contains("对牛弹琴", builtIn.FromMisses);
        Assert.All(builtIn.FromMisses, p => Assert.Contains(builtIn.Cues, c => c.Value.Contains(p)));
        var e = Assert.Throws<KefuScore.App.Yaml.YamlFileException>(() =>
            CueLoader.ParseVocabulary("cues:\n  a: ['x']\nfrom_misses:\n  a: ['y']\n", "t.yaml"));
        Assert.Contains("from_misses.a[0] (line 4): 'y' is not a pattern of cues.a", e.Message);
    }

    // A feature trained at 3 is held back less by the same L2 and its weight is multiplied back, so the engine (value 1)
    // finds a score further from 0 than at 1 (5.98 against 4.84 here); without the multiplication it would sum a third
    // of it (1.99), less than at 1.
    [Fact]
    public void A_named_feature_trained_at_a_larger_value_weighs_more_as_the_engine_scores_it()
    {
        var examples = Enumerable.Range(0, 20).Select(i => new TextExample(i % 2 == 0 ? [1, 10 + i] : [2, 10 + i], i % 2 == 0 ? 1 : 0)).ToList();
        var named = new HashSet<int> { 1, 2 };
        var plain = TextModelTrainer.Binary("r", 8, examples, l2: 1e-4f);
        var scaled = TextModelTrainer.Binary("r", 8, examples, l2: 1e-4f, scaled: named, scale: 3);
        int[] positive = [1, 200], negative = [2, 201];
        Assert.True(LinearTextModel.Score(scaled, positive) > LinearTextModel.Score(plain, positive));
        Assert.True(LinearTextModel.Score(scaled, negative) < LinearTextModel.Score(plain, negative));
        Assert.Equal(plain.Weights, TextModelTrainer.Binary("r", 8, examples, l2: 1e-4f, scaled: named, scale: 1).Weights);
    }
}
