namespace KefuScore.Engine.Profiles;

/// <summary>
/// 当天考核线: the lines an assessment judges a period by, given the local date the period starts on. A special
/// period (the Spring Festival ±7 days) replaces a rule's conditions or exempts the rule; otherwise the rule's own
/// conditions of the version in force apply. The report's verdicts, the overview, the calendar and the live monitor
/// all ask here, so a February day said to be judged at 90% is the day the verdict judged at 90%.
/// </summary>
public static class DayLines
{
    /// <summary>The special period <paramref name="day"/> falls in (the first listed wins), or null.</summary>
    public static SpecialPeriod? SpecialOn(CompiledProfile profile, DateOnly day) =>
        profile.Profile.SpecialPeriods.FirstOrDefault(s => s.Contains(day));

    /// <summary>True when the rule is not judged at all on <paramref name="day"/> (exempt in a special period).</summary>
    public static bool Exempt(CompiledProfile profile, AssessmentRule rule, DateOnly day) => Exempt(SpecialOn(profile, day), rule);

    /// <summary><see cref="Exempt(CompiledProfile, AssessmentRule, DateOnly)"/> for a day whose special period (or null) is already known.</summary>
    public static bool Exempt(SpecialPeriod? special, AssessmentRule rule) => special is not null && special.Exempt.Contains(rule.Id);

    /// <summary>
    /// The conditions <paramref name="rule"/> judges <paramref name="day"/> by: a special period's override, else the
    /// rule's fail conditions (or pass conditions for a rule that has only those).
    /// </summary>
    public static IReadOnlyList<Condition> ConditionsOn(CompiledProfile profile, AssessmentRule rule, DateOnly day) =>
        ConditionsOn(SpecialOn(profile, day), rule);

    /// <summary><see cref="ConditionsOn(CompiledProfile, AssessmentRule, DateOnly)"/> for a day whose special period (or null) is already known.</summary>
    public static IReadOnlyList<Condition> ConditionsOn(SpecialPeriod? special, AssessmentRule rule) =>
        special is not null && special.Overrides.TryGetValue(rule.Id, out var over) ? over
        : rule.FailWhen.Count > 0 ? rule.FailWhen : rule.PassWhen;

    /// <summary>True when the conditions of <see cref="ConditionsOn"/> on that day come from a special period.</summary>
    public static bool Overridden(CompiledProfile profile, AssessmentRule rule, DateOnly day) =>
        SpecialOn(profile, day) is { } special && special.Overrides.ContainsKey(rule.Id);

    /// <summary>
    /// The line a metric must reach on <paramref name="day"/>: the highest "below" line among the day's fail
    /// conditions on it (douyin: 0.97, 0.90 in the Spring Festival period); null when no rule holds it to one.
    /// </summary>
    public static double? PassLine(CompiledProfile profile, string metric, DateOnly day)
    {
        double? line = null;
        foreach (var rule in profile.VersionOn(day).Assessments)
        {
            if (rule.FailWhen.Count == 0 || Exempt(profile, rule, day)) continue;
            foreach (var c in ConditionsOn(profile, rule, day))
                if (c.Metric == metric && c.Op == Comparison.Below && (line is null || c.Value > line)) line = c.Value;
        }
        return line;
    }

    /// <summary>Every distinct line held against <paramref name="metric"/> on <paramref name="day"/> (fail and pass conditions).</summary>
    public static IReadOnlyList<Condition> LinesOn(CompiledProfile profile, string metric, DateOnly day) =>
        profile.VersionOn(day).Assessments
            .Where(r => !Exempt(profile, r, day))
            .SelectMany(r => ConditionsOn(profile, r, day))
            .Where(c => c.Metric == metric)
            .DistinctBy(c => (c.Op, c.Value))
            .ToList();
}
