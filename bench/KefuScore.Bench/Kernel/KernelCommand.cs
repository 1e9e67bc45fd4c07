using BenchmarkDotNet.Running;

namespace KefuScore.Bench.Kernel;

/// <summary><c>kernel [BenchmarkDotNet args]</c>: runs <see cref="KernelBenchmarks"/> (all of them unless --filter says otherwise).</summary>
public static class KernelCommand
{
    public static int Run(string[] args)
    {
        var summaries = BenchmarkSwitcher.FromTypes([typeof(KernelBenchmarks)]).Run(args.Length == 0 ? ["--filter", "*"] : args);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
