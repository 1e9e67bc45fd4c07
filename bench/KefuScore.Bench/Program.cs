using KefuScore.Bench;
using KefuScore.Bench.EndToEnd;
using KefuScore.Bench.Kernel;

// kefu-bench: engine kernel micro-benchmarks (BenchmarkDotNet), the end-to-end comparison with DuckDB,
// and the streaming-memory check. See docs/benchmarks.md for the commands and the figures.
try
{
    return args.Length == 0 ? Usage() : args[0] switch
    {
        "kernel" => KernelCommand.Run(args[1..]),
        "e2e" => E2eCommand.Run(Options.Parse(args[1..])),
        "e2e-kefu" => EngineChild.RunKefu(Options.Parse(args[1..])),
        "e2e-duckdb" => EngineChild.RunDuckDb(Options.Parse(args[1..])),
        "memory" => MemoryCommand.Run(Options.Parse(args[1..])),
        _ => Usage(),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"kefu-bench: {e.Message}");
    return Usage();
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage:
          kernel [BenchmarkDotNet args]            engine kernel micro-benchmarks
          e2e --events N [--file PATH] [--keep]    KefuScore vs DuckDB on the same CSV (medians of 3)
          memory --events N                        stream the simulator through the fold, print peak working set
        """);
    return 2;
}
