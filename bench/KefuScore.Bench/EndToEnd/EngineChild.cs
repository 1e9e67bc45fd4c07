using System.Diagnostics;
using System.Globalization;

namespace KefuScore.Bench.EndToEnd;

/// <summary>
/// <c>e2e-kefu</c> and <c>e2e-duckdb</c>: one engine, one file, run <c>--repeat</c> times in this process so the
/// peak working set is that engine's alone. Writes the last run's figures to <c>--out</c> and prints one
/// result line for <see cref="E2eCommand"/>: <c>RESULT events=N seconds=a;b;c peak=BYTES</c>.
/// </summary>
public static class EngineChild
{
    public static int RunKefu(Options options) => Run(options, "KefuScore", file =>
    {
        var (report, events) = Engines.KefuScore(file);
        return (() => Engines.Figures(report), events);
    });

    public static int RunDuckDb(Options options) => Run(options, "DuckDB", file =>
    {
        var rows = Engines.DuckDb(file);
        return (() => rows, -1L);
    });

    private static int Run(Options options, string name, Func<string, (Func<List<DayFigures>> Figures, long Events)> once)
    {
        var file = options.File ?? throw new ArgumentException("--file PATH is required");
        var output = options.Out ?? throw new ArgumentException("--out PATH is required");
        var seconds = new List<double>();
        Func<List<DayFigures>>? figures = null;
        long events = -1;
        for (var i = 0; i < options.Repeat; i++)
        {
            var watch = Stopwatch.StartNew();
            (figures, events) = once(file);
            watch.Stop();
            seconds.Add(watch.Elapsed.TotalSeconds);
            Console.Error.WriteLine($"  {name} run {i + 1}/{options.Repeat}: {watch.Elapsed.TotalSeconds:F3} s");
            // Each run starts from the same state: the previous run's garbage does not count against it.
            if (i + 1 < options.Repeat)
            {
                figures = null;
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }
        DayFigures.Save(output, figures!());
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT events={events} seconds={string.Join(';', seconds.Select(s => s.ToString("R", CultureInfo.InvariantCulture)))} peak={self.PeakWorkingSet64}"));
        return 0;
    }
}
