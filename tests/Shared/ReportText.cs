using KefuScore.Engine.Reports;

namespace KefuScore.Tests;

/// <summary>A report's shops as text, to compare two reports whole: every figure (reply-time buckets too) and verdict, one line each, in the report's order.</summary>
public static class ReportText
{
    public static string Of(Report report) => string.Join("\n", report.Shops.SelectMany(s => s.Periods.SelectMany(p =>
        p.Metrics.Select(m => $"{s.Shop} {p.Period} {m.Metric.Id} {m.Cell.Numerator} {m.Cell.Denominator} {m.Cell.SumTicks} {m.Cell.Count} {string.Join(',', m.Cell.Buckets ?? [])}")
            .Concat(p.Verdicts.Select(v => $"{s.Shop} {p.Period} {v.Rule} {v.Status} {v.Consequence} {v.Detail}")))));
}
