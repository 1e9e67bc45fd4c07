using KefuScore.App.Learning;
using KefuScore.App.Quality;
using KefuScore.App.Tests.Cli;
using KefuScore.Engine.Quality;

namespace KefuScore.App.Tests.Quality;

/// <summary>
/// The checking part of decisions.md §93: development families a candidate is chosen on and trained without, whose
/// misses nobody reads.
/// </summary>
public sealed class CheckPartTests
{
    private static readonly string[] RudeLabel = ["rude"];

    private static LabelledMessage M(string id, string text, string? group, params string[] labels) =>
        new(1, id, text, labels.ToHashSet(), [], false, false, null, group);

    // 400 families of two sub-parts each (g-000-0 and g-000-1 are one family).
    private static List<LabelledMessage> Families(int count) =>
        [.. Enumerable.Range(0, count).SelectMany(f => new[] { M($"{f}a", $"好的{f}", $"g-{f:000}-0"), M($"{f}b", $"亲{f}", $"g-{f:000}-1") })];

    [Fact]
    public void The_checking_part_holds_whole_families_near_its_share_and_another_seed_deals_them_otherwise()
    {
        var messages = Families(400);
        var (readable, checking) = InspectionTrainer.CheckPart(messages, 93);
        Assert.Equal(messages.Count, readable.Count + checking.Count);
        var checkingFamilies = checking.Select(InspectionTrainer.Family).ToHashSet();
        Assert.DoesNotContain(readable, m => checkingFamilies.Contains(InspectionTrainer.Family(m)));
        // 28 % of 400 families is 112; a hash deals them near it, never a half or none.
        Assert.InRange(checkingFamilies.Count, 85, 140);
        var other = InspectionTrainer.CheckPart(messages, 94).Checking.Select(InspectionTrainer.Family).ToHashSet();
        Assert.False(other.SetEquals(checkingFamilies));
    }

    // A family's part is its own: data added (more families) moves none of the others.
    [Fact]
    public void Adding_families_moves_no_family_between_the_parts()
    {
        var all = Families(400);
        var before = InspectionTrainer.CheckPart(all.Take(300).ToList(), 93).Checking.Select(m => m.Id).ToHashSet();
        var after = InspectionTrainer.CheckPart(all, 93).Checking.Select(m => m.Id).ToHashSet();
        Assert.True(before.IsSubsetOf(after));
        Assert.Equal(before, after.Where(id => all.Take(300).Any(m => m.Id == id)).ToHashSet());
    }

    // 眼神 was written from a miss of a checking family: a model trained on the readable part must not have it; 可真 is
    // not from a miss and stays; a cue left with no pattern is left out.
    [Fact]
    public void A_pattern_written_from_a_miss_that_matches_no_readable_message_is_withheld()
    {
        var vocabulary = new CueVocabulary(
            new Dictionary<string, IReadOnlyList<string>> { ["sarcasm"] = ["可真", "眼神"], ["mock"] = ["记性"] },
            new HashSet<string> { "眼神", "记性" });
        var cues = InspectionTrainer.CuesFor(vocabulary, [M("a", "您这记性真好", "rude-00", "rude"), M("b", "好的", "clean-00")]);
        Assert.Equal(["可真"], cues["sarcasm"]);
        Assert.Equal(["记性"], cues["mock"]);
        var none = InspectionTrainer.CuesFor(vocabulary, [M("b", "好的", "clean-00")]);
        Assert.False(none.ContainsKey("mock"));
        Assert.Equal(["可真", "眼神"], InspectionTrainer.CuesFor(vocabulary, [M("c", "您这眼神", "rude-01", "rude")])["sarcasm"]);
    }

    // `kefu inspect train --check-part N` trains on the readable part alone, and `kefu inspect --evaluate --check-part N`
    // evaluates the checking part alone: the same counts as the library's on those parts.
    [Fact]
    public void The_cli_trains_on_the_readable_part_and_evaluates_the_checking_part()
    {
        string[] rude = ["爱买不买", "自己看", "烦不烦", "别问了", "你眼瞎吗", "问那么多干嘛", "不买拉倒", "说了多少遍了", "你自己不会查啊", "有完没完"];
        string[] clean = ["您好，有货的", "亲，马上帮您查", "实在抱歉，这个没办法改", "好的亲，已备注", "亲，明天发货哦", "感谢您的耐心", "您稍等，我问一下仓库", "亲，可以的", "亲，已经给您改好了", "您放心，我跟进"];
        var lines = new List<string>();
        for (var k = 0; k < rude.Length; k++)
            for (var i = 0; i < 3; i++)
            {
                lines.Add(System.Text.Json.JsonSerializer.Serialize(new { id = $"r{k}-{i}", text = rude[k] + new string('。', i), labels = RudeLabel, group = $"rude-{k:00}" }));
                lines.Add(System.Text.Json.JsonSerializer.Serialize(new { id = $"c{k}-{i}", text = clean[k] + new string('～', i), labels = Array.Empty<string>(), group = $"clean-{k:00}" }));
            }
        var path = Path.Combine(Path.GetTempPath(), $"kefu-labels-{Guid.NewGuid():N}.jsonl");
        var model = path + ".model.json";
        try
        {
            File.WriteAllLines(path, lines);
            var loaded = LabelledMessages.Load(path);
            var (readable, checking) = InspectionTrainer.CheckPart(loaded, 93);
            Assert.NotEmpty(readable);
            Assert.Contains(checking, m => m.Labels.Contains(RuleIds.Rude));
            var rules = InspectionLoader.BuiltIn();
            var trained = KefuCli.Run("inspect", "train", "--labels", path, "--check-part", "93", "--calibrate", "0", "--trees", "0", "--out", model);
            Assert.True(trained.Exit == 0, trained.Err);
            // Through the file as the CLI's model went (the file keeps fewer digits than training gives).
            TextModelFile.Save(model + ".expected", InspectionTrainer.Kind,
                InspectionTrainer.Train(rules, readable, InspectionTrainer.CuesFor(InspectionTrainer.BuiltInVocabulary(), readable), calibrate: 0).Model);
            var expected = TextModelFile.Load(model + ".expected", InspectionTrainer.Kind);
            var cli = TextModelFile.Load(model, InspectionTrainer.Kind);
            Assert.Equal(expected.Outputs.Select(o => o.Label), cli.Outputs.Select(o => o.Label));
            foreach (var (e, c) in expected.Outputs.Zip(cli.Outputs))
            {
                Assert.Equal(e.Weights, c.Weights);
                Assert.Equal(e.Bias, c.Bias);
            }
            var figures = InspectionEvaluation.Evaluate(new Inspector(rules, cli), checking);
            var (exit, stdout, stderr) = KefuCli.Run("inspect", "--evaluate", path, "--model", model, "--check-part", "93", "--format", "json");
            Assert.True(exit == 0, stderr);
            var json = System.Text.Json.JsonDocument.Parse(stdout).RootElement;
            Assert.Equal(checking.Count, json.GetProperty("messages").GetInt32());
            var r = json.GetProperty("rules").GetProperty(RuleIds.Rude);
            var own = figures.Rules.Single(x => x.Rule == RuleIds.Rude);
            Assert.Equal((own.TruePositives, own.FalsePositives, own.FalseNegatives),
                (r.GetProperty("true_positives").GetInt32(), r.GetProperty("false_positives").GetInt32(), r.GetProperty("false_negatives").GetInt32()));
            // Cross-validation with --check-part runs on the readable part alone: the only figures whose misses may be read.
            var cv = KefuCli.Run("inspect", "train", "--labels", path, "--check-part", "93", "--cross-validate", "3", "--calibrate", "0", "--trees", "0", "--format", "json");
            Assert.True(cv.Exit == 0, cv.Err);
            Assert.Equal(readable.Count, System.Text.Json.JsonDocument.Parse(cv.Out).RootElement.GetProperty("messages").GetInt32());
            Assert.Equal(2, KefuCli.Run("inspect", "--input", path, "--check-part", "93").Exit);
        }
        finally
        {
            File.Delete(path);
            File.Delete(model);
            File.Delete(model + ".expected");
        }
    }
}
