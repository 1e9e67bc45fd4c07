using System.Globalization;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;

namespace KefuScore.Web.Dashboard.Overview;

/// <summary>Which way a week's change went for the metric: better, worse, unchanged as shown, or a week without data.</summary>
public enum WeekTrend { Better, Worse, Same, NoData }

/// <summary>One role's metric over the last 7 days and the 7 before (null: no data that week).</summary>
public sealed record WeekRow(MetricRole Role, MetricDefinition Metric, double? LastWeek, double? WeekBefore)
{
    /// <summary>The change as the page shows it: percentage points for shares, seconds for times, items for counts; rounded as printed.</summary>
    public double? Change => LastWeek is { } a && WeekBefore is { } b ? WeekOverWeek.Shown(Metric, a - b) : null;

    public WeekTrend Trend => Change switch
    {
        null => WeekTrend.NoData,
        0 => WeekTrend.Same,
        > 0 => MetricRoles.HigherIsBetter(Role) ? WeekTrend.Better : WeekTrend.Worse,
        _ => MetricRoles.HigherIsBetter(Role) ? WeekTrend.Worse : WeekTrend.Better,
    };
}

/// <summary>环比: the last 7 whole days (ending yesterday) against the 7 days before them, for each metric role the profile names.</summary>
public sealed record WeekComparison(DateOnly LastFrom, DateOnly LastTo, DateOnly BeforeFrom, DateOnly BeforeTo, IReadOnlyList<WeekRow> Rows);

/// <summary>
/// Week over week from the same daily rollups as the rest of the overview. A week's value is its days' additive parts
/// added (numerators, denominators, seconds, counts), then divided once: 1 of 2 on time one day and 18 of 18 the next is
/// 19 of 20 = 95.0%, not the 75.0% an average of the two days' rates would say. Today is left out: it is not over, and
/// a morning would always look like a bad week.
/// </summary>
public static class WeekOverWeek
{
    public const int Days = 7;

    public static WeekComparison Compare(MetricRoles roles, IReadOnlyList<PeriodReport> days, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(days);
        var lastTo = today.AddDays(-1);
        var lastFrom = lastTo.AddDays(-(Days - 1));
        var beforeTo = lastFrom.AddDays(-1);
        var beforeFrom = beforeTo.AddDays(-(Days - 1));
        var last = days.Where(d => d.Start >= lastFrom && d.Start <= lastTo).ToList();
        var before = days.Where(d => d.Start >= beforeFrom && d.Start <= beforeTo).ToList();
        var rows = new List<WeekRow>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (role, _, _) in MetricRoles.All)
        {
            if (roles[role] is not { } metric || !seen.Add(metric.Id)) continue;
            rows.Add(new WeekRow(role, metric, Value(last, metric), Value(before, metric)));
        }
        return new WeekComparison(lastFrom, lastTo, beforeFrom, beforeTo, rows);
    }

    /// <summary>
    /// The metric over <paramref name="days"/> from the sum of their cells; null when nothing was counted (for a count:
    /// when none of the days holds any data at all, so a quiet week with no unanswered message still reads 0).
    /// </summary>
    public static double? Value(IReadOnlyList<PeriodReport> days, MetricDefinition metric)
    {
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(metric);
        var sum = new MetricCell();
        foreach (var day in days)
            foreach (var v in day.Metrics)
                if (v.Metric.Id == metric.Id) sum.Add(v.Cell);
        if (metric.Shape == MetricShape.Count && days.All(d => d.Metrics.All(v => v.Cell.IsEmpty))) return null;
        return new MetricValue(metric, sum).Value;
    }

    /// <summary>A difference in the unit and precision it is printed in: 0.1 percentage point, 0.1 s under a minute, whole seconds above, whole items.</summary>
    public static double Shown(MetricDefinition metric, double delta)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var shown = metric.Shape switch
        {
            MetricShape.Rate => Math.Round(delta * 100, 1, MidpointRounding.AwayFromZero),
            MetricShape.Average when Math.Abs(delta) < 60 => Math.Round(delta, 1, MidpointRounding.AwayFromZero),
            _ => Math.Round(delta, MidpointRounding.AwayFromZero),
        };
        return shown == 0 ? 0 : shown; // no "-0"
    }

    /// <summary>A week's value: "95.0%", "1分17秒", "3"; "—" without data.</summary>
    public static string ValueText(Lang l, MetricDefinition metric, double? value)
    {
        ArgumentNullException.ThrowIfNull(l);
        ArgumentNullException.ThrowIfNull(metric);
        return value is { } v && metric.Shape == MetricShape.Average ? Format.Seconds(l, v) : l.Value(metric, value);
    }

    /// <summary>"↑ 5.0 个百分点", "↓ 17.0秒", "↑ 2", "持平", or "数据不足" when either week has no data.</summary>
    public static string ChangeText(Lang l, WeekRow row)
    {
        ArgumentNullException.ThrowIfNull(l);
        ArgumentNullException.ThrowIfNull(row);
        if (row.Change is not { } change) return l.T("数据不足", "not enough data");
        if (change == 0) return l.T("持平", "no change");
        var arrow = change > 0 ? "↑" : "↓";
        var size = Math.Abs(change);
        return row.Metric.Shape switch
        {
            MetricShape.Rate => l.T($"{arrow} {Number(size, "0.0")} 个百分点", $"{arrow} {Number(size, "0.0")} pp"),
            MetricShape.Average => $"{arrow} {Format.Seconds(l, size)}",
            _ => $"{arrow} {Number(size, "0")}",
        };
    }

    /// <summary>Whether the change helps or hurts, in words, for readers who cannot tell the colours apart.</summary>
    public static string TrendText(Lang l, WeekTrend trend)
    {
        ArgumentNullException.ThrowIfNull(l);
        return trend switch
        {
            WeekTrend.Better => l.T("变好", "better"),
            WeekTrend.Worse => l.T("变差", "worse"),
            _ => "",
        };
    }

    /// <summary>Green for better, red for worse, grey otherwise (the verdict colours, readable as text on white).</summary>
    public static string Colour(WeekTrend trend) => trend switch
    {
        WeekTrend.Better => VerdictColours.Pass,
        WeekTrend.Worse => VerdictColours.Fail,
        _ => VerdictColours.None,
    };

    private static string Number(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
