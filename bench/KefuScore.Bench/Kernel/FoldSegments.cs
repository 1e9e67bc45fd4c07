using System.Globalization;
using KefuScore.App.Profiles;
using KefuScore.App.Reading;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;

namespace KefuScore.Bench.Kernel;

/// <summary>
/// <c>fold-seg [--repeat N]</c>: the fold of <see cref="FoldBenchmarks"/> split by shop into <c>KEFU_SEG_BUCKETS</c>
/// independent folds, fed a segment of <c>KEFU_SEG_ROWS</c> rows at a time, bucket after bucket (each bucket's state is
/// a fraction of the whole, so a segment's events find it in cache), alternated with the one fold of <c>fold-cpu</c>
/// on the same rows, by thread CPU; the rows are dealt to buckets before the clock starts (the dealing is timed apart),
/// so this is the upper bound of what the locality gives. The two rollups are checked equal.
/// </summary>
public static class FoldSegCommand
{
    public static int Run(int repeat)
    {
        var buckets = int.Parse(Environment.GetEnvironmentVariable("KEFU_SEG_BUCKETS") ?? "64", CultureInfo.InvariantCulture);
        var segmentRows = int.Parse(Environment.GetEnvironmentVariable("KEFU_SEG_ROWS") ?? "400000", CultureInfo.InvariantCulture);
        var bench = new FoldBenchmarks();
        bench.Setup();
        var profile = ProfileCatalog.Compile("douyin");
        var parts = bench.AllParts;
        var n = parts.Sum(p => (long)p.Count);

        var dealStart = FoldCpuCommand.ThreadCpu();
        var segments = Deal(parts, buckets, segmentRows, []);
        var dealCpu = FoldCpuCommand.ThreadCpu() - dealStart;
        // Once more into the same parts, cleared: what dealing costs with buffers that are already there (a worker's pool).
        foreach (var segment in segments)
            foreach (var part in segment) part.Clear();
        var again = FoldCpuCommand.ThreadCpu();
        Deal(parts, buckets, segmentRows, segments);
        var redealCpu = FoldCpuCommand.ThreadCpu() - again;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// {buckets} buckets, {segments.Count} segments of {segmentRows:N0} rows; dealing {dealCpu:F3} s CPU, into parts already grown {redealCpu:F3} s"));

        for (var i = 0; i < repeat; i++)
        {
            var before = FoldCpuCommand.ThreadCpu();
            var one = OneFold(profile, parts);
            var oneCpu = FoldCpuCommand.ThreadCpu() - before;
            before = FoldCpuCommand.ThreadCpu();
            var (seg, peak) = Segmented(profile, segments, buckets);
            var segCpu = FoldCpuCommand.ThreadCpu() - before;
            var same = one.SameAs(seg);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"one fold: CPU {oneCpu:F3} s, {n / oneCpu:N0} events/s;  {buckets} buckets: CPU {segCpu:F3} s, {n / segCpu:N0} events/s ({segCpu / oneCpu - 1:P1}); peak open {peak:N0}; rollups equal: {same}"));
            if (!same) return 1;
        }
        return 0;
    }

    private static Rollup OneFold(CompiledProfile profile, List<RowPart> parts)
    {
        var fold = new MetricFold(profile, FoldOptions.Streaming);
        var sums = new FactSums(profile.Metrics.Count);
        var facts = new List<MetricFact>(256);
        var sink = new FactSumsSink(sums);
        foreach (var part in parts) fold.Apply(part.Rows.AsSpan(0, part.Count), part.Text, facts, ref sink);
        fold.Finish(facts, ref sink);
        var rollup = Rollup.Daily(profile.Metrics.Count);
        sums.AddTo(rollup);
        return rollup;
    }

    private static (Rollup, long Peak) Segmented(CompiledProfile profile, List<RowPart[]> segments, int buckets)
    {
        var folds = new MetricFold[buckets];
        var sums = new FactSums[buckets];
        for (var b = 0; b < buckets; b++)
        {
            folds[b] = new MetricFold(profile, FoldOptions.Streaming);
            sums[b] = new FactSums(profile.Metrics.Count);
        }
        var facts = new List<MetricFact>(256);
        foreach (var segment in segments)
            for (var b = 0; b < buckets; b++)
            {
                var part = segment[b];
                if (part.Count == 0) continue;
                var sink = new FactSumsSink(sums[b]);
                folds[b].Apply(part.Rows.AsSpan(0, part.Count), part.Text, facts, ref sink);
            }
        var rollup = Rollup.Daily(profile.Metrics.Count);
        long peak = 0;
        for (var b = 0; b < buckets; b++)
        {
            var sink = new FactSumsSink(sums[b]);
            folds[b].Finish(facts, ref sink);
            sums[b].AddTo(rollup);
            peak += folds[b].PeakOpenConversations;
        }
        return (rollup, peak);
    }

    /// <summary>The rows in segments of <paramref name="segmentRows"/>, each split by shop into <paramref name="buckets"/> parts (file order kept within each).</summary>
    private static List<RowPart[]> Deal(List<RowPart> parts, int buckets, int segmentRows, List<RowPart[]> segments)
    {
        var reuse = segments.Count > 0;
        var next = 0;
        RowPart[]? current = null;
        var inSegment = 0;
        foreach (var part in parts)
        {
            var chars = part.Text;
            for (var i = 0; i < part.Count; i++)
            {
                if (current is null || inSegment == segmentRows)
                {
                    if (reuse) current = segments[next++];
                    else
                    {
                        current = new RowPart[buckets];
                        for (var b = 0; b < buckets; b++) current[b] = new RowPart();
                        segments.Add(current);
                    }
                    inSegment = 0;
                }
                ref readonly var row = ref part.Rows[i];
                current[Bucket(row.ShopIndex, buckets)].Add(row, chars);
                inSegment++;
            }
        }
        return segments;
    }

    /// <summary>A shop's bucket from its run-wide number, mixed so that neighbouring numbers spread.</summary>
    private static int Bucket(int shopIndex, int buckets) => (int)(((uint)shopIndex * 0x9E3779B1u >> 8) % (uint)buckets);
}
