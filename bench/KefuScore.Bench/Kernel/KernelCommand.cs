using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace KefuScore.Bench.Kernel;

/// <summary><c>kernel [BenchmarkDotNet args]</c>: runs <see cref="KernelBenchmarks"/> (all of them unless --filter says otherwise).</summary>
public static class KernelCommand
{
    public static int Run(string[] args)
    {
        var summaries = BenchmarkSwitcher.FromTypes([typeof(KernelBenchmarks), typeof(FoldBenchmarks)]).Run(args.Length == 0 ? ["--filter", "*"] : args);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}

/// <summary>Adds the per-event columns: events/s (N ÷ mean) and bytes allocated per event (allocated ÷ N).</summary>
public sealed class KernelConfig : ManualConfig
{
    public KernelConfig() => AddColumn(new PerEventColumn(perSecond: true, _ => KernelBenchmarks.EventCount), new PerEventColumn(perSecond: false, _ => KernelBenchmarks.EventCount));
}

/// <param name="events">Events per operation of a benchmark case (computed in the host, so deterministic).</param>
public sealed class PerEventColumn(bool perSecond, Func<BenchmarkCase, double> events) : IColumn
{
    public string Id => perSecond ? "EventsPerSecond" : "BytesPerEvent";
    public string ColumnName => perSecond ? "Events/s" : "B/event";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => perSecond ? 0 : 1;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => perSecond ? "Events handled per second: N / mean" : "Managed bytes allocated per event: allocated / N";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var report = summary[benchmarkCase];
        if (report is null) return "-";
        var n = events(benchmarkCase);
        if (perSecond)
            return report.ResultStatistics is { } stats ? (n / (stats.Mean / 1e9)).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "-";
        return report.GcStats.GetBytesAllocatedPerOperation(benchmarkCase) is { } bytes
            ? (bytes / n).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : "-";
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
}
