using System.Diagnostics;
using System.Globalization;

namespace KefuScore.Bench.EndToEnd;

/// <summary>What one engine child process reported: the run times, its peak working set and the figures file.</summary>
public sealed record ChildResult(string Engine, IReadOnlyList<double> Seconds, long PeakBytes, long Events, string FiguresPath)
{
    public double Median
    {
        get
        {
            var s = Seconds.Order().ToArray();
            return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
        }
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
