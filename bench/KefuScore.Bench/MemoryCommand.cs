using System.Diagnostics;
using KefuScore.App.Profiles;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Simulation;

namespace KefuScore.Bench;

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
