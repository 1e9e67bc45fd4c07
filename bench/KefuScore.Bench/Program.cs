using System.Globalization;
using KefuScore.Bench.EndToEnd;
using KefuScore.Bench.Kernel;

namespace KefuScore.Bench;

/// <summary>
/// kefu-bench: engine kernel micro-benchmarks (BenchmarkDotNet), the end-to-end comparison with DuckDB and the
/// streaming-memory check. See docs/benchmarks.md for the commands and the figures.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        try
        {
            return args.Length == 0 ? Usage() : args[0] switch
            {
                "kernel" => KernelCommand.Run(args[1..]),
                "fold-seg" => FoldSegCommand.Run(args.Length > 2 && args[1] == "--repeat" ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3),
                "fold-cpu" => FoldCpuCommand.Run(args.Length > 2 && args[1] == "--repeat" ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3),
                "e2e" => E2eCommand.Run(Options.Parse(args[1..])),
                "e2e-kefu" => EngineChild.RunKefu(Options.Parse(args[1..])),
                "e2e-duckdb" => EngineChild.RunDuckDb(Options.Parse(args[1..])),
                "peer" => Peer.PeerCommand.Run(Peer.PeerOptions.Parse(args[1..])),
                "split" => Peer.PeerCommand.Split(Peer.PeerOptions.Parse(args[1..])),
                "parquet-cells" => Peer.ParquetCellsCommand.Run(Peer.PeerOptions.Parse(args[1..])),
                "parquet-events" => Peer.ParquetCellsCommand.Events(Peer.PeerOptions.Parse(args[1..])),
                "to-parquet" when args.Length == 5 => Peer.ParquetCellsCommand.ToParquet(args[1], args[2], args[3], args[4]),
                "peer-kefu" => Peer.PeerCommand.RunChild(Peer.PeerOptions.Parse(args[1..]), duckDb: false),
                "peer-duckdb" => Peer.PeerCommand.RunChild(Peer.PeerOptions.Parse(args[1..]), duckDb: true),
                "memory" => MemoryCommand.Run(Options.Parse(args[1..])),
                "ingest" => IngestCommand.Run(Options.Parse(args[1..])).GetAwaiter().GetResult(),
                "live" => Live.LiveCommand.Run(args[1..]),
                "push" => Live.PushCommand.Run(args[1..]).GetAwaiter().GetResult(),
                "text" => Text.TextCommand.Run(args[1..]),
                _ => Usage(),
            };
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"kefu-bench: {e.Message}");
            return Usage();
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("""
            usage:
              kernel [BenchmarkDotNet args]            engine kernel micro-benchmarks (--filter '*Fold*': the report's fold alone)
              fold-cpu [--repeat N]                    the fold benchmark by thread CPU time (for a shared machine)
              fold-seg [--repeat N]                    the same rows through shop buckets fed by segment, against one fold (KEFU_SEG_BUCKETS, KEFU_SEG_ROWS)
              e2e --events N [--file PATH] [--keep]    KefuScore vs DuckDB on the same CSV (medians of 3)
              peer --shape uniform|zipf|wide --events N [--format csv|jsonl|parquet] [--repeat 3] [--file CSV] [--keep]
                                                       kefu report vs the plain peer SQL (../shared/bench/douyin-peer.sql),
                                                       alternately, medians, every shop-day checked equal
              split --file F [--repeat N]              kefu report's CPU and allocations: reading alone, then the whole run
              parquet-cells [--events N] [--file CSV] our Parquet page decoder on DuckDB's files (pages v1/v2, every codec),
                                                       each cell checked against Parquet.Net's reading
              parquet-events [--events N] [--file CSV] the event source (kefu import) on DuckDB's v2 ZSTD file, each event
                                                       checked against the CSV source's reading of the same data
              to-parquet CSV OUT CODEC V1|V2           the peer's CSV as Parquet by DuckDB with that codec and page version
              memory --events N                        stream the simulator through the fold, print peak working set
              ingest --url URL --key KEY --events N [--batch 5000] [--clients 4] [--shops 30] [--seed 5] [--skip 0] [--stream SKIP+N] [--rate R]
                                                       HTTP ingestion load run against a running server
              live [--shops 1000] [--rate 5000] [--seconds 30] [--server DLL] [--live-off]
                                                       the live monitor under load: webhook due→delivered, /live freshness
              push --urls A,B --silo-ports SA,SB --key KEY [--events 200] [--gap-ms 300]
                                                       cluster: a shop's change notified on the other silo (bench/push-run.sh)
              text [--messages 1000000] [--data DIR] [--no-model | --model FILE] [--threads N]
                                                       inspection throughput with the built-in model, FAQ latency per question (issue 18)
            """);
        return 2;
    }
}

/// <summary>The few command-line options the bench modes take: --events N, --file PATH, --out PATH, --repeat N, --keep.</summary>
public sealed class Options
{
    public long Events { get; private set; }
    public string? File { get; private set; }
    public string? Out { get; private set; }
    public int Repeat { get; private set; } = 3;
    public bool Keep { get; private set; }
    public string? Url { get; private set; }
    public string? Key { get; private set; }
    public int Batch { get; private set; } = 5000;
    public int Clients { get; private set; } = 4;
    public int Shops { get; private set; } = 30;
    public long Seed { get; private set; } = 5;
    public long Skip { get; private set; }
    public long Stream { get; private set; }
    /// <summary>ingest: offered events a second (requests released on a fixed schedule); 0: as fast as answered.</summary>
    public double Rate { get; private set; }

    public static Options Parse(IReadOnlyList<string> args)
    {
        var o = new Options();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--events": o.Events = long.Parse(Value().Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture); break;
                case "--file": o.File = Value(); break;
                case "--out": o.Out = Value(); break;
                case "--repeat": o.Repeat = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--keep": o.Keep = true; break;
                case "--url": o.Url = Value(); break;
                case "--key": o.Key = Value(); break;
                case "--batch": o.Batch = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--clients": o.Clients = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--shops": o.Shops = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--stream": o.Stream = long.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--skip": o.Skip = long.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--seed": o.Seed = long.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--rate": o.Rate = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        return o;
    }
}
