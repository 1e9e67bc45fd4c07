using KefuScore.Engine.Calendars;

namespace KefuScore.Engine.Complaints;

/// <summary>
/// 投诉时限: per category, the business time within which a complaint must be taken up (<see cref="Respond"/>) and,
/// optionally, closed (<see cref="Resolve"/>), counted on the shop's <see cref="BusinessCalendar"/>; and the escalation
/// steps: level <c>n</c> once the deadline is breached by at least <c>Escalation[n-1]</c> of business time.
/// Data (complaints.yaml in KefuScore.App, overridable per shop).
/// </summary>
public sealed record ComplaintPolicy
{
    public required IReadOnlyDictionary<ComplaintCategory, CategoryLimits> Limits { get; init; }

    /// <summary>Ascending business time past the deadline at which each escalation level starts; the first is normally 0.</summary>
    public IReadOnlyList<TimeSpan> Escalation { get; init; } = [TimeSpan.Zero];

    public string Source { get; init; } = "";

    public CategoryLimits For(ComplaintCategory category) =>
        Limits.TryGetValue(category, out var l) ? l : Limits.TryGetValue(ComplaintCategory.Other, out var o) ? o
        : throw new InvalidOperationException($"{Source}: no limits for category {category.Id()} and none for other");
}

/// <summary>One category's limits in business time.</summary>
public sealed record CategoryLimits(TimeSpan Respond, TimeSpan? Resolve = null);
