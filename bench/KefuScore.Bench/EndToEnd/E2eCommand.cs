using System.Globalization;
using KefuScore.App.Reading;
using KefuScore.App.Writing;
using KefuScore.Engine.Events;
using KefuScore.Engine.Simulation;

namespace KefuScore.Bench.EndToEnd;

/// <summary>
/// <c>e2e --events N [--file PATH] [--keep]</c>: KefuScore and DuckDB on the same CSV on the same machine, each
/// engine in its own child process (run three times; medians), their per-shop daily figures checked equal,
/// and KefuScore once more on the same events shuffled within 10-minute blocks.
/// </summary>
public static class E2eCommand
{
    public static int Run(Options options)
    {
        if (options.File is null && options.Events <= 0) throw new ArgumentException("--events N (or --file PATH) is required");
        var dir = Directory.CreateTempSubdirectory("kefu-bench-").FullName;
        try
        {
            var file = options.File ?? Path.Combine(dir, "events.csv");
            if (options.File is null) DataFiles.WriteSimulated(file, options.Events);
            var shuffled = Path.Combine(dir, "events-shuffled.csv");
            DataFiles.WriteShuffled(file, shuffled);
            var size = new FileInfo(file).Length;

            Console.Error.WriteLine("KefuScore, in order:");
            var kefu = ChildResult.Launch("KefuScore", "e2e-kefu", file, Path.Combine(dir, "kefu.tsv"), options.Repeat);
            Console.Error.WriteLine("DuckDB:");
            var duck = ChildResult.Launch("DuckDB", "e2e-duckdb", file, Path.Combine(dir, "duckdb.tsv"), options.Repeat);
            Console.Error.WriteLine("KefuScore, shuffled within 10-minute blocks:");
            var kefuShuffled = ChildResult.Launch("KefuScore (shuffled)", "e2e-kefu", shuffled, Path.Combine(dir, "kefu-shuffled.tsv"), options.Repeat);

            var events = kefu.Events;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"file: {file} ({events:N0} events, {size / 1048576.0:F0} MiB)"));
            Console.WriteLine();
            Console.WriteLine($"{"engine",-22} {"median s",9} {"events/s",12} {"vs DuckDB",10} {"peak WS MiB",12}  runs (s)");
            foreach (var r in new[] { kefu, duck, kefuShuffled })
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Engine,-22} {r.Median,9:F3} {events / r.Median,12:N0} {r.Median / duck.Median,9:F2}x {r.PeakBytes / 1048576.0,12:F0}  {string.Join(" ", r.Seconds.Select(s => s.ToString("F3", CultureInfo.InvariantCulture)))}"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"KefuScore shuffled / in order: {kefuShuffled.Median / kefu.Median:F2}x"));
            Console.WriteLine();
            return Check(kefu, duck, kefuShuffled) ? 0 : 1;
        }
        finally
        {
            if (options.Keep) Console.Error.WriteLine($"kept {dir}");
            else Directory.Delete(dir, recursive: true);
        }
    }

    private static bool Check(ChildResult kefu, ChildResult duck, ChildResult kefuShuffled)
    {
        var k = DayFigures.Load(kefu.FiguresPath);
        var d = DayFigures.Load(duck.FiguresPath);
        var s = DayFigures.Load(kefuShuffled.FiguresPath);
        var vsDuck = DayFigures.Compare("KefuScore", k, "DuckDB", d);
        var vsShuffled = DayFigures.Compare("in-order", k, "shuffled", s);
        foreach (var p in vsDuck.Take(10).Concat(vsShuffled.Take(10))) Console.WriteLine(p);
        var days = k.Count(r => !r.IsZero);
        var counted = k.Sum(r => r.ReplyDen);
        Console.WriteLine(vsDuck.Count == 0
            ? $"PASS: KefuScore and DuckDB agree on all {days} shop-days ({counted:N0} counted messages)"
            : $"FAIL: KefuScore and DuckDB differ on {vsDuck.Count} shop-days");
        Console.WriteLine(vsShuffled.Count == 0
            ? "PASS: KefuScore gives the same figures on the shuffled file"
            : $"FAIL: KefuScore's shuffled run differs on {vsShuffled.Count} shop-days");
        return vsDuck.Count == 0 && vsShuffled.Count == 0;
    }
}

/// <summary>The CSV files the comparison runs on: simulated events, and the same events shuffled within 10-minute blocks.</summary>
public static class DataFiles
{
    /// <summary>Writes at least <paramref name="events"/> simulated events (whole days of 100 shops); returns how many.</summary>
    public static long WriteSimulated(string path, long events)
    {
        var options = MemoryCommand.SimulationFor(events);
        while (true)
        {
            var written = EventWriter.Write(path, Simulator.Generate(options));
            Console.Error.WriteLine($"wrote {written:N0} events ({options.Shops} shops x {options.Days} days) to {path}");
            if (written >= events) return written;
            options = options with { Days = options.Days + 1 };
        }
    }

    /// <summary>Reads <paramref name="source"/> (in time order), shuffles within 10-minute blocks and writes <paramref name="path"/>.</summary>
    public static long WriteShuffled(string source, string path)
    {
        var events = EventFiles.Read(source).Select(i => i.Event).OfType<ChatEvent>();
        var written = EventWriter.Write(path, BlockShuffle.Shuffle(events, seed: 7));
        Console.Error.WriteLine($"wrote {written:N0} events shuffled within 10-minute blocks to {path}");
        return written;
    }
}
