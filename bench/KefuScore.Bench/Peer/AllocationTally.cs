using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace KefuScore.Bench.Peer;

/// <summary>
/// <c>KEFU_ALLOC_TALLY=1</c>: where a run's bytes go, by type, from the runtime's own allocation sampling (a GC
/// AllocationTick event about every 100 KB allocated, naming the type of the allocation that crossed it), in process,
/// since dotnet-trace / dotnet-counters are not installed here. Sampled, so small types are estimates; the total
/// (<see cref="GC.GetTotalAllocatedBytes"/>) is exact.
/// </summary>
internal sealed class AllocationTally : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private long _start = GC.GetTotalAllocatedBytes(precise: true);

    public static AllocationTally? FromEnvironment() =>
        Environment.GetEnvironmentVariable("KEFU_ALLOC_TALLY") == "1" ? new AllocationTally() : null;

    protected override void OnEventSourceCreated(EventSource source)
    {
        // GC keyword (0x1) at verbose level: AllocationTick.
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        var type = e.PayloadNames?.IndexOf("TypeName") is int t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
        var amount = e.PayloadNames?.IndexOf("AllocationAmount64") is int a and >= 0 ? Convert.ToInt64(e.Payload[a], CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, b) => b + amount);
    }

    /// <summary>Bytes per event since the tally began and the biggest types, to standard error.</summary>
    public void Report(string phase, long events)
    {
        var total = GC.GetTotalAllocatedBytes(precise: true) - _start;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  alloc {phase}: {total / 1048576.0:F0} MiB, {(double)total / Math.Max(events, 1):F1} B/event; gen0={GC.CollectionCount(0)} gen1={GC.CollectionCount(1)} gen2={GC.CollectionCount(2)}"));
        var sampled = _bytes.Values.Sum();
        foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(15))
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {(double)bytes / Math.Max(sampled, 1) * total / Math.Max(events, 1),7:F1} B/event  {type}"));
        _bytes.Clear();
        _start = GC.GetTotalAllocatedBytes(precise: true);
    }
}
