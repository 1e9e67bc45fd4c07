using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using KefuScore.App.Profiles;
using KefuScore.App.Reading;
using KefuScore.Bench.Peer;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;

namespace KefuScore.Bench.Kernel;

/// <summary>
/// The report's fold alone, on one core, as <c>kefu report</c>'s fold worker runs it: rows already parsed (the
/// <c>zipf</c> shape of the peer comparison at its 10M-event density, the first <see cref="Days"/> days, read once with
/// <see cref="CsvChunks"/> into memory) through <see cref="MetricFold"/> under the built-in <c>douyin</c> profile into
/// <see cref="FactSums"/>. <c>whole</c>: a fresh fold over every row (its tables grow as it goes). <c>steady</c>: a
/// fold that has already taken the first half of the rows (set up outside the measurement) takes the second half and
/// finishes; this is the per-event cost and allocation of a fold in steady state. <c>KEFU_FOLD_SHAPE=wide</c>: the
/// <c>wide</c> shape instead (20,000 shops, one day, so the whole file), where open conversations and names are many.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(FoldConfig))]
public class FoldBenchmarks
{
    public const int Days = 3;
    private const long Density = 10_000_000;

    /// <summary>zipf (default) or wide, from <c>KEFU_FOLD_SHAPE</c> (children inherit the environment).</summary>
    public static string Shape { get; } = Environment.GetEnvironmentVariable("KEFU_FOLD_SHAPE") is "wide" ? "wide" : "zipf";

    /// <summary>The rows' file, written once per machine (the generator is deterministic) and shared by the host and its children.</summary>
    public static string FilePath
    {
        get
        {
            var path = Path.Combine(Path.GetTempPath(), $"kefu-fold-bench-{Shape}-{Density}-{Days}d.csv");
            if (!File.Exists(path))
            {
                var partial = path + $".{Environment.ProcessId}.tmp";
                Shapes.Write(partial, Shape, Density, onlyDays: Days);
                File.Move(partial, path, overwrite: true);
            }
            return path;
        }
    }

    private static readonly Lazy<long> Rows = new(() => File.ReadLines(FilePath).LongCount() - 1);

    public static long RowCount => Rows.Value;

    /// <summary>Events per operation of a benchmark (every line of the file is a valid message row).</summary>
    public static double EventsOf(BenchmarkCase c) => c.Descriptor.WorkloadMethod.Name == nameof(Steady) ? Rows.Value - Rows.Value / 2 : Rows.Value;

    private CompiledProfile _profile = null!;
    private List<RowPart> _first = null!, _second = null!;
    private MetricFold _fold = null!;
    private FactSums _sums = null!;
    private readonly List<MetricFact> _facts = new(256);

    [GlobalSetup]
    public void Setup()
    {
        _profile = ProfileCatalog.Compile("douyin");
        var parts = new List<RowPart>();
        using (var chunks = new CsvChunks(new RunNames(), parts: 1, parsers: 1))
        {
            foreach (var chunk in chunks.Read([FilePath]))
            {
                if (chunk.Rejected.Count > 0) throw new InvalidOperationException($"{chunk.Rejected.Count} rejected lines in {FilePath}");
                var from = chunk.Parts[0];
                var copy = new RowPart();
                var chars = from.Text;
                for (var i = 0; i < from.Count; i++) copy.Add(from.Rows[i], chars);
                parts.Add(copy);
                chunks.Return(chunk);
            }
        }
        var total = parts.Sum(p => p.Count);
        if (total != Rows.Value) throw new InvalidOperationException($"{total} rows read, {Rows.Value} expected");
        // Halves by row count: the first half warms a fold up, the second is measured.
        _first = [];
        _second = [];
        var seen = 0;
        foreach (var p in parts)
        {
            var half = total / 2;
            if (seen + p.Count <= half) _first.Add(p);
            else if (seen >= half) _second.Add(p);
            else
            {
                var (a, b) = (new RowPart(), new RowPart());
                var chars = p.Text;
                for (var i = 0; i < p.Count; i++) (seen + i < half ? a : b).Add(p.Rows[i], chars);
                _first.Add(a);
                _second.Add(b);
            }
            seen += p.Count;
        }
        Console.WriteLine($"// {total:N0} rows, {_second.Sum(p => p.Count):N0} in the steady half");
    }

    /// <summary>Every row part in file order (both halves), for other measurements over the same rows.</summary>
    public List<RowPart> AllParts => [.. _first, .. _second];

    [Benchmark(Baseline = true, Description = "fold, whole file")]
    public long Whole()
    {
        var fold = new MetricFold(_profile, FoldOptions.Streaming);
        var sums = new FactSums(_profile.Metrics.Count);
        Fold(fold, sums, _first);
        Fold(fold, sums, _second);
        Finish(fold, sums);
        return fold.Read;
    }

    [IterationSetup(Target = nameof(Steady))]
    public void WarmUp()
    {
        _fold = new MetricFold(_profile, FoldOptions.Streaming);
        _sums = new FactSums(_profile.Metrics.Count);
        Fold(_fold, _sums, _first);
    }

    [Benchmark(Description = "fold, steady half")]
    public long Steady()
    {
        Fold(_fold, _sums, _second);
        Finish(_fold, _sums);
        return _fold.Read;
    }

    private void Fold(MetricFold fold, FactSums sums, List<RowPart> parts)
    {
        // As the report's fold worker does (ReportRunner's RowFolder): a part at a time, each row's facts into the sums.
        var sink = new FactSumsSink(sums);
        foreach (var part in parts) fold.Apply(part.Rows.AsSpan(0, part.Count), part.Text, _facts, ref sink);
    }


    private void Finish(MetricFold fold, FactSums sums)
    {
        fold.Finish(_facts);
        foreach (var f in _facts) sums.Add(f);
        _facts.Clear();
    }
}

/// <summary>
/// Events/s and bytes per event for <see cref="FoldBenchmarks"/>; run in this process (no generated project to build:
/// on a busy two-core machine that build alone outlasts BenchmarkDotNet's two-minute limit).
/// </summary>
public sealed class FoldConfig : BenchmarkDotNet.Configs.ManualConfig
{
    public FoldConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10)
            .WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance));
        AddColumn(new PerEventColumn(perSecond: true, FoldBenchmarks.EventsOf), new PerEventColumn(perSecond: false, FoldBenchmarks.EventsOf));
    }
}

/// <summary>
/// <c>fold-cpu [--repeat N]</c>: the same two measurements by this thread's CPU time instead of wall time, for a
/// shared machine where other processes take the cores (wall time then measures the queue, not the fold).
/// </summary>
public static class FoldCpuCommand
{
    public static int Run(int repeat)
    {
        var bench = new FoldBenchmarks();
        bench.Setup();
        var n = FoldBenchmarks.RowCount;
        for (var i = 0; i < repeat; i++)
        {
            var (cpu, bytes) = Measure(() => bench.Whole());
            bench.WarmUp();
            using var ticks = Environment.GetEnvironmentVariable("KEFU_ALLOC_TICKS") is "1" ? new AllocationTicks() : null;
            var (steadyCpu, steadyBytes) = Measure(() => bench.Steady());
            ticks?.Print(n - n / 2);
            var half = n - n / 2;
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"whole: {n:N0} events, CPU {cpu:F3} s, {n / cpu:N0} events/s, {bytes / (double)n:F1} B/event;  steady half: {half:N0} events, CPU {steadyCpu:F3} s, {half / steadyCpu:N0} events/s, {steadyBytes / (double)half:F2} B/event"));
        }
        return 0;
    }

    private static (double Cpu, long Bytes) Measure(Func<long> run)
    {
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var before = ThreadCpu();
        run();
        var cpu = ThreadCpu() - before;
        return (cpu, GC.GetAllocatedBytesForCurrentThread() - bytes);
    }

    /// <summary>This thread's CPU seconds (user + system), from /proc on Linux.</summary>
    internal static double ThreadCpu()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime are fields 14 and 15 of stat; after the command name the list starts at field 3.
        return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
    }
}

/// <summary>
/// <c>KEFU_ALLOC_TICKS=1</c>: the runtime's allocation samples (one per about 100 KB allocated, with the type that
/// crossed the mark) during the steady half, by type, to tell state growing from garbage per event.
/// </summary>
internal sealed class AllocationTicks : System.Diagnostics.Tracing.EventListener
{
    private readonly Dictionary<string, (long Count, long Bytes, long Large, long LargeBytes, long SmallSizes)> _byType = [];

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
    {
        // The GC keyword (1) at verbose level carries GCAllocationTick.
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)1);
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.PayloadNames is null) return;
        var type = e.Payload![e.PayloadNames.IndexOf("TypeName")] as string ?? "?";
        var amount = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")], System.Globalization.CultureInfo.InvariantCulture);
        var size = e.PayloadNames.IndexOf("ObjectSize") is var k and >= 0 ? Convert.ToInt64(e.Payload[k], System.Globalization.CultureInfo.InvariantCulture) : 0;
        var large = size >= 85_000;
        lock (_byType)
        {
            var t = _byType.GetValueOrDefault(type);
            _byType[type] = (t.Count + 1, t.Bytes + amount, t.Large + (large ? 1 : 0), t.LargeBytes + (large ? amount : 0), t.SmallSizes + (large ? 0 : size));
        }
    }

    public void Print(long events)
    {
        lock (_byType)
            foreach (var (type, t) in _byType.OrderByDescending(kv => kv.Value.Bytes))
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"  {t.Bytes / (double)events,8:F2} B/event  {t.Count,6} ticks ({t.Large} of large objects, {t.LargeBytes / (double)events:F2} B/event; small ones {(t.Count > t.Large ? t.SmallSizes / (t.Count - t.Large) : 0)} B on average)  {type}"));
    }
}
