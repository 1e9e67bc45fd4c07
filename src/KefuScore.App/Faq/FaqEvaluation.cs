namespace KefuScore.App.Faq;

/// <summary>One test question: a customer's wording and the FAQ question it should find.</summary>
public sealed record FaqCase(int Line, string Question, string Expected);

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
            if (parts.Length != 2 || parts[0].Trim().Length == 0) problems.Add(new FaqProblem(i + 1, "row", "expected: customer question, a tab, the FAQ question"));
            else if (!known.Contains(parts[1].Trim())) problems.Add(new FaqProblem(i + 1, "expected", $"'{parts[1].Trim()}' is not a question of the knowledge base"));
            else cases.Add(new FaqCase(i + 1, parts[0].Trim(), parts[1].Trim()));
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
