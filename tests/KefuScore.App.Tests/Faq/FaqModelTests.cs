using System.Text.Json;
using KefuScore.App.Faq;
using KefuScore.App.Learning;
using KefuScore.App.Tests.Cli;
using KefuScore.App.Tests.Quality;

namespace KefuScore.App.Tests.Faq;

/// <summary>The learned FAQ matcher (issue 18): answered/right counted by hand, training from files, a model for another knowledge base.</summary>
public sealed class FaqModelTests
{
    private static readonly IReadOnlyList<FaqEntry> Entries = FaqCsv.Parse("""
        question,answer,keywords
        什么时候发货,48小时内发货,发货
        可以开发票吗,可以开电子发票,发票
        """, "kb.csv");

    [Fact]
    public void Answered_and_right_are_counted_at_the_threshold()
    {
        // Three questions: one right and confident (sent), one wrong and confident (sent), one right but unsure (kept).
        var answers = new Dictionary<string, FaqAnswer>
        {
            ["几天发"] = new(Entries[0], 0.9),
            ["能开票吗"] = new(Entries[0], 0.8),
            ["发票呢"] = new(Entries[1], 0.4),
        };
        var cases = answers.Keys.Select((q, i) => new FaqCase(i + 1, q, q.Contains('发') && !q.Contains('票') ? "什么时候发货" : "可以开发票吗")).ToList();
        var test = FaqTesting.Measure(cases, q => answers[q], a => a.Confidence >= 0.5, 0.5);
        Assert.Equal((3, 2, 2, 1), (test.Cases, test.Correct, test.Answered, test.AnsweredRight));
        Assert.Equal(0.5, test.AnsweredPrecision);
        Assert.Equal([false, true, false], test.Results.Select(r => r.Sent && !r.Correct));
    }

    [Fact]
    public void The_threshold_is_the_lowest_probability_whose_sent_answers_are_precise_enough()
    {
        // Cross-validated answers, most confident first: right, right, wrong, right, right, wrong.
        var scored = new (double P, bool Right)[] { (0.95, true), (0.9, true), (0.8, false), (0.7, true), (0.6, true), (0.5, false) }
            .Select((s, i) => new FaqCrossValidated(new FaqCase(i + 1, $"q{i}", "什么时候发货"), "什么时候发货", s.P, s.Right)).ToList();

        Assert.Equal(0.9, FaqModel.Cut(scored, 0.98));  // 2 of 2 right; 2 of 3 is not enough
        Assert.Equal(0.6, FaqModel.Cut(scored, 0.8));   // 4 of 5 right at 0.6
        Assert.Equal(0.5, FaqModel.Cut(scored, 0.65));  // 4 of 6
        Assert.Equal(1.0, FaqModel.Cut(scored.Where(s => !s.Right), 0.5)); // nothing right: nothing sent
    }

    [Fact]
    public void Nested_cross_validation_sends_no_more_answers_for_a_stricter_target()
    {
        var dir = Path.Combine(InspectionEvaluationTests.Data, "faq", "food");
        var entries = FaqCsv.Load(Path.Combine(dir, "kb.csv"));
        var cases = FaqEvaluation.ParseCases(File.ReadAllText(Path.Combine(dir, "dev.tsv")), "dev.tsv", entries);

        var loose = FaqModel.CrossValidateSent(entries, cases, FaqModel.BuiltInIntents(), 5, 0.8);
        var strict = FaqModel.CrossValidateSent(entries, cases, FaqModel.BuiltInIntents(), 5, 1.0);

        Assert.Equal((cases.Count, cases.Count), (loose.Questions, strict.Questions));
        Assert.InRange(strict.Answered, 0, loose.Answered);
        Assert.InRange(loose.Right, 0, loose.Answered);
        Assert.True(loose.Answered > 0);
    }

    [Fact]
    public void A_model_of_another_knowledge_base_is_refused()
    {
        var other = FaqCsv.Parse("question,answer\n包邮吗,包邮\n退货怎么办,七天无理由\n", "other.csv");
        var model = FaqModel.Train(other, [], intents: new Dictionary<string, IReadOnlyList<string>>());
        var e = Assert.Throws<TextModelException>(() => new FaqModel(model.Model, Entries));
        Assert.Contains("trained on another knowledge base", e.Message);
    }

    [Fact]
    public void Train_and_test_from_the_command_line()
    {
        var dir = Path.Combine(InspectionEvaluationTests.Data, "faq", "food");
        var model = Path.Combine(Path.GetTempPath(), $"kefu-faq-{Guid.NewGuid():N}.json");
        try
        {
            var (exit, _, stderr) = KefuCli.Run("faq", "train", "--kb", Path.Combine(dir, "kb.csv"), "--questions", Path.Combine(dir, "dev.tsv"), "--out", model);
            Assert.Equal(0, exit);
            Assert.Contains("trained on 25 entries and 181 questions", stderr);
            var (code, stdout, _) = KefuCli.Run("faq", "--kb", Path.Combine(dir, "kb.csv"), "--model", model, "--test", Path.Combine(dir, "heldout.tsv"));
            Assert.Equal(0, code);
            var json = JsonDocument.Parse(stdout).RootElement;
            Assert.Equal("model", json.GetProperty("matcher").GetString());
            Assert.Equal(119, json.GetProperty("cases").GetInt32());
            Assert.Equal(json.GetProperty("cases").GetInt32() - json.GetProperty("correct").GetInt32(), json.GetProperty("missed").GetArrayLength());
            Assert.True(json.GetProperty("answered_right").GetInt32() <= json.GetProperty("answered").GetInt32());
            var (ask, asked, _) = KefuCli.Run("faq", "--kb", Path.Combine(dir, "kb.csv"), "--model", model, "--ask", "对花生过敏能吃吗");
            Assert.Equal(0, ask);
            Assert.Equal("含坚果吗", JsonDocument.Parse(asked).RootElement.GetProperty("matches")[0].GetProperty("question").GetString());
        }
        finally
        {
            File.Delete(model);
        }
    }
}
