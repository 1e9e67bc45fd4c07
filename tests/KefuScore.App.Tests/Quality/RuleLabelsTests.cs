using System.Text.Json;
using System.Text.Json.Nodes;
using KefuScore.App.Learning;
using KefuScore.App.Quality;
using KefuScore.App.Tests.Cli;
using KefuScore.Engine.Quality;

namespace KefuScore.App.Tests.Quality;

/// <summary>
/// Training data per rule (decisions.md §101; <c>kefu inspect train --rule-labels RULE=FILE --rule-cues RULE=FILE</c>):
/// a rule learns from the data written for it, the others from the shared file, in one model.
/// </summary>
public sealed class RuleLabelsTests
{
    private static readonly string[] Rude = ["爱买不买", "自己看", "烦不烦", "别问了", "你眼瞎吗", "问那么多干嘛", "不买拉倒", "说了多少遍了", "你自己不会查啊", "有完没完"];
    private static readonly string[] Vague = ["不知道", "不清楚呢", "随缘吧", "可能吧", "说不准", "看情况吧", "不好说", "大概吧"];
    private static readonly string[] Clean = ["您好，有货的", "亲，马上帮您查", "实在抱歉，这个没办法改", "好的亲，已备注", "亲，明天发货哦", "感谢您的耐心", "您稍等，我问一下仓库", "亲，可以的", "亲，已经给您改好了", "您放心，我跟进"];

    // Putting the customer off (等着吧): clean in the shared file, rude in the file written for rude.
    private static readonly string[] PutOff = ["你就等着吧", "慢慢等着吧", "等着就行了", "等着呗", "爱等不等，等着吧", "等着去吧"];

    private static IEnumerable<(string Id, string Text, string[] Labels, string Group)> Shared()
    {
        for (var i = 0; i < 3; i++)
        {
            var tail = new string('。', i);
            for (var k = 0; k < Rude.Length; k++) yield return ($"r{k}-{i}", Rude[k] + tail, [RuleIds.Rude], $"rude-{k:00}");
            for (var k = 0; k < Vague.Length; k++) yield return ($"v{k}-{i}", Vague[k] + tail, [RuleIds.Vague], $"vague-{k:00}");
            for (var k = 0; k < Clean.Length; k++) yield return ($"c{k}-{i}", Clean[k] + new string('～', i), [], $"clean-{k:00}");
        }
    }

    private static IEnumerable<(string Id, string Text, string[] Labels, string Group)> PutOffAs(params string[] labels) =>
        Enumerable.Range(0, 3).SelectMany(i => PutOff.Select((t, k) => ($"p{k}-{i}", t + new string('！', i), labels, $"putoff-{k:00}")));

    private static string Lines(IEnumerable<(string Id, string Text, string[] Labels, string Group)> messages) =>
        string.Join("\n", messages.Select(m => JsonSerializer.Serialize(new { id = m.Id, text = m.Text, labels = m.Labels, group = m.Group })));

    private static readonly IReadOnlyList<LabelledMessage> SharedFile = LabelledMessages.Parse(Lines(Shared().Concat(PutOffAs())), "shared.jsonl");
    private static readonly IReadOnlyList<LabelledMessage> RudeFile = LabelledMessages.Parse(Lines(Shared().Concat(PutOffAs(RuleIds.Rude))), "rude.jsonl");

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Cues = new Dictionary<string, IReadOnlyList<string>>
    {
        ["hedge"] = ["可能", "大概", "说不准", "不好说"],
        ["dismissal"] = ["拉倒", "爱.不."],
    };

    // The rude file's vocabulary: the shared one and a cue of its own.
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> RudeCues =
        new Dictionary<string, IReadOnlyList<string>>(Cues) { ["put_off"] = ["等着"] };

    private static readonly LabelledMessage Probe = new(1, "probe", "那你就慢慢等着吧", new HashSet<string> { RuleIds.Rude }, [], false, false);

    private static JsonNode Output(LinearTextModel model, string label)
    {
        using var stream = new MemoryStream();
        TextModelFile.Write(stream, InspectionTrainer.Kind, model);
        return JsonNode.Parse(stream.ToArray())!["outputs"]!.AsArray().Single(o => (string)o!["label"]! == label)!;
    }

    private static int RudeCaught(LinearTextModel model) =>
        InspectionEvaluation.Evaluate(new Inspector(InspectionLoader.BuiltIn(), model), [Probe]).Rules.Single(r => r.Rule == RuleIds.Rude).TruePositives;

    // The worked example: rude learns from its own file (put-offs labelled rude, with a cue of its own), stacked trees
    // included; vague from the shared file, where the put-offs are clean. Each output is the one a model trained on its
    // own data alone has, and the probe put-off is caught only by the model whose rude learnt from the rude file.
    [Fact]
    public void A_rule_trained_on_its_own_file_is_that_file_s_model_and_the_others_are_the_shared_file_s()
    {
        var rules = InspectionLoader.BuiltIn();
        var trees = new TreeOptions(20, 3);
        var perRule = InspectionTrainer.TrainPerRule(rules, SharedFile, Cues,
            new Dictionary<string, RuleData> { [RuleIds.Rude] = new(RudeFile, RudeCues) }, trees: trees).Model;
        var shared = InspectionTrainer.Train(rules, SharedFile, Cues, trees: trees).Model;
        var own = InspectionTrainer.Train(rules, RudeFile, RudeCues, trees: trees).Model;

        Assert.Equal(shared.Outputs.Select(o => o.Label), perRule.Outputs.Select(o => o.Label));
        Assert.True(JsonNode.DeepEquals(Output(own, RuleIds.Rude), Output(perRule, RuleIds.Rude)));
        Assert.NotNull(perRule.Outputs.Single(o => o.Label == RuleIds.Rude).Stack);
        Assert.True(JsonNode.DeepEquals(Output(shared, RuleIds.Vague), Output(perRule, RuleIds.Vague)));
        Assert.False(JsonNode.DeepEquals(Output(shared, RuleIds.Rude), Output(perRule, RuleIds.Rude)));
        // The model carries the union of the vocabularies; vague has no weight on the cue it was trained without.
        Assert.Equal(["dismissal", "hedge", "put_off"], perRule.Cues.Keys.Order(StringComparer.Ordinal));
        var putOffSlot = perRule.TokenSlot("cue:put_off");
        Assert.Equal(shared.Outputs.Single(o => o.Label == RuleIds.Vague).Weights[putOffSlot], perRule.Outputs.Single(o => o.Label == RuleIds.Vague).Weights[putOffSlot]);
        Assert.NotEqual(0f, perRule.Outputs.Single(o => o.Label == RuleIds.Rude).Weights[putOffSlot]);

        Assert.Equal(0, RudeCaught(shared));
        Assert.Equal(1, RudeCaught(perRule));
    }

    [Fact]
    public void A_cue_with_two_pattern_lists_or_an_own_file_with_nothing_to_learn_is_refused()
    {
        var rules = InspectionLoader.BuiltIn();
        var other = new Dictionary<string, IReadOnlyList<string>> { ["hedge"] = ["可能"] };
        var conflict = Assert.Throws<LabelsException>(() => InspectionTrainer.TrainPerRule(rules, SharedFile, Cues,
            new Dictionary<string, RuleData> { [RuleIds.Rude] = new(null, other) }, calibrate: 0));
        Assert.Contains("hedge", conflict.Message, StringComparison.Ordinal);
        var noRude = LabelledMessages.Parse(Lines(Shared().Where(m => m.Labels.Length == 0)), "clean.jsonl");
        var nothing = Assert.Throws<LabelsException>(() => InspectionTrainer.TrainPerRule(rules, SharedFile, Cues,
            new Dictionary<string, RuleData> { [RuleIds.Rude] = new(noRude) }, calibrate: 0));
        Assert.StartsWith("rude:", nothing.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => InspectionTrainer.TrainPerRule(rules, SharedFile, Cues,
            new Dictionary<string, RuleData> { ["rudeness"] = new(RudeFile) }, calibrate: 0));
    }

    // The CLI writes the library's model, and refuses with the option, the value and why (Chinese first).
    [Fact]
    public void The_cli_trains_a_rule_on_its_own_file_and_refuses_what_it_cannot_use()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"kefu-rule-labels-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var shared = Path.Combine(dir, "shared.jsonl");
            var rude = Path.Combine(dir, "rude.jsonl");
            var clean = Path.Combine(dir, "clean.jsonl");
            var cues = Path.Combine(dir, "cues.yaml");
            var conflicting = Path.Combine(dir, "conflicting.yaml");
            var model = Path.Combine(dir, "model.json");
            File.WriteAllText(shared, Lines(Shared().Concat(PutOffAs())));
            File.WriteAllText(rude, Lines(Shared().Concat(PutOffAs(RuleIds.Rude))));
            File.WriteAllText(clean, Lines(Shared().Where(m => m.Labels.Length == 0)));
            File.WriteAllText(cues, "cues:\n  hedge: ['可能', '大概', '说不准', '不好说']\n  dismissal: ['拉倒', '爱.不.']\n  put_off: ['等着']\n");
            File.WriteAllText(conflicting, "cues:\n  hedge: ['可能']\n");
            File.WriteAllText(Path.Combine(dir, "shared-cues.yaml"), "cues:\n  hedge: ['可能', '大概', '说不准', '不好说']\n  dismissal: ['拉倒', '爱.不.']\n");

            var trained = KefuCli.Run("inspect", "train", "--labels", shared, "--cues", Path.Combine(dir, "shared-cues.yaml"), "--rule-labels", $"rude={rude}",
                "--rule-cues", $"rude={cues}", "--calibrate", "0", "--trees", "0", "--out", model);
            Assert.True(trained.Exit == 0, trained.Err);
            var expected = InspectionTrainer.TrainPerRule(InspectionLoader.BuiltIn(), SharedFile, Cues,
                new Dictionary<string, RuleData> { [RuleIds.Rude] = new(RudeFile, RudeCues) }, calibrate: 0).Model;
            var cli = TextModelFile.Load(model, InspectionTrainer.Kind);
            foreach (var (e, c) in expected.Outputs.Zip(cli.Outputs, (e, c) => (e, c)))
            {
                Assert.Equal(e.Label, c.Label);
                Assert.Equal(e.Weights.Select(w => Math.Round(w, 5)), c.Weights.Select(w => Math.Round(w, 5)));
            }
            Assert.Equal(1, RudeCaught(cli));
            Assert.Equal("rude.jsonl", JsonNode.Parse(File.ReadAllText(model))!["trained"]!["labels_of_rude"]!.GetValue<string>());

            void Refused(string[] extra, params string[] said)
            {
                var (exit, _, err) = KefuCli.Run([.. new[] { "inspect", "train", "--labels", shared, "--calibrate", "0", "--trees", "0", "--out", model }, .. extra]);
                Assert.Equal(2, exit);
                foreach (var s in said) Assert.Contains(s, err, StringComparison.Ordinal);
            }
            Refused(["--rule-labels", $"rudeness={rude}"], "--rule-labels", "rudeness", "没有这条文本规则", "unknown rule");
            Refused(["--rule-labels", $"rude={dir}/none.jsonl"], "--rule-labels", "none.jsonl", "文件不存在", "no such file");
            Refused(["--rule-labels", "rude"], "--rule-labels", "应为 规则=文件");
            Refused(["--rule-labels", $"rude={rude}", "--rule-labels", $"rude={clean}"], "--rule-labels", "重复指定", "given twice");
            Refused(["--rule-labels", $"rude={clean}"], "--rule-labels", $"rude={clean}", "该文件没有可学的正反两类样本");
            Refused(["--rule-labels", $"rude={shared}", "--cross-validate", "3"], "--rule-labels", "不能与 --cross-validate 同用");
            Refused(["--rule-cues", $"rude={conflicting}"], "--rule-cues", "conflicting.yaml", "语气词表冲突", "hedge");
            File.WriteAllText(clean, "{\"id\":\"x\",\"text\":\"在\",\"labels\":[\"rudeness\"]}");
            Refused(["--rule-labels", $"vague={clean}"], "--rule-labels", $"vague={clean}", "标注文件有误", "line 1");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
