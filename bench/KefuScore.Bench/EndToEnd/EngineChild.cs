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

/// <summary>What one engine child process reported: the run times, its peak working set and the figures file.</summary>
public sealed record ChildResult(string Engine, IReadOnlyList<double> Seconds, long PeakBytes, long Events, string FiguresPath)
{
    public double Median => MedianOf(Seconds);

    public static double MedianOf(IReadOnlyList<double> values)
    {
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    /// <summary>Runs this program again in <paramref name="mode"/> on <paramref name="file"/> and reads its result line.</summary>
    public static ChildResult Launch(string engine, string mode, string file, string figuresPath, int repeat)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this program's path");
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(ChildResult).Assembly.Location);
        foreach (var a in new[] { mode, "--file", file, "--out", figuresPath, "--repeat", repeat.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(a);

        using var child = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {mode}");
        var stdout = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        var line = stdout.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        if (child.ExitCode != 0 || line is null) throw new InvalidOperationException($"{mode} failed (exit {child.ExitCode}): {stdout}");

        var fields = line["RESULT ".Length..].Trim().Split(' ').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var seconds = fields["seconds"].Split(';').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToList();
        return new ChildResult(engine, seconds, long.Parse(fields["peak"], CultureInfo.InvariantCulture),
            long.Parse(fields["events"], CultureInfo.InvariantCulture), figuresPath);
    }
}
