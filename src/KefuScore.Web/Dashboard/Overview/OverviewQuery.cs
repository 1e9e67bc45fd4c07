using KefuScore.App.Storage;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.Web.Dashboard.Overview;

/// <summary>One metric today and yesterday, its lines (the assessments' thresholds on it) and its colour.</summary>
public sealed record MetricRow(MetricDefinition Metric, double? Today, double? Yesterday, VerdictStatus TodayStatus, VerdictStatus YesterdayStatus, IReadOnlyList<Condition> Lines);

/// <summary>One assessment today and yesterday, with what failing costs.</summary>
public sealed record VerdictRow(AssessmentRule Rule, Verdict? Today, Verdict? Yesterday);

/// <summary>Everything the overview shows.</summary>
public sealed record OverviewModel(
    ShopContext Shop,
    IReadOnlyList<MetricRow> Metrics,
    IReadOnlyList<VerdictRow> Verdicts,
    IReadOnlyList<DateOnly> TrendDays,
    IReadOnlyList<(MetricDefinition Metric, double?[] Values)> Trends,
    long[,] LateByWeekdayHour);

/// <summary>
/// The overview of a shop: today's and yesterday's numbers against the lines, 30 days of trend and the late replies of
/// those 30 days by weekday and hour. All from the rollups (a month of a busy shop is a few thousand rows).
/// </summary>
public static class OverviewQuery
{
    public const int TrendLength = 30;

    public static async Task<OverviewModel> Load(KefuDb db, ApiKeyGrant grant, ShopContext shop, CancellationToken ct = default)
    {
        var today = shop.Today;
        var from = today.AddDays(-(TrendLength - 1));
        var days = await shop.Days(db, grant, from, today, PeriodKind.Day, ct);
        var byDay = days.ToDictionary(p => p.Start);
        byDay.TryGetValue(today, out var t);
        byDay.TryGetValue(today.AddDays(-1), out var y);

        var rules = shop.Profile.VersionOn(today).Assessments;
        var metrics = new List<MetricRow>();
        foreach (var m in shop.Profile.VersionOn(today).Metrics)
        {
            var lines = rules.SelectMany(r => r.FailWhen.Concat(r.PassWhen)).Where(c => c.Metric == m.Id).DistinctBy(c => (c.Op, c.Value)).ToList();
            metrics.Add(new MetricRow(m, ValueOf(t, m), ValueOf(y, m), StatusOf(t, rules, m), StatusOf(y, rules, m), lines));
        }
        var verdicts = rules.Select(r => new VerdictRow(r, t?.Verdicts.FirstOrDefault(v => v.Rule == r.Id), y?.Verdicts.FirstOrDefault(v => v.Rule == r.Id))).ToList();

        var trendDays = Enumerable.Range(0, TrendLength).Select(i => from.AddDays(i)).ToList();
        var trends = shop.Profile.VersionOn(today).Metrics.Where(m => m.Shape == MetricShape.Rate)
            .Select(m => (m, trendDays.Select(d => byDay.TryGetValue(d, out var p) ? ValueOf(p, m) : null).ToArray()))
            .ToList();

        var late = await LateByWeekdayHour(db, grant, shop, from, today, ct);
        return new OverviewModel(shop, metrics, verdicts, trendDays, trends, late);
    }

    /// <summary>Late (and unanswered) items of the reply metric per weekday (0 = Sunday) and local hour.</summary>
    public static async Task<long[,] > LateByWeekdayHour(KefuDb db, ApiKeyGrant grant, ShopContext shop, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        var grid = new long[7, 24];
        if (shop.ReplyMetric is not { } metric) return grid;
        var (lo, hi) = (ShopContext.HourOf(from), ShopContext.HourOf(to.AddDays(1)));
        var agent = grant.AgentIn(shop.Id);
        var rows = db.Rollups.AsNoTracking().Where(r => r.Profile == shop.Shop.Profile && r.Shop == shop.Id && r.Metric == metric.Id && r.Hour >= lo && r.Hour < hi);
        if (agent is not null) rows = rows.Where(r => r.Agent == agent);
        var hours = await rows.GroupBy(r => r.Hour).Select(g => new { Hour = g.Key, Late = g.Sum(r => r.Denominator - r.Numerator) }).ToListAsync(ct);
        foreach (var h in hours)
        {
            var day = DateOnly.FromDayNumber(h.Hour / 24);
            grid[(int)day.DayOfWeek, h.Hour % 24] += h.Late;
        }
        return grid;
    }

    public static double? ValueOf(PeriodReport? period, MetricDefinition metric) =>
        period?.Metrics.FirstOrDefault(v => v.Metric.Id == metric.Id)?.Value;

    /// <summary>Fail when an assessment on this metric failed, pass when they all passed, none without a verdict.</summary>
    public static VerdictStatus StatusOf(PeriodReport? period, IReadOnlyList<AssessmentRule> rules, MetricDefinition metric)
    {
        if (period is null) return VerdictStatus.None;
        var on = rules.Where(r => r.FailWhen.Concat(r.PassWhen).Any(c => c.Metric == metric.Id)).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var verdicts = period.Verdicts.Where(v => on.Contains(v.Rule) && v.Status != VerdictStatus.None).ToList();
        if (verdicts.Count == 0) return VerdictStatus.None;
        return verdicts.Any(v => v.Status == VerdictStatus.Fail) ? VerdictStatus.Fail : VerdictStatus.Pass;
    }
}
