using KefuScore.Engine.Text;
namespace KefuScore.App.Faq;

/// <summary>One test question: a customer's wording and the FAQ question it should find.</summary>
public sealed record FaqCase(int Line, string Question, string Expected)
{
    /// <summary>Wordings of one way of asking share a group (an optional third column); calibration keeps a group together.</summary>
    public string? Group { get; init; }
}

/// <summary>A test question's outcome: the top match (or none) and whether it is the expected entry.</summary>
public sealed record FaqCaseResult(FaqCase Case, FaqMatch? Top, bool Correct);

/// <summary>Top-1 accuracy of the matcher over a test set.</summary>
public sealed record FaqAccuracy(int Cases, int Correct, IReadOnlyList<FaqCaseResult> Results)
{
    public double Top1 => Cases == 0 ? 0 : Correct / (double)Cases;
}

/// <summary>
/// Measures the matcher: a test set is a UTF-8 text file of lines <c>customer question⇥expected FAQ question</c>
/// (<c>#</c> starts a comment line). Every expected question must be in the knowledge base.
/// </summary>
public static class FaqEvaluation
{
    public static IReadOnlyList<FaqCase> ParseCases(string text, string source, IReadOnlyList<FaqEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(entries);
        var known = entries.Select(e => e.Question).ToHashSet(StringComparer.Ordinal);
        var problems = new List<FaqProblem>();
        var cases = new List<FaqCase>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split('\t');
            if (parts.Length is not (2 or 3) || parts[0].Trim().Length == 0) problems.Add(new FaqProblem(i + 1, "row", new Msg(Codes.FaqQuestionsRow)));
            else if (!known.Contains(parts[1].Trim())) problems.Add(new FaqProblem(i + 1, "expected", new Msg(Codes.FaqUnknownQuestion, parts[1].Trim())));
            else cases.Add(new FaqCase(i + 1, parts[0].Trim(), parts[1].Trim()) { Group = parts.Length == 3 && parts[2].Trim().Length > 0 ? parts[2].Trim() : null });
        }
        if (problems.Count > 0) throw new FaqException(source, problems);
        return cases;
    }

    public static FaqAccuracy Measure(FaqIndex index, IReadOnlyList<FaqCase> cases)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(cases);
        var results = cases.Select(c =>
        {
            var top = index.Best(c.Question);
            return new FaqCaseResult(c, top, top?.Entry.Question == c.Expected);
        }).ToList();
        return new FaqAccuracy(results.Count, results.Count(r => r.Correct), results);
    }
}

/// <summary>One question of a test: the answer chosen (null: none), its confidence, whether it is right and whether it would be sent.</summary>
public sealed record FaqTestResult(FaqCase Case, FaqAnswer? Top, bool Correct, bool Sent);

/// <summary>
/// A test at a threshold (issue 18): top-1 accuracy over all questions, and of the answers that reach the threshold
/// (the ones the FAQ would send by itself) how many are right; the rest go to a person.
/// </summary>
public sealed record FaqTest(int Cases, int Correct, int Answered, int AnsweredRight, double Threshold, IReadOnlyList<FaqTestResult> Results)
{
    public double Top1 => Cases == 0 ? 0 : Correct / (double)Cases;
    public double? AnsweredPrecision => Answered == 0 ? null : AnsweredRight / (double)Answered;
    public double AnsweredShare => Cases == 0 ? 0 : Answered / (double)Cases;
}

public static class FaqTesting
{
    /// <summary>Tests a matcher: <paramref name="best"/> gives the chosen entry and confidence, <paramref name="send"/> whether it would be sent.</summary>
    public static FaqTest Measure(IReadOnlyList<FaqCase> cases, Func<string, FaqAnswer?> best, Func<FaqAnswer, bool> send, double threshold)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(best);
        ArgumentNullException.ThrowIfNull(send);
        var results = cases.Select(c =>
        {
            var top = best(c.Question);
            return new FaqTestResult(c, top, top?.Entry.Question == c.Expected, top is not null && send(top));
        }).ToList();
        return new FaqTest(results.Count, results.Count(r => r.Correct), results.Count(r => r.Sent), results.Count(r => r.Sent && r.Correct), threshold, results);
    }

    /// <summary>The learned model: sent when its probability reaches the model's calibrated threshold.</summary>
    public static FaqTest Measure(FaqModel model, IReadOnlyList<FaqCase> cases)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Measure(cases, model.Best, a => a.Confidence >= model.Threshold, model.Threshold);
    }

    /// <summary>BM25: sent under the policy's rule (a shared bigram and coverage at least <see cref="FaqPolicy.MinCoverage"/>); the confidence is the coverage.</summary>
    public static FaqTest Measure(FaqIndex index, IReadOnlyList<FaqCase> cases, FaqPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(policy);
        // Measure asks for a case's answer and then whether to send it, so the last match is the one to decide on.
        FaqMatch? last = null;
        return Measure(cases, q => (last = index.Best(q)) is { } m ? new FaqAnswer(m.Entry, m.Coverage) : null,
            _ => last is not null && policy.Decide(false, int.MaxValue, true, last).Answer, policy.MinCoverage);
    }
}
