using System.Globalization;
using System.Text.Json;
using KefuScore.App.Reports;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reconciliation;

namespace KefuScore.App.Reconciliation;

/// <summary>The JSON of <c>kefu reconcile</c> and of the reconcile endpoint (docs/score.md §Reconciliation).</summary>
public static class ReconcileJson
{
    /// <summary>Default tolerances by the metric's shape: rates 0.1 percentage point, averages 0.5 s, counts exact.</summary>
    public static Func<string, double> Tolerance(CompiledProfile profile, double? overall) => metric =>
        overall ?? (profile.MetricIndex.TryGetValue(metric, out var i) ? profile.Metrics[i].Shape switch
        {
            MetricShape.Rate => 0.001,
            MetricShape.Average => 0.5,
            _ => 0,
        } : 0);

    public static void Write(Stream output, string profile, string shop, IReadOnlyList<ReconciledFigure> rows, IReadOnlyList<ReconciledMetric> metrics)
    {
        using var w = new Utf8JsonWriter(output, ReportJson.Options);
        w.WriteStartObject();
        w.WriteString("profile", profile);
        w.WriteString("shop", shop);
        w.WriteStartArray("metrics");
        foreach (var m in metrics)
        {
            w.WriteStartObject();
            w.WriteString("metric", m.Metric);
            w.WriteNumber("days", m.Days);
            w.WriteNumber("differing", m.Differing);
            w.WriteNumber("missing", m.Missing);
            w.WriteNumber("max_abs_difference", Math.Round(m.MaxAbsDifference, 6));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("rows");
        foreach (var r in rows)
        {
            w.WriteStartObject();
            w.WriteString("date", r.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteString("metric", r.Metric);
            w.WriteNumber("platform", r.Platform);
            if (r.Ours is { } o) w.WriteNumber("ours", Math.Round(o, 6)); else w.WriteNull("ours");
            if (r.Difference is { } d) w.WriteNumber("difference", Math.Round(d, 6)); else w.WriteNull("difference");
            w.WriteBoolean("matches", r.Matches);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
