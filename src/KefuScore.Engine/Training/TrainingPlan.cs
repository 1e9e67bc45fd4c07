namespace KefuScore.Engine.Training;

/// <summary>A training course (培训课程).</summary>
public sealed record Course(string Id, string Name, string English);

/// <summary>
/// 培训目录: the courses and which inspection rules and complaint categories point to which courses, as data
/// (training.yaml in KefuScore.App).
/// </summary>
public sealed record TrainingCatalogue(
    IReadOnlyList<Course> Courses,
    IReadOnlyDictionary<string, IReadOnlyList<string>> ForRule,
    IReadOnlyDictionary<string, IReadOnlyList<string>> ForComplaint,
    string Source = "");

/// <summary>A course suggested to an agent and why (e.g. <c>absolute_claim ×3</c>).</summary>
public sealed record Suggestion(string Agent, Course Course, IReadOnlyList<string> Because);

/// <summary>
/// 培训建议: from an agent's findings by rule and complaints by category, the courses the catalogue points to, less
/// those the agent has completed since the findings' period began. Pure; in catalogue order.
/// </summary>
public static class TrainingAdvisor
{
    public static IReadOnlyList<Suggestion> Suggest(
        TrainingCatalogue catalogue, string agent,
        IReadOnlyDictionary<string, int> findingsByRule, IReadOnlyDictionary<string, int> complaintsByCategory,
        IReadOnlySet<string> completed)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(findingsByRule);
        ArgumentNullException.ThrowIfNull(complaintsByCategory);
        ArgumentNullException.ThrowIfNull(completed);
        var reasons = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Point(IReadOnlyDictionary<string, IReadOnlyList<string>> map, IReadOnlyDictionary<string, int> counts, string prefix)
        {
            foreach (var (key, n) in counts.OrderBy(c => c.Key, StringComparer.Ordinal))
                if (n > 0 && map.TryGetValue(key, out var courses))
                    foreach (var c in courses)
                    {
                        if (!reasons.TryGetValue(c, out var list)) reasons[c] = list = [];
                        list.Add($"{prefix}{key} ×{n}");
                    }
        }
        Point(catalogue.ForRule, findingsByRule, "");
        Point(catalogue.ForComplaint, complaintsByCategory, "complaint:");
        return catalogue.Courses.Where(c => reasons.ContainsKey(c.Id) && !completed.Contains(c.Id))
            .Select(c => new Suggestion(agent, c, reasons[c.Id])).ToList();
    }
}
