using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;

namespace KefuScore.Tests;

/// <summary>Runs the engine over events the way every host does: fold, then report.</summary>
public static class Run
{
    public static readonly TimeZoneInfo Shanghai = TimeZoneInfo.CreateCustomTimeZone("Asia/Shanghai", TimeSpan.FromHours(8), "Asia/Shanghai", "Asia/Shanghai");

    public static Rollup Fold(CompiledProfile profile, IEnumerable<ChatEvent> events, FoldOptions? options = null) =>
        Fold(profile, events, options, out _);

    public static Rollup Fold(CompiledProfile profile, IEnumerable<ChatEvent> events, FoldOptions? options, out MetricFold fold)
    {
        fold = new MetricFold(profile, options ?? FoldOptions.Unbounded);
        var rollup = new Rollup(profile.Metrics.Count);
        var facts = new List<MetricFact>();
        foreach (var e in events)
        {
            fold.Apply(e, facts);
            rollup.AddRange(facts);
            facts.Clear();
        }
        fold.Finish(facts);
        rollup.AddRange(facts);
        return rollup;
    }

    public static Report Report(CompiledProfile profile, IEnumerable<ChatEvent> events, ReportRequest? request = null) =>
        ReportBuilder.Build(profile, Fold(profile, events), request ?? new ReportRequest());

    public static PeriodReport Period(this Report report, string period, string shop = "s1") =>
        report.Shops.Single(s => s.Shop == shop).Periods.Single(p => p.Period == period);

    public static MetricValue Metric(this PeriodReport period, string id) => period.Metrics.Single(m => m.Metric.Id == id);

    public static Verdict Verdict(this PeriodReport period, string rule) => period.Verdicts.Single(v => v.Rule == rule);

    /// <summary>"n of d" for rates, for assertions that read like the platforms' examples.</summary>
    public static (long Numerator, long Denominator) Ratio(this PeriodReport period, string id)
    {
        var cell = period.Metric(id).Cell;
        return (cell.Numerator, cell.Denominator);
    }
}
