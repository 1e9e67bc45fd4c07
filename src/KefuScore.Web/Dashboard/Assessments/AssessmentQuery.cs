using KefuScore.App.Storage;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;

namespace KefuScore.Web.Dashboard.Assessments;

/// <summary>
/// A rule close to firing: its lines were missed in the last <see cref="Streak"/> periods in a row and it fires after
/// <see cref="AssessmentRule.Consecutive"/> ("a second week under 97% brings restrictions").
/// </summary>
public sealed record StreakWarning(AssessmentRule Rule, int Streak, PeriodReport Last);

public static class AssessmentQuery
{
    /// <summary>The periods (days or weeks, as the profile judges) overlapping a month, with their verdicts.</summary>
    public static async Task<IReadOnlyList<PeriodReport>> Month(KefuDb db, ApiKeyGrant grant, ShopContext shop, DateOnly month, CancellationToken ct = default)
    {
        var first = new DateOnly(month.Year, month.Month, 1);
        return await shop.Days(db, grant, first, first.AddMonths(1).AddDays(-1), shop.Profile.Profile.Period, ct);
    }

    /// <summary>Rules judged over several periods in a row whose lines are being missed now, but not yet often enough to fire.</summary>
    public static async Task<IReadOnlyList<StreakWarning>> Warnings(KefuDb db, ApiKeyGrant grant, ShopContext shop, CancellationToken ct = default)
    {
        var warnings = new List<StreakWarning>();
        var rules = shop.Profile.VersionOn(shop.Today).Assessments.Where(r => r.Consecutive > 1 && r.FailWhen.Count > 0).ToList();
        foreach (var group in rules.GroupBy(r => r.Period))
        {
            var lookback = group.Max(r => r.Consecutive) * (group.Key == PeriodKind.Week ? 7 : group.Key == PeriodKind.Month ? 31 : 1) + 7;
            var periods = await shop.Days(db, grant, shop.Today.AddDays(-lookback), shop.Today, group.Key, ct);
            var closed = periods.Where(p => p.Metrics.Any(m => m.Value is not null)).OrderBy(p => p.Start).ToList();
            if (closed.Count == 0) continue;
            foreach (var rule in group)
            {
                var streak = 0;
                for (var i = closed.Count - 1; i >= 0 && Misses(rule, closed[i]); i--) streak++;
                if (streak > 0 && streak < rule.Consecutive) warnings.Add(new StreakWarning(rule, streak, closed[^1]));
            }
        }
        return warnings;
    }

    /// <summary>Every fail condition holds on the period's values (a period without a value for a metric never misses).</summary>
    public static bool Misses(AssessmentRule rule, PeriodReport period) =>
        rule.FailWhen.All(c => period.Metrics.FirstOrDefault(m => m.Metric.Id == c.Metric)?.Value is { } v && c.Holds(v));
}
