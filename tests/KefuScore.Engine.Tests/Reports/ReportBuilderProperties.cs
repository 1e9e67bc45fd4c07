using FsCheck.Xunit;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;

namespace KefuScore.Engine.Tests.Reports;

/// <summary>The report judged on several threads is the report judged on one.</summary>
public sealed class ReportBuilderProperties
{
    private static readonly CompiledProfile Profile = TestProfiles.Everything();

    [Property(MaxTest = 30)]
    public bool Shops_judged_on_several_threads_give_the_same_report_in_the_same_order(int seed)
    {
        var rollup = Run.Fold(Profile, RandomChats.Generate(seed, conversations: 80));
        var request = new ReportRequest(By: (seed & 1) == 0 ? PeriodKind.Day : PeriodKind.Week, Agents: (seed & 2) == 0);
        var one = Text(ReportBuilder.Build(Profile, rollup, request));
        var several = Text(ReportBuilder.Build(Profile, rollup, request, threads: 3));
        return one == several && one.Length > 0;
    }

    [Property(MaxTest = 10)]
    public bool One_shop_asked_for_is_that_shop_alone_on_several_threads_too(int seed)
    {
        var rollup = Run.Fold(Profile, RandomChats.Generate(seed));
        var request = new ReportRequest(By: PeriodKind.Day, Shop: "s1");
        var report = ReportBuilder.Build(Profile, rollup, request, threads: 2);
        return Text(report) == Text(ReportBuilder.Build(Profile, rollup, request)) && report.Shops.All(s => s.Shop == "s1");
    }

    /// <summary>Every figure, verdict, consequence and reason of a report, one line each, in the report's order.</summary>
    private static string Text(Report report) => string.Join("\n", report.Shops.SelectMany(s =>
        Periods(s.Shop, s.Periods).Concat(s.Agents.SelectMany(a => Periods($"{s.Shop}/{a.Agent}", a.Periods)))));

    private static IEnumerable<string> Periods(string who, IReadOnlyList<PeriodReport> periods) => periods.SelectMany(p =>
        p.Metrics.Select(m => $"{who} {p.Period} {m.Metric.Id} {m.Cell.Numerator} {m.Cell.Denominator} {m.Cell.SumTicks} {m.Cell.Count}")
            .Concat(p.Verdicts.Select(v => $"{who} {p.Period} {v.Rule} {v.Status} {v.Consequence} {v.Detail}")));
}
