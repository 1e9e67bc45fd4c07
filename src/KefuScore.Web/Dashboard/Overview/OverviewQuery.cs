using KefuScore.App.Storage;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.Web.Dashboard.Overview;

/// <summary>One metric today and yesterday, its lines today (the assessments' thresholds on it) and its colour.</summary>
public sealed record MetricRow(MetricDefinition Metric, double? Today, double? Yesterday, VerdictStatus TodayStatus, VerdictStatus YesterdayStatus, IReadOnlyList<Condition> Lines);

/// <summary>One line an assessment judged a day by, with the metric and the day's value (null: no data).</summary>
public sealed record ReasonPart(Condition Line, MetricDefinition? Metric, double? Value);

/// <summary>
/// Why an assessment stood as it did on one day: the lines it was judged by (a festival's where one applied, named by
/// <see cref="Special"/>), each with the day's value; <see cref="Exempt"/> when the day is not judged at all.
/// </summary>
public sealed record DayReason(DateOnly Day, SpecialPeriod? Special, bool Overridden, bool Exempt, IReadOnlyList<ReasonPart> Parts);

/// <summary>One assessment today and yesterday, with what failing costs and why each day stood as it did.</summary>
public sealed record VerdictRow(AssessmentRule Rule, Verdict? Today, Verdict? Yesterday, DayReason TodayWhy, DayReason YesterdayWhy);

/// <summary>A rate over the trend's days (null: no data that day) and the line it was held to each day (null: none).</summary>
public sealed record TrendSeries(MetricDefinition Metric, double?[] Values, double?[] Lines);

/// <summary>An agent's late (and unanswered) items of the reply metric over the trend's days, of how many counted.</summary>
public sealed record AgentLate(string Agent, long Late, long Counted);

/// <summary>Everything the overview shows.</summary>
public sealed record OverviewModel(
    ShopContext Shop,
    IReadOnlyList<MetricRow> Metrics,
    IReadOnlyList<VerdictRow> Verdicts,
    IReadOnlyList<DateOnly> TrendDays,
    IReadOnlyList<TrendSeries> Trends,
    IReadOnlyList<SpecialPeriod?> TrendSpecial,
    long[,] LateByWeekdayHour,
    IReadOnlyList<AgentLate> LateByAgent,
    WeekComparison Weeks);

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

        var profile = shop.Profile;
        var rules = profile.VersionOn(today).Assessments;
        var metrics = new List<MetricRow>();
        foreach (var m in profile.VersionOn(today).Metrics)
            metrics.Add(new MetricRow(m, ValueOf(t, m), ValueOf(y, m), StatusOf(t, rules, m), StatusOf(y, rules, m), DayLines.LinesOn(profile, m.Id, today)));
        var verdicts = rules.Select(r => new VerdictRow(r, t?.Verdicts.FirstOrDefault(v => v.Rule == r.Id), y?.Verdicts.FirstOrDefault(v => v.Rule == r.Id),
            Reason(profile, r, today, t), Reason(profile, r, today.AddDays(-1), y))).ToList();

        var trendDays = Enumerable.Range(0, TrendLength).Select(i => from.AddDays(i)).ToList();
        var trends = profile.VersionOn(today).Metrics.Where(m => m.Shape == MetricShape.Rate)
            .Select(m => new TrendSeries(m,
                trendDays.Select(d => byDay.TryGetValue(d, out var p) ? ValueOf(p, m) : null).ToArray(),
                trendDays.Select(d => DayLines.PassLine(profile, m.Id, d)).ToArray()))
            .ToList();
        var special = trendDays.Select(d => DayLines.SpecialOn(profile, d)).ToList();

        var late = await LateByWeekdayHour(db, grant, shop, from, today, ct);
        var byAgent = await LateByAgent(db, grant, shop, from, today, ct);
        // 环比 from the same 30 days of daily sums: 14 of them, today left out.
        var weeks = WeekOverWeek.Compare(profile.Roles, days, today);
        return new OverviewModel(shop, metrics, verdicts, trendDays, trends, special, late, byAgent, weeks);
    }

    /// <summary>The lines <paramref name="rule"/> judged <paramref name="day"/> by, with the day's values (daily rules; a longer window shows its lines only).</summary>
    public static DayReason Reason(CompiledProfile profile, AssessmentRule rule, DateOnly day, PeriodReport? period)
    {
        var special = DayLines.SpecialOn(profile, day);
        var exempt = DayLines.Exempt(profile, rule, day);
        var parts = exempt ? [] : DayLines.ConditionsOn(profile, rule, day).Select(c =>
        {
            var metric = profile.MetricIndex.TryGetValue(c.Metric, out var i) ? profile.Metrics[i] : null;
            var value = rule.Period == PeriodKind.Day && metric is not null ? ValueOf(period, metric) : null;
            return new ReasonPart(c, metric, value);
        }).ToList();
        return new DayReason(day, special, DayLines.Overridden(profile, rule, day), exempt, parts);
    }

    /// <summary>Late (and unanswered) items of the reply metric per agent, most first; items no agent answered under "".</summary>
    public static async Task<IReadOnlyList<AgentLate>> LateByAgent(KefuDb db, ApiKeyGrant grant, ShopContext shop, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        if (shop.ReplyMetric is not { } metric) return [];
        var (lo, hi) = (ShopContext.HourOf(from), ShopContext.HourOf(to.AddDays(1)));
        var agent = grant.AgentIn(shop.Id);
        var rows = db.Rollups.AsNoTracking().Where(r => r.Profile == shop.Shop.Profile && r.Shop == shop.Id && r.Metric == metric.Id && r.Hour >= lo && r.Hour < hi);
        if (agent is not null) rows = rows.Where(r => r.Agent == agent);
        var agents = await rows.GroupBy(r => r.Agent).Select(g => new { Agent = g.Key, Late = g.Sum(r => r.Denominator - r.Numerator), Counted = g.Sum(r => r.Denominator) }).ToListAsync(ct);
        return agents.Where(a => a.Counted > 0).Select(a => new AgentLate(a.Agent, a.Late, a.Counted))
            .OrderByDescending(a => a.Late).ThenBy(a => a.Agent, StringComparer.Ordinal).ToList();
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
