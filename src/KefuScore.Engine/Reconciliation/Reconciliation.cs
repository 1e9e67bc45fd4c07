namespace KefuScore.Engine.Reconciliation;

/// <summary>One figure from the platform's own daily export: a metric's value on a local date (optionally for one shop).</summary>
public sealed record PlatformFigure(DateOnly Date, string Metric, double Value, string? Shop, long Line);

/// <summary>The platform's number beside ours for one day and metric; <see cref="Difference"/> is ours − platform.</summary>
public sealed record ReconciledFigure(DateOnly Date, string Metric, double Platform, double? Ours, bool Matches)
{
    public double? Difference => Ours is { } o ? o - Platform : null;
}

/// <summary>Per metric: how many days were compared, how many differ, and the largest difference.</summary>
public sealed record ReconciledMetric(string Metric, int Days, int Differing, int Missing, double MaxAbsDifference);

/// <summary>
/// 对账: sets the platform's daily figures beside ours so a shop can trust our numbers or find where they part.
/// A day matches when the difference is within the metric's tolerance (platforms round rates to 0.01% or 0.1%, times to seconds).
/// </summary>
public static class Reconciler
{
    public static (IReadOnlyList<ReconciledFigure> Rows, IReadOnlyList<ReconciledMetric> Metrics) Compare(
        IEnumerable<PlatformFigure> figures, Func<DateOnly, string, double?> ours, Func<string, double> tolerance)
    {
        var rows = figures
            .OrderBy(f => f.Metric, StringComparer.Ordinal).ThenBy(f => f.Date)
            .Select(f =>
            {
                var o = ours(f.Date, f.Metric);
                return new ReconciledFigure(f.Date, f.Metric, f.Value, o, o is { } v && Math.Abs(v - f.Value) <= tolerance(f.Metric) + 1e-12);
            })
            .ToList();
        var metrics = rows.GroupBy(r => r.Metric, StringComparer.Ordinal)
            .Select(g => new ReconciledMetric(g.Key, g.Count(), g.Count(r => r.Ours is not null && !r.Matches), g.Count(r => r.Ours is null),
                g.Where(r => r.Difference is not null).Select(r => Math.Abs(r.Difference!.Value)).DefaultIfEmpty(0).Max()))
            .ToList();
        return (rows, metrics);
    }
}
