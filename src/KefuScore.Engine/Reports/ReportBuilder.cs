using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Text;

namespace KefuScore.Engine.Reports;

/// <summary>What a report should cover.</summary>
/// <param name="By">Grouping; null takes the profile's own assessment period.</param>
/// <param name="From">First local date shown (periods overlapping it are shown whole); null: from the first data.</param>
/// <param name="To">Last local date shown; null: to the last data.</param>
public sealed record ReportRequest(PeriodKind? By = null, DateOnly? From = null, DateOnly? To = null, bool Agents = false, string? Shop = null);

/// <summary>
/// Sums a rollup's hours into periods and judges each period by the profile's assessments. Earlier periods are
/// consulted for consecutive-period rules and rolling windows even when they are not shown.
/// </summary>
public static class ReportBuilder
{
    // The per-shop methods are compiled optimised at once (AggressiveOptimization): run a few thousand times at the end of
    // a report, they were otherwise compiled up to three times (quick, instrumented, optimised) and ran much of it unoptimised.

    public static Report Build(CompiledProfile profile, Rollup rollup, ReportRequest request) => Build(profile, rollup, request, threads: 1);

    /// <summary>
    /// As above, shops judged on up to <paramref name="threads"/> threads: each shop's periods depend on its own rows
    /// only, and the shops come out in the same order, so the report is the same whatever the count.
    /// </summary>
    public static Report Build(CompiledProfile profile, Rollup rollup, ReportRequest request, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (request.Agents && !rollup.Agents) throw new ArgumentException("agents were asked for, but the rollup was summed per shop only", nameof(rollup));
        var by = request.By ?? (profile.Profile.Period == PeriodKind.Rolling ? PeriodKind.Day : profile.Profile.Period);
        var groups = rollup.Rows.GroupBy(r => r.Key.Shop, StringComparer.Ordinal)
            .Where(g => request.Shop is null || g.Key == request.Shop)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (Shop: g.Key, Rows: g.ToList())).ToList();
        var built = new ShopReport?[groups.Count];
        var calendar = new Calendar(profile);
        if (threads == 1 || groups.Count < 2)
            for (var i = 0; i < groups.Count; i++) built[i] = BuildShop(profile, calendar, groups[i].Shop, groups[i].Rows, by, request, rollup.MetricCount);
        else
            Parallel.For(0, groups.Count, new ParallelOptions { MaxDegreeOfParallelism = threads },
                i => built[i] = BuildShop(profile, calendar, groups[i].Shop, groups[i].Rows, by, request, rollup.MetricCount));
        var shops = new List<ShopReport>(groups.Count);
        foreach (var shop in built) if (shop is not null) shops.Add(shop);
        return new Report(profile.Id, profile.Profile.TimeZone, by, shops);
    }

    /// <summary>One shop's report; null when it has no period to show.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ShopReport? BuildShop(CompiledProfile profile, Calendar calendar, string shop, List<KeyValuePair<RollupKey, MetricCell[]>> rows, PeriodKind by,
        ReportRequest request, int metricCount)
    {
        var days = SumDays(rows, null, metricCount);
        var agents = new List<AgentReport>();
        if (request.Agents)
        {
            foreach (var agent in rows.Select(r => r.Key.Agent).Where(a => a.Length > 0).Distinct().Order(StringComparer.Ordinal))
            {
                var agentDays = SumDays(rows, agent, metricCount);
                var periods = BuildPeriods(profile, calendar, agentDays, by, request);
                if (periods.Count > 0) agents.Add(new AgentReport(agent, periods));
            }
        }
        var shopPeriods = BuildPeriods(profile, calendar, days, by, request);
        return shopPeriods.Count > 0 || agents.Count > 0 ? new ShopReport(shop, shopPeriods, agents) : null;
    }

    /// <summary>
    /// The rows summed by local day: all of them (<paramref name="agent"/> null) or one agent's. A hash table, not a sorted
    /// one: the sums are integers, so their order does not matter, and the periods sort the few dates once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Dictionary<DateOnly, MetricCell[]> SumDays(List<KeyValuePair<RollupKey, MetricCell[]>> rows, string? agent, int metricCount)
    {
        var days = new Dictionary<DateOnly, MetricCell[]>();
        foreach (var row in rows)
        {
            if (agent is not null && row.Key.Agent != agent) continue;
            var date = LocalClock.DateOfHour(row.Key.Hour);
            if (!days.TryGetValue(date, out var cells)) days[date] = cells = new MetricCell[metricCount];
            for (var i = 0; i < metricCount; i++) cells[i].Add(row.Value[i]);
        }
        return days;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static List<PeriodReport> BuildPeriods(CompiledProfile profile, Calendar calendar, Dictionary<DateOnly, MetricCell[]> days, PeriodKind by, ReportRequest request)
    {
        var result = new List<PeriodReport>();
        if (days.Count == 0) return result;
        var cells = new PeriodCells(days, profile.Metrics.Count);
        var dates = days.Keys.ToArray();
        Array.Sort(dates);
        var starts = dates.Select(d => Periods.StartOf(d, by)).Distinct().ToList();
        foreach (var start in starts)
        {
            var end = Periods.EndOf(start, by);
            if (request.From is { } from && end < from) continue;
            if (request.To is { } to && start > to) continue;
            // A fresh sum: its cells (and bucket arrays) go to the report as they are, shared with nothing.
            var sum = cells.Sum(start, end);
            var indexes = calendar.MetricsIn(start, end);
            var metrics = new List<MetricValue>(indexes.Length);
            foreach (var i in indexes) metrics.Add(new MetricValue(profile.Metrics[i], sum[i]));
            var verdicts = new List<Verdict>();
            foreach (var rule in profile.VersionOn(end).Assessments)
            {
                if (!(rule.Period == by || (rule.Period == PeriodKind.Rolling && by == PeriodKind.Day))) continue;
                verdicts.Add(Judge(profile, calendar, rule, start, by, cells));
            }
            result.Add(new PeriodReport(Periods.Label(start, by), start, end, metrics, verdicts));
        }
        return result;
    }

    /// <summary>The metrics of every version in force during the period, in profile order.</summary>
    private static int[] MetricsIn(CompiledProfile profile, DateOnly start, DateOnly end)
    {
        var indexes = new SortedSet<int>();
        var versions = profile.Versions;
        for (var k = 0; k < versions.Count; k++)
        {
            var next = k + 1 < versions.Count ? versions[k + 1] : null;
            if (versions[k].From <= end && (next is null || next.From > start))
                foreach (var i in versions[k].MetricIndexes) indexes.Add(i);
        }
        return [.. indexes];
    }

    /// <summary>
    /// What the report asks of the profile per date, found once per build instead of once per shop: every shop's periods
    /// fall on the same few dates. Shared by the threads judging shops.
    /// </summary>
    internal sealed class Calendar(CompiledProfile profile)
    {
        private readonly ConcurrentDictionary<DateOnly, SpecialPeriod?> _special = new();
        private readonly ConcurrentDictionary<(DateOnly, DateOnly), int[]> _metrics = new();

        public SpecialPeriod? SpecialOn(DateOnly day) => _special.GetOrAdd(day, static (d, p) => DayLines.SpecialOn(p, d), profile);

        public int[] MetricsIn(DateOnly start, DateOnly end) =>
            _metrics.GetOrAdd((start, end), static (period, p) => ReportBuilder.MetricsIn(p, period.Item1, period.Item2), profile);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static Verdict Judge(CompiledProfile profile, Calendar calendar, AssessmentRule rule, DateOnly start, PeriodKind by, PeriodCells cells)
    {
        var special = calendar.SpecialOn(start);
        if (DayLines.Exempt(special, rule))
            return new Verdict(rule.Id, VerdictStatus.None, null, [new Msg(Codes.VerdictExempt, new Ref(RefKind.Period, special!.Id))]);
        var failRule = rule.FailWhen.Count > 0;
        var conditions = DayLines.ConditionsOn(special, rule);

        var (met, detail) = Met(profile, conditions, Window(rule, start, by), cells);
        if (met is null) return new Verdict(rule.Id, VerdictStatus.None, null, detail);
        var chain = met.Value;
        var previous = start;
        for (var k = 1; chain && k < rule.Consecutive; k++)
        {
            previous = Periods.Previous(previous, rule.Period == PeriodKind.Rolling ? PeriodKind.Day : by);
            var prevConditions = DayLines.ConditionsOn(calendar.SpecialOn(previous), rule);
            chain = Met(profile, prevConditions, Window(rule, previous, by), cells).Met == true;
        }
        if (rule.Consecutive > 1) detail = [.. detail, new Msg(chain ? Codes.VerdictInARow : Codes.VerdictNotInARow, rule.Consecutive)];
        var status = failRule ? (chain ? VerdictStatus.Fail : VerdictStatus.Pass) : (chain ? VerdictStatus.Pass : VerdictStatus.Fail);
        Consequence? consequence = null;
        if (chain)
        {
            var (from, to) = Window(rule, start, by);
            var window = cells.Window(from, to);
            consequence = rule.Consequences.FirstOrDefault(c => c.When is null || Value(profile, c.When.Metric, window) is { } v && c.When.Holds(v));
        }
        return new Verdict(rule.Id, status, consequence, detail);
    }

    private static (DateOnly From, DateOnly To) Window(AssessmentRule rule, DateOnly start, PeriodKind by) =>
        rule.Period == PeriodKind.Rolling ? (start.AddDays(1 - rule.Days), start) : (start, Periods.EndOf(start, by));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (bool? Met, IReadOnlyList<Msg> Detail) Met(CompiledProfile profile, IReadOnlyList<Condition> conditions, (DateOnly From, DateOnly To) window, PeriodCells cells)
    {
        var sum = cells.Window(window.From, window.To);
        var parts = new List<Msg>(conditions.Count);
        bool? all = true;
        foreach (var c in conditions)
        {
            var value = Value(profile, c.Metric, sum);
            if (value is null)
            {
                parts.Add(new Msg(Codes.VerdictNoValue, MetricRef(profile, c.Metric)));
                all = null;
                continue;
            }
            var holds = c.Holds(value.Value);
            var kind = FigureOf(profile, c.Metric);
            parts.Add(holds
                ? new Msg(Codes.VerdictHolds, MetricRef(profile, c.Metric), new Num(value.Value, kind), c.Op, new Num(c.Value, kind))
                : new Msg(Codes.VerdictNotHolds, MetricRef(profile, c.Metric), new Num(value.Value, kind), c.Op, new Num(c.Value, kind), Negated(c.Op)));
            if (!holds && all == true) all = false;
        }
        return (all, parts);
    }

    private static Comparison Negated(Comparison op) => op switch
    {
        Comparison.Below => Comparison.AtLeast, Comparison.AtMost => Comparison.Above, Comparison.Above => Comparison.AtMost, _ => Comparison.Below,
    };

    private static Ref MetricRef(CompiledProfile profile, string metric) =>
        new(RefKind.Metric, metric, profile.MetricIndex.TryGetValue(metric, out var i) ? profile.Metrics[i].Names : null);

    /// <summary>How a metric's value reads: rates as shares, averages as seconds, the rest as counts.</summary>
    private static NumKind FigureOf(CompiledProfile profile, string metric) =>
        !profile.MetricIndex.TryGetValue(metric, out var i) ? NumKind.Plain : profile.Metrics[i].Shape switch
        {
            MetricShape.Rate => NumKind.Share,
            MetricShape.Average => NumKind.Seconds,
            _ => NumKind.Count,
        };

    private static double? Value(CompiledProfile profile, string metric, MetricCell[] sum) =>
        profile.MetricIndex.TryGetValue(metric, out var i) ? new MetricValue(profile.Metrics[i], sum[i]).Value : null;

    /// <summary>Day cells with range sums (periods and rolling windows).</summary>
    internal sealed class PeriodCells(Dictionary<DateOnly, MetricCell[]> days, int metricCount)
    {
        private readonly Dictionary<(DateOnly, DateOnly), MetricCell[]> _windows = [];

        /// <summary>
        /// <see cref="Sum"/> kept for the verdicts, which only read it: a day's rules and the next days' rolling windows
        /// and consecutive-period checks ask for the same windows again.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public MetricCell[] Window(DateOnly from, DateOnly to)
        {
            if (!_windows.TryGetValue((from, to), out var sum)) _windows[(from, to)] = sum = Sum(from, to);
            return sum;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public MetricCell[] Sum(DateOnly from, DateOnly to)
        {
            var sum = new MetricCell[metricCount];
            if (to.DayNumber - from.DayNumber < days.Count)
            {
                for (var d = from; d <= to; d = d.AddDays(1))
                    if (days.TryGetValue(d, out var cells)) Add(sum, cells);
            }
            else
            {
                foreach (var (d, cells) in days)
                    if (d >= from && d <= to) Add(sum, cells);
            }
            return sum;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Add(MetricCell[] sum, MetricCell[] cells)
        {
            for (var i = 0; i < sum.Length; i++) sum[i].Add(cells[i]);
        }
    }
}
