using System.Text.Json;
using KefuScore.App.Learning;
using KefuScore.App.Quality;
using KefuScore.App.Tests.Cli;
using KefuScore.Engine.Quality;

namespace KefuScore.App.Tests.Quality;

/// <summary>The figures of <c>kefu inspect --evaluate</c> on a tiny hand-made set, counted by hand; bad files; training.</summary>
public sealed class InspectionEvaluationTests
{
    // With the built-in word lists and no model. By hand: rude 爱买不买 right, 没办法 (a polite refusal) wrong, 自己看
    // missed; 全网最低 right; first replies: 在 in a new conversation right, 哈喽 wrongly flagged, 在 after a welcome
    // and 在 + 亲… fine.
    private const string Tiny = """
        {"id":"1","text":"爱买不买","labels":["rude"]}
        {"id":"2","text":"您好，有货的","labels":[]}
        {"id":"3","text":"全网最低价","labels":["absolute_claim"]}
        {"id":"4","text":"实在抱歉，这个没办法改","labels":[]}
        {"id":"5","text":"自己看","labels":["rude"]}
        {"id":"6","text":"在","labels":[],"first_reply":true,"ongoing":true}
        {"id":"7","text":"在","labels":["no_polite_address"],"first_reply":true}
        {"id":"8","text":"在","labels":[],"first_reply":true,"turn":["亲，请问要看哪款"]}
        {"id":"9","text":"哈喽","labels":[],"first_reply":true}
        """;

    public static readonly string Data = Path.Combine(AppContext.BaseDirectory, "QualityData");

    [Fact]
    public void Precision_recall_and_f1_are_counted_per_rule()
    {
        var figures = InspectionEvaluation.Evaluate(new Inspector(InspectionLoader.BuiltIn()), LabelledMessages.Parse(Tiny, "tiny"));
        var rude = figures.Rules.Single(r => r.Rule == RuleIds.Rude);
        Assert.Equal((9, 2, 1, 1, 1), (rude.Messages, rude.Positives, rude.TruePositives, rude.FalsePositives, rude.FalseNegatives));
        Assert.Equal((0.5, 0.5, 0.5), (rude.Precision, rude.Recall, rude.F1));
        var claim = figures.Rules.Single(r => r.Rule == RuleIds.AbsoluteClaim);
        Assert.Equal((1.0, 1.0, 1.0), (claim.Precision, claim.Recall, claim.F1));
        var polite = figures.Rules.Single(r => r.Rule == RuleIds.NoPoliteAddress);
        Assert.Equal((4, 1, 1, 1, 0), (polite.Messages, polite.Positives, polite.TruePositives, polite.FalsePositives, polite.FalseNegatives));
        Assert.Equal(2 * 0.5 * 1 / 1.5, polite.F1!.Value, 12);
        var vague = figures.Rules.Single(r => r.Rule == RuleIds.Vague);
        Assert.Equal((null, null, null), (vague.Precision, vague.Recall, vague.F1)); // nothing labelled, nothing flagged
        Assert.Equal((3, 1), (figures.PoliteFirstReplies, figures.PoliteFirstRepliesFlagged));
        Assert.Equal(["4", "5", "9"], figures.Errors.Select(e => e.Message.Id));
    }

    [Fact]
    public void The_command_prints_the_same_figures_as_json()
    {
        var file = Temp(Tiny);
        var (exit, stdout, _) = KefuCli.Run("inspect", "--evaluate", file, "--model", "none");
        Assert.Equal(0, exit);
        var json = JsonDocument.Parse(stdout).RootElement;
        var rude = json.GetProperty("rules").GetProperty("rude");
        Assert.Equal((2, 1, 1, 1), (rude.GetProperty("labelled").GetInt32(), rude.GetProperty("true_positives").GetInt32(), rude.GetProperty("false_positives").GetInt32(), rude.GetProperty("false_negatives").GetInt32()));
        Assert.Equal(0.5, rude.GetProperty("precision").GetDouble());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("rules").GetProperty("vague").GetProperty("recall").ValueKind);
        Assert.Equal(0.3333, json.GetProperty("polite_flagged_rate").GetDouble());
        Assert.Equal(3, json.GetProperty("errors").GetArrayLength());
    }

    [Fact]
    public void A_bad_labelled_file_is_refused_naming_each_line_and_field()
    {
        var file = Temp("""
            {"text":"好的","labels":["rudeness"]}
            {"text":"","labels":[]}
            not json
            {"text":"在","labels":["no_polite_address"]}
            """);
        var (exit, _, stderr) = KefuCli.Run("inspect", "--evaluate", file);
        Assert.Equal(2, exit);
        Assert.Contains("line 1, labels: 'rudeness' is not a text rule", stderr);
        Assert.Contains("line 2, text: is missing or empty", stderr);
        Assert.Contains("line 3: not JSON", stderr);
        Assert.Contains("line 4, labels: no_polite_address applies to a first reply only", stderr);
    }

    [Fact]
    public void Inspect_needs_events_or_labelled_messages_and_a_readable_model()
    {
        Assert.Equal(2, KefuCli.Run("inspect").Exit);
        var bad = Temp("""{"format":"kefu-text-model","version":1,"kind":"faq","bits":16,"outputs":[]}""");
        var (exit, _, stderr) = KefuCli.Run("inspect", "--evaluate", Temp(Tiny), "--model", bad);
        Assert.Equal(2, exit);
        Assert.Contains("kind: 'faq' is not a model for inspection", stderr);
    }

    [Fact]
    public void A_model_written_to_a_file_reads_back_with_the_same_scores()
    {
        var training = InspectionTrainer.Train(InspectionLoader.BuiltIn(), LabelledMessages.Load(Path.Combine(Data, "inspection", "dev.jsonl")));
        using var stream = new MemoryStream();
        TextModelFile.Write(stream, InspectionTrainer.Kind, training.Model);
        stream.Position = 0;
        var back = TextModelFile.Read(stream, "memory", InspectionTrainer.Kind);
        Assert.Equal(training.Model.Cues.Keys.Order(StringComparer.Ordinal), back.Cues.Keys.Order(StringComparer.Ordinal));
        foreach (var text in (string[])["自己看详情页", "您好，在的", "保证明天到", "这个不好说"])
        {
            var slots = training.Model.Slots(text);
            Assert.Equal(slots, back.Slots(text));
            for (var k = 0; k < back.Outputs.Count; k++)
                Assert.Equal(LinearTextModel.Probability(training.Model.Outputs[k], slots), LinearTextModel.Probability(back.Outputs[k], slots), 3);
        }
    }

    [Fact]
    public void Train_writes_a_model_that_evaluate_reads_and_it_is_the_shipped_one()
    {
        var model = Path.Combine(Path.GetTempPath(), $"kefu-model-{Guid.NewGuid():N}.json");
        try
        {
            var (exit, _, stderr) = KefuCli.Run("inspect", "train", "--labels", Path.Combine(Data, "inspection", "dev.jsonl"), "--out", model);
            Assert.Equal(0, exit);
            Assert.Contains("trained no_polite_address, absolute_claim, rude, vague, overpromise on 1768 messages", stderr);
            var heldout = Path.Combine(Data, "inspection", "heldout.jsonl");
            var (_, ours, _) = KefuCli.Run("inspect", "--evaluate", heldout, "--model", model);
            var (_, shipped, _) = KefuCli.Run("inspect", "--evaluate", heldout);
            // Same data, one thread, a fixed seed: the shipped model is what training on the dev part gives.
            Assert.Equal(JsonDocument.Parse(shipped).RootElement.GetProperty("rules").ToString(), JsonDocument.Parse(ours).RootElement.GetProperty("rules").ToString());
        }
        finally
        {
            File.Delete(model);
        }
    }

    private static string Temp(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kefu-labels-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(path, text);
        return path;
    }
}
