using System.Diagnostics;
using KefuScore.App.Profiles;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Simulation;

namespace KefuScore.Bench;

/// <summary>The engine's fold driven the way <c>ReportRunner</c> drives it, over in-memory events.</summary>
public static class Folding
{
    public static Rollup Fold(CompiledProfile profile, IEnumerable<ChatEvent> events, FoldOptions options, out MetricFold fold)
    {
        fold = new MetricFold(profile, options);
        var rollup = Rollup.Daily(profile.Metrics.Count); // as ReportRunner: daily rows
        var facts = new List<MetricFact>(256);
        foreach (var e in events)
        {
            fold.Apply(e, facts);
            if (facts.Count == 0) continue;
            foreach (var f in facts) rollup.Add(f);
            facts.Clear();
        }
        fold.Finish(facts);
        foreach (var f in facts) rollup.Add(f);
        return rollup;
    }
}

/// <summary>
/// Shuffles events within blocks of 10 minutes of event time (deterministically, by seed): the disorder a
/// real export shows when several sources are concatenated. The input must be in time order (the simulator's is).
/// </summary>
public static class BlockShuffle
{
    public static readonly long BlockTicks = TimeSpan.FromMinutes(10).Ticks;

    public static IEnumerable<ChatEvent> Shuffle(IEnumerable<ChatEvent> ordered, int seed)
    {
        var random = new Random(seed);
        var block = new List<ChatEvent>();
        var current = long.MinValue;
        foreach (var e in ordered)
        {
            var b = e.Ticks / BlockTicks;
            if (b != current && block.Count > 0)
            {
                foreach (var x in Flush(block, random)) yield return x;
                block.Clear();
            }
            current = b;
            block.Add(e);
        }
        foreach (var x in Flush(block, random)) yield return x;
    }

    private static List<ChatEvent> Flush(List<ChatEvent> block, Random random)
    {
        for (var i = block.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (block[i], block[j]) = (block[j], block[i]);
        }
        return block;
    }
}

/// <summary>
/// <c>memory --events N</c>: streams the simulator straight through the fold (no file) and prints the peak
/// working set, to show that memory follows open conversations, not the number of events.
/// </summary>
public static class MemoryCommand
{
    public static int Run(Options options)
    {
        if (options.Events <= 0) throw new ArgumentException("--events N is required");
        var profile = ProfileCatalog.Compile("douyin");
        var sim = SimulationFor(options.Events);
        var watch = Stopwatch.StartNew();
        var rollup = Folding.Fold(profile, Simulator.Generate(sim).Take(checked((int)Math.Min(options.Events, int.MaxValue))), FoldOptions.Streaming, out var fold);
        watch.Stop();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        Console.WriteLine($"events           {fold.Read:N0}  ({sim.Shops} shops x {sim.Days} days, cut at --events)");
        Console.WriteLine($"seconds          {watch.Elapsed.TotalSeconds:F2}");
        Console.WriteLine($"events/s         {fold.Read / watch.Elapsed.TotalSeconds:N0}");
        Console.WriteLine($"rollup rows      {rollup.RowCount:N0}");
        Console.WriteLine($"peak open convs  {fold.PeakOpenConversations:N0}");
        Console.WriteLine($"peak working set {self.PeakWorkingSet64 / 1048576.0:F0} MiB");
        Console.WriteLine($"GC heap now      {GC.GetTotalMemory(false) / 1048576.0:F0} MiB");
        return 0;
    }

    /// <summary>100 shops (about 1,640 events a shop a day), as many days as it takes to reach <paramref name="events"/>.</summary>
    public static SimulationOptions SimulationFor(long events) =>
        new() { Shops = 100, Days = (int)Math.Max(1, (events + 159_999) / 160_000), Seed = 1 };
}
