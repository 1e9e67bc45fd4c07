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
        Assert.True(Rule(RuleIds.AbsoluteClaim) is { Precision: >= 0.9, Recall: >= 0.9 });
        // GAP, by one message: vague's recall fell from 0.91 to 0.84 (59/70) when the development-only rude groups
        // were added (their hedged rudeness is a negative for vague); precision rose to 0.97.
        Assert.True(Rule(RuleIds.Vague) is { Precision: >= 0.85, Recall: >= 0.84 });
        Assert.True(Rule(RuleIds.NoPoliteAddress) is { Precision: >= 0.85, Recall: >= 0.85 });
        Assert.True(Rule(RuleIds.Overpromise) is { Precision: >= 0.85 });
        // GAP: overpromise recall reached 0.72 (43/60), the target is 0.85.
        Assert.True(Rule(RuleIds.Overpromise).Recall >= 0.71);
        // GAP: rude reached precision 0.76 (54/71) and recall 0.68 (54/80) (0.69 / 0.31 before the development-only
        // groups and the contempt cue, docs/decisions.md §40); the target is 0.9 for both.
        Assert.True(Rule(RuleIds.Rude) is { Precision: >= 0.76, Recall: >= 0.675 });
        // The hard negatives hold: at most 4 clean held-out messages flagged by any rule (9 before).
        Assert.True(figures.Errors.Count(e => e.Message.Labels.Count == 0) <= 4);
        // GAP, narrowly: 1 of 48 polite first replies flagged (2.1 %); the target is at most 2 %.
        Assert.True(figures.PoliteFirstRepliesFlagged <= 1 && figures.PoliteFirstReplies == 48);
    }

    [Theory]
    // shop, top-1 reached (target 0.9), answered at least
    [InlineData("clothing", 0.89, 61)]    // GAP: top-1 102/114 = 89.5 % (84.2 % before §45's development questions); answered 61, all right
    [InlineData("electronics", 0.88, 75)] // GAP: top-1 104/117 = 88.9 % (83.8 % before §45); answered 75, 73 right (nothing sent before)
    [InlineData("food", 0.92, 42)]        // top-1 110/119 = 92.4 %
    public void Faq_on_each_held_out_knowledge_base(string shop, double top1, int answered)
    {
        var entries = FaqCsv.Load(Path.Combine(Data, "faq", shop, "kb.csv"));
        var model = new FaqModel(TextModelFile.Load(Path.Combine(Data, "faq", shop, "model.json"), FaqModel.Kind), entries);
        var cases = FaqEvaluation.ParseCases(File.ReadAllText(Path.Combine(Data, "faq", shop, "heldout.tsv")), shop, entries);
        var test = FaqTesting.Measure(model, cases);

        Assert.True(test.Top1 >= top1, $"top-1 {test.Top1:P1}");
        Assert.True(test.Answered >= answered, $"answered {test.Answered}");
        // Target reached on every knowledge base: at least 95 % of the answers sent are right.
        Assert.True(test.Answered == 0 || test.AnsweredRight >= 0.95 * test.Answered, $"right {test.AnsweredRight}/{test.Answered}");
    }
}
