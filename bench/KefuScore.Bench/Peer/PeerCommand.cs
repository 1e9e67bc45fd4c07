using System.Diagnostics;
using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using KefuScore.App.Profiles;
using KefuScore.App.Reports;
using KefuScore.Bench.EndToEnd;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;

namespace KefuScore.Bench.Peer;

/// <summary>
/// <c>peer --shape uniform|zipf|wide --events N [--format csv|jsonl|parquet] [--repeat 3] [--file CSV] [--keep]</c>:
/// <c>kefu report --profile douyin</c> against the plain peer SQL (<c>../shared/bench/douyin-peer.sql</c>, DuckDB.NET
/// with threads = cores) on the same file, alternately, each run in a fresh child process; medians; the figures of
/// every shop-day checked equal. JSONL is written from the CSV here, Parquet by DuckDB from the CSV (as the SQL says).
/// </summary>
public static class PeerCommand
{
    public static int Run(PeerOptions o)
    {
        var dir = Directory.CreateTempSubdirectory("kefu-peer-").FullName;
        try
        {
            var csv = o.File ?? Path.Combine(dir, $"{o.Shape}.csv");
            if (o.File is null)
            {
                var watch = Stopwatch.StartNew();
                var n = Shapes.Write(csv, o.Shape, o.Events);
                Console.Error.WriteLine($"wrote {n:N0} events ({o.Shape}) to {csv} in {watch.Elapsed.TotalSeconds:F1} s");
            }
            var file = o.Format switch
            {
                "csv" => csv,
                "jsonl" => ToJsonLines(csv, Path.Combine(dir, $"{o.Shape}.jsonl")),
                "parquet" => ToParquet(csv, Path.Combine(dir, $"{o.Shape}.parquet")),
                _ => throw new ArgumentException("--format must be csv, jsonl or parquet"),
            };
            var sql = o.Sql ?? FindPeerSql();
            var size = new FileInfo(file).Length;

            var kefu = new List<double>();
            var duck = new List<double>();
            long kefuPeak = 0, duckPeak = 0, events = 0;
            string kefuFigures = Path.Combine(dir, "kefu.tsv"), duckFigures = Path.Combine(dir, "duck.tsv");
            for (var i = 0; i < o.Repeat; i++)
            {
                var k = Child("peer-kefu", file, kefuFigures, sql, o.Threads);
                kefu.Add(k.Seconds); kefuPeak = Math.Max(kefuPeak, k.Peak); events = k.Events;
                var d = Child("peer-duckdb", file, duckFigures, sql, o.Threads);
                duck.Add(d.Seconds); duckPeak = Math.Max(duckPeak, d.Peak);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  run {i + 1}/{o.Repeat}: KefuScore {k.Seconds:F3} s, DuckDB {d.Seconds:F3} s"));
            }
            var km = ChildResult.MedianOf(kefu);
            var dm = ChildResult.MedianOf(duck);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"shape {o.Shape}, {o.Format}: {events:N0} events, {size / 1048576.0:F0} MiB, {Environment.ProcessorCount} cores, KefuScore --threads {o.Threads}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"KefuScore median {km:F3} s ({events / km:N0} events/s, peak {kefuPeak / 1048576.0:F0} MiB)  runs {string.Join(" ", kefu.Select(s => s.ToString("F3", CultureInfo.InvariantCulture)))}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"DuckDB    median {dm:F3} s ({events / dm:N0} events/s, peak {duckPeak / 1048576.0:F0} MiB)  runs {string.Join(" ", duck.Select(s => s.ToString("F3", CultureInfo.InvariantCulture)))}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"KefuScore is {dm / km:F2}x DuckDB's speed (target: 3x)"));

            var problems = PeerFigures.Compare(PeerFigures.Load(kefuFigures), PeerFigures.Load(duckFigures));
            var days = PeerFigures.Load(duckFigures).Count;
            if (problems.Count == 0)
            {
                Console.WriteLine($"figures equal on all {days:N0} shop-days");
                return 0;
            }
            Console.WriteLine($"{problems.Count:N0} of {days:N0} shop-days differ; first ones:");
            foreach (var p in problems.Take(10)) Console.WriteLine(p);
            return 1;
        }
        finally
        {
            if (o.Keep) Console.Error.WriteLine($"kept {dir}");
            else Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>One engine run in a child process of its own: its time, its peak working set, its figures file.</summary>
    private static (double Seconds, long Peak, long Events) Child(string mode, string file, string figures, string sql, int threads)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this program's path");
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(PeerCommand).Assembly.Location);
        foreach (var a in new[] { mode, "--file", file, "--out", figures, "--sql", sql, "--threads", threads.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(a);
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {mode}");
        var stdout = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        var line = stdout.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{mode} failed (exit {child.ExitCode})");
        Console.Error.WriteLine($"  {mode}: {line}");
        var parts = line[7..].Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        return (double.Parse(parts["seconds"], CultureInfo.InvariantCulture), long.Parse(parts["peak"], CultureInfo.InvariantCulture),
            long.Parse(parts["events"], CultureInfo.InvariantCulture));
    }

    /// <summary>The child: times one engine from file to figures, saves the figures, prints its RESULT line.</summary>
    public static int RunChild(PeerOptions o, bool duckDb)
    {
        var file = o.File ?? throw new ArgumentException("--file is required");
        using var tally = duckDb ? null : AllocationTally.FromEnvironment();
        using var gcTrace = duckDb ? null : GcTrace.FromEnvironment();
        var watch = Stopwatch.StartNew();
        long events = -1;
        var workers = "";
        // The process's CPU when the last fold is done: what the report's end (build, figures) costs is the rest.
        TimeSpan? foldCpu = null;
        List<PeerFigures> rows;
        if (duckDb) rows = DuckDb(file, o.Sql ?? FindPeerSql());
        else
        {
            var profile = ProfileCatalog.Compile("douyin");
            // As `kefu report` without --agents: the figures per shop only.
            var run = ReportRunner.Run(profile, [file], null, o.Threads, agents: false);
            if (run.Rejected.Count > 0) throw new InvalidOperationException($"{run.Rejected.Count} lines rejected in {file}");
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  fold done after {watch.Elapsed.TotalSeconds:F2} s"));
            using (var now = Process.GetCurrentProcess()) foldCpu = now.TotalProcessorTime;
            tally?.Report("read + fold", run.Read);
            rows = PeerFigures.Of(ReportBuilder.Build(profile, run.Rollup, new ReportRequest(By: PeriodKind.Day), o.Threads));
            events = run.Read;
            workers = $" workers={string.Join('/', run.WorkerEvents)}";
        }
        watch.Stop();
        gcTrace?.Report();
        PeerFigures.Save(o.Out ?? throw new ArgumentException("--out is required"), rows);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT events={events} seconds={watch.Elapsed.TotalSeconds:R} peak={self.PeakWorkingSet64} gcpause={GC.GetTotalPauseDuration().TotalSeconds:R} cpu={self.TotalProcessorTime.TotalSeconds:R} gen2={GC.CollectionCount(2)} gen0={GC.CollectionCount(0)} jit={System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:R} jitted={System.Runtime.JitInfo.GetCompiledMethodCount()}{workers}{(foldCpu is { } f ? $" endcpu={(self.TotalProcessorTime - f).TotalSeconds:F2}" : "")}"));
        return 0;
    }

    /// <summary>
    /// <c>split --file F</c>: where <c>kefu report</c>'s time goes: reading alone (records parsed and validated, nothing
    /// folded), then the whole run, each with its CPU time and bytes allocated per event.
    /// </summary>
    public static int Split(PeerOptions o)
    {
        var file = o.File ?? throw new ArgumentException("--file is required");
        using var self = Process.GetCurrentProcess();
        for (var round = 0; round < o.Repeat; round++)
        {
            var (cpu, wall, bytes) = (self.TotalProcessorTime, Stopwatch.StartNew(), GC.GetTotalAllocatedBytes());
            long n = 0;
            foreach (var item in App.Reading.EventFiles.Read(file)) if (item.Event is not null) n++;
            self.Refresh();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"read only: {n:N0} events, CPU {(self.TotalProcessorTime - cpu).TotalSeconds:F2} s, wall {wall.Elapsed.TotalSeconds:F2} s, {(GC.GetTotalAllocatedBytes() - bytes) / n} B/event"));
            // The fold alone, over events already in memory: what the engine costs without the reader.
            var events = new List<ChatEvent>();
            foreach (var item in App.Reading.EventFiles.Read(file)) if (item.Event is { } e) events.Add(e);
            var profile = ProfileCatalog.Compile("douyin");
            GC.Collect();
            var pause = GC.GetTotalPauseDuration();
            (cpu, wall, bytes) = (self.TotalProcessorTime, Stopwatch.StartNew(), GC.GetTotalAllocatedBytes());
            var fold = new MetricFold(profile, FoldOptions.Streaming);
            var rollup = Rollup.Daily(profile.Metrics.Count);
            var facts = new List<MetricFact>(256);
            foreach (var e in events)
            {
                fold.Apply(e, facts);
                foreach (var f in facts) rollup.Add(f);
                facts.Clear();
            }
            fold.Finish(facts);
            foreach (var f in facts) rollup.Add(f);
            self.Refresh();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fold only: {events.Count:N0} events, CPU {(self.TotalProcessorTime - cpu).TotalSeconds:F2} s, wall {wall.Elapsed.TotalSeconds:F2} s, {(GC.GetTotalAllocatedBytes() - bytes) / events.Count} B/event, GC pauses {(GC.GetTotalPauseDuration() - pause).TotalSeconds:F2} s, peak open {fold.PeakOpenConversations:N0}"));
            events = null;
            GC.Collect();
            (cpu, wall, bytes) = (self.TotalProcessorTime, Stopwatch.StartNew(), GC.GetTotalAllocatedBytes());
            var run = ReportRunner.Run(profile, [file], null, 1);
            self.Refresh();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"report:    {run.Read:N0} events, CPU {(self.TotalProcessorTime - cpu).TotalSeconds:F2} s, wall {wall.Elapsed.TotalSeconds:F2} s, {(GC.GetTotalAllocatedBytes() - bytes) / run.Read} B/event"));
        }
        return 0;
    }

    private static List<PeerFigures> DuckDb(string file, string sqlPath)
    {
        var path = Path.GetFullPath(file).Replace("'", "''", StringComparison.Ordinal);
        var source = Path.GetExtension(file) switch
        {
            ".parquet" => $"read_parquet('{path}')",
            ".jsonl" => $"read_json('{path}', format = 'newline_delimited', columns = {Columns})",
            _ => $"read_csv('{path}', header = true, delim = ',', quote = '\"', escape = '\"', columns = {Columns})",
        };
        var sql = File.ReadAllText(sqlPath).Replace("{SRC}", source, StringComparison.Ordinal);
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SET threads = {Environment.ProcessorCount}";
        command.ExecuteNonQuery();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<PeerFigures>();
        var epoch = new DateOnly(1970, 1, 1);
        while (reader.Read())
        {
            long L(string name) => Convert.ToInt64(reader.GetValue(reader.GetOrdinal(name)), CultureInfo.InvariantCulture);
            rows.Add(new PeerFigures(reader.GetString(reader.GetOrdinal("shop")), epoch.AddDays((int)L("day")).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                L("rr3_num"), L("rr3_den"), L("fr2_num"), L("fr2_den"), L("avg_count"), L("avg_sum_us"), L("unanswered"), L("consultations")));
        }
        return rows;
    }

    private const string Columns = "{'type': 'VARCHAR', 'id': 'VARCHAR', 'shop': 'VARCHAR', 'at': 'TIMESTAMPTZ', 'conversation': 'VARCHAR', "
        + "'customer': 'VARCHAR', 'sender': 'VARCHAR', 'agent': 'VARCHAR', 'kind': 'VARCHAR', 'text': 'VARCHAR'}";

    /// <summary>SPEC §3 JSON Lines from the generated CSV (its cells hold no commas or quotes).</summary>
    private static string ToJsonLines(string csv, string path)
    {
        using var reader = new StreamReader(csv);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        var header = reader.ReadLine()!.Split(',');
        while (reader.ReadLine() is { } line)
        {
            var cells = line.Split(',');
            writer.Write('{');
            var first = true;
            for (var i = 0; i < header.Length; i++)
            {
                if (cells[i].Length == 0) continue;
                if (!first) writer.Write(',');
                first = false;
                writer.Write($"\"{header[i]}\":\"{cells[i]}\"");
            }
            writer.Write("}\n");
        }
        return path;
    }

    private static string ToParquet(string csv, string path)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        var from = Path.GetFullPath(csv).Replace("'", "''", StringComparison.Ordinal);
        command.CommandText = $"COPY (SELECT * FROM read_csv('{from}', header = true, columns = {Columns})) TO '{path.Replace("'", "''", StringComparison.Ordinal)}' (FORMAT PARQUET)";
        command.ExecuteNonQuery();
        return path;
    }

    private static string FindPeerSql()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            foreach (var shared in new[] { Path.Combine("..", "shared"), "shared" })
            {
                var candidate = Path.Combine(dir.FullName, shared, "bench", "douyin-peer.sql");
                if (File.Exists(candidate)) return Path.GetFullPath(candidate);
            }
        }
        throw new ArgumentException("cannot find ../shared/bench/douyin-peer.sql: name it with --sql PATH");
    }
}

/// <summary>Options of <c>peer</c> and its children.</summary>
public sealed class PeerOptions
{
    public string Shape { get; private set; } = "zipf";
    public string Format { get; private set; } = "csv";
    public long Events { get; private set; } = 10_000_000;
    public int Repeat { get; private set; } = 3;
    public string? File { get; private set; }
    public string? Out { get; private set; }
    public string? Sql { get; private set; }
    public bool Keep { get; private set; }
    /// <summary>KefuScore's fold workers, as <c>kefu report --threads</c> (default: cores, as DuckDB's threads).</summary>
    public int Threads { get; private set; } = Environment.ProcessorCount;

    public static PeerOptions Parse(IReadOnlyList<string> args)
    {
        var o = new PeerOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--shape": o.Shape = Value(); Shapes.Of(o.Shape); break;
                case "--format": o.Format = Value(); break;
                case "--events": o.Events = long.Parse(Value().Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture); break;
                case "--repeat": o.Repeat = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--file": o.File = Value(); break;
                case "--out": o.Out = Value(); break;
                case "--sql": o.Sql = Value(); break;
                case "--keep": o.Keep = true; break;
                case "--threads": o.Threads = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        return o;
    }
}

/// <summary>The peer SQL's figures of one shop and local day; KefuScore's are read from its douyin report.</summary>
public sealed record PeerFigures(string Shop, string Day, long Rr3Num, long Rr3Den, long Fr2Num, long Fr2Den, long AvgCount, long AvgSumUs,
    long Unanswered, long Consultations)
{
    public static List<PeerFigures> Of(Report report)
    {
        var rows = new List<PeerFigures>();
        foreach (var shop in report.Shops)
        {
            foreach (var period in shop.Periods)
            {
                var m = period.Metrics.ToDictionary(v => v.Metric.Id, v => v.Cell, StringComparer.Ordinal);
                var row = new PeerFigures(shop.Shop, period.Period, m["reply_rate_3min"].Numerator, m["reply_rate_3min"].Denominator,
                    m["first_reply_rate_2min"].Numerator, m["first_reply_rate_2min"].Denominator, m["avg_reply_seconds"].Count,
                    m["avg_reply_seconds"].SumTicks / 10, m["unanswered"].Count, m["consultations"].Count);
                if (row.Consultations > 0 || row.Rr3Den > 0) rows.Add(row);
            }
        }
        return rows;
    }

    public string ToLine() => string.Join('\t', Shop, Day, Rr3Num, Rr3Den, Fr2Num, Fr2Den, AvgCount, AvgSumUs, Unanswered, Consultations);

    public static void Save(string path, IEnumerable<PeerFigures> rows) => System.IO.File.WriteAllLines(path, rows.Select(r => r.ToLine()));

    public static List<PeerFigures> Load(string path) => System.IO.File.ReadAllLines(path).Where(l => l.Length > 0).Select(l =>
    {
        var p = l.Split('\t');
        long L(int i) => long.Parse(p[i], CultureInfo.InvariantCulture);
        return new PeerFigures(p[0], p[1], L(2), L(3), L(4), L(5), L(6), L(7), L(8), L(9));
    }).ToList();

    public static List<string> Compare(List<PeerFigures> kefu, List<PeerFigures> peer)
    {
        var a = kefu.ToDictionary(r => (r.Shop, r.Day));
        var b = peer.ToDictionary(r => (r.Shop, r.Day));
        var problems = new List<string>();
        foreach (var key in a.Keys.Union(b.Keys).Order())
        {
            var x = a.GetValueOrDefault(key);
            var y = b.GetValueOrDefault(key);
            if (x is null || y is null || x != y) problems.Add($"{key.Shop} {key.Day}\n    KefuScore {x?.ToLine() ?? "(none)"}\n    DuckDB    {y?.ToLine() ?? "(none)"}");
        }
        return problems;
    }
}
