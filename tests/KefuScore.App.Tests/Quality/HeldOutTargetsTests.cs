using KefuScore.App.Faq;
using KefuScore.App.Learning;
using KefuScore.App.Quality;
using KefuScore.Engine.Quality;

namespace KefuScore.App.Tests.Quality;

/// <summary>
/// Issue 18's targets on the held-out parts, with the shipped models (trained on the dev parts only). Where a target
/// is not reached the test asserts what was reached, so a regression fails, and says so; docs/quality.md has the
/// figures and the gaps.
/// </summary>
public sealed class HeldOutTargetsTests
{
    private static readonly string Data = InspectionEvaluationTests.Data;

    [Fact]
    public void Inspection_on_the_held_out_messages()
    {
        var figures = InspectionEvaluation.Evaluate(InspectionLoader.BuiltInInspector(), LabelledMessages.Load(Path.Combine(Data, "inspection", "heldout.jsonl")));
        RuleFigures Rule(string id) => figures.Rules.Single(r => r.Rule == id);

        // Targets reached: absolute_claim ≥ 0.9, no_polite_address ≥ 0.85; overpromise's precision ≥ 0.85.
        Assert.True(Rule(RuleIds.AbsoluteClaim) is { Precision: >= 0.99, Recall: >= 0.99 });
        // vague reached 0.94 / 0.94 (66/70) with §50's development-only groups and hedge cues (0.97 / 0.84 before).
        Assert.True(Rule(RuleIds.Vague) is { Precision: >= 0.94, Recall: >= 0.94 });
        Assert.True(Rule(RuleIds.NoPoliteAddress) is { Precision: >= 0.96, Recall: >= 0.96 });
        // overpromise precision 0.98 (50/51) with §87's stacked trees (1.00, 46/46, with the linear model alone).
        Assert.True(Rule(RuleIds.Overpromise) is { Precision: >= 0.98 });
        // GAP: overpromise recall reached 0.83 (50/60) with §87's stacked trees (0.77 before, 0.72 before §50), the
        // target is 0.85.
        Assert.True(Rule(RuleIds.Overpromise).Recall >= 0.83);
        // GAP: rude reached precision 0.82 (62/76) and recall 0.78 (62/80) with §87's stacked trees (0.83 / 0.74 with
        // the linear model alone, 0.76 / 0.68 before §50's development-only groups and cues, 0.69 / 0.31 before §40's);
        // the target is 0.9 for both.
        Assert.True(Rule(RuleIds.Rude) is { Precision: >= 0.81, Recall: >= 0.77 });
        // Clean held-out messages flagged by any rule: 10 with §87's stacked trees (7 before, 4 before §50, 9 before
        // §40): the wider hedge cues also read 今天应该会派送 and 今天大概率派送 (with their copies) as vague.
        Assert.True(figures.Errors.Count(e => e.Message.Labels.Count == 0) <= 10);
        // GAP, narrowly: 1 of 48 polite first replies flagged (2.1 %); the target is at most 2 %.
        Assert.True(figures.PoliteFirstRepliesFlagged <= 1 && figures.PoliteFirstReplies == 48);
    }

    [Theory]
    // shop, top-1 reached (target 0.9), answered at least, share of sent answers right reached (target 0.95)
    [InlineData("clothing", 0.92, 91, 0.95)]     // top-1 105/114 = 92.1 %; 88 of 91 sent right = 96.7 % (§62; 92 of 97 = 94.8 % before)
    [InlineData("electronics", 0.94, 76, 0.97)]  // top-1 110/117 = 94.0 %; 74 of 76 sent right = 97.4 % (§62; 99 of 101 before)
    [InlineData("food", 0.92, 42, 1.0)]          // top-1 110/119 = 92.4 %; 42 of 42 sent right
    public void Faq_on_each_held_out_knowledge_base(string shop, double top1, int answered, double right)
    {
        var entries = FaqCsv.Load(Path.Combine(Data, "faq", shop, "kb.csv"));
        var model = new FaqModel(TextModelFile.Load(Path.Combine(Data, "faq", shop, "model.json"), FaqModel.Kind), entries);
        var cases = FaqEvaluation.ParseCases(File.ReadAllText(Path.Combine(Data, "faq", shop, "heldout.tsv")), shop, entries);
        var test = FaqTesting.Measure(model, cases);

        // Target reached on every knowledge base: top-1 at least 90 %.
        Assert.True(test.Top1 >= Math.Max(top1, 0.9), $"top-1 {test.Top1:P1}");
        Assert.True(test.Answered >= answered, $"answered {test.Answered}");
        // Target reached on every knowledge base: at least 95 % of the answers sent are right (the calibration asks
        // 98 % of the cross-validated development answers since §62; it sends fewer answers than the 97 % of §50 did).
        Assert.True(test.AnsweredRight >= right * test.Answered, $"right {test.AnsweredRight}/{test.Answered}");
    }
}
