using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace KefuScore.Bench.Peer;

/// <summary>
/// <c>KEFU_GC_TRACE=1</c>: every collection of a run, from the runtime's own GC events (in process:
/// dotnet-trace is not installed here): when, the trigger (<c>GCStart</c>'s reason: 0 small-object budget, 4 large
/// object heap budget …; a gen-2 with reason 0 is the gen-2 budget exceeded by promotions), the pause (suspension to
/// restart), the generation sizes after it and the bytes promoted, then the pauses summed by generation and trigger, to
/// standard error. The pause is wall time: on a loaded machine it includes the collecting thread waiting for a core.
/// </summary>
internal sealed class GcTrace : EventListener
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _lines = [];
    private readonly Dictionary<(int Depth, int Reason), (int Count, double Pause)> _byKind = [];
    private long _suspended;
    private int _depth, _reason;
    private long _count;

    public static GcTrace? FromEnvironment() => Environment.GetEnvironmentVariable("KEFU_GC_TRACE") == "1" ? new GcTrace() : null;

    protected override void OnEventSourceCreated(EventSource source)
    {
        // GC keyword (0x1) at informational level: start, end, suspension, restart, heap stats and history.
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Informational, (EventKeywords)0x1);
    }

    private static long Long(EventWrittenEventArgs e, string name) =>
        e.PayloadNames?.IndexOf(name) is int i and >= 0 ? Convert.ToInt64(e.Payload![i], CultureInfo.InvariantCulture) : -1;

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        var name = e.EventName ?? "";
        lock (_lines)
        {
            if (name.StartsWith("GCSuspendEEBegin", StringComparison.Ordinal)) _suspended = e.TimeStamp.Ticks;
            else if (name.StartsWith("GCStart", StringComparison.Ordinal))
            {
                _depth = (int)Long(e, "Depth");
                _reason = (int)Long(e, "Reason");
                _count = Long(e, "Count");
            }
            else if (name.StartsWith("GCHeapStats", StringComparison.Ordinal))
            {
                _lines.Add(string.Create(CultureInfo.InvariantCulture,
                        $"    gc#{_count} gen{_depth} reason={_reason} at {_clock.Elapsed.TotalSeconds:F2}s gen0={Long(e, "GenerationSize0") >> 20} gen1={Long(e, "GenerationSize1") >> 20} gen2={Long(e, "GenerationSize2") >> 20} loh={Long(e, "GenerationSize3") >> 20} MiB promoted0={Long(e, "TotalPromotedSize0") >> 20} promoted1={Long(e, "TotalPromotedSize1") >> 20} promoted2={Long(e, "TotalPromotedSize2") >> 20} MiB"));
            }
            else if (name.StartsWith("GCRestartEEEnd", StringComparison.Ordinal) && _suspended != 0)
            {
                var pause = (e.TimeStamp.Ticks - _suspended) / (double)TimeSpan.TicksPerSecond;
                var k = _byKind.GetValueOrDefault((_depth, _reason));
                _byKind[(_depth, _reason)] = (k.Count + 1, k.Pause + pause);
                _lines.Add(string.Create(CultureInfo.InvariantCulture, $"      pause {pause * 1000:F0} ms window {_suspended / (double)TimeSpan.TicksPerSecond - 62135596800:F6} {e.TimeStamp.Ticks / (double)TimeSpan.TicksPerSecond - 62135596800:F6}"));
                _suspended = 0;
            }
        }
    }

    public void Report()
    {
        lock (_lines)
        {
            foreach (var l in _lines) Console.Error.WriteLine(l);
            foreach (var ((depth, reason), (count, pause)) in _byKind.OrderBy(p => p.Key))
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  gen{depth} reason={reason}: {count} collections, {pause:F2} s paused"));
        }
    }
}
