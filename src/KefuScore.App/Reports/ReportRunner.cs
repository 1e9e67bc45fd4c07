using KefuScore.App.Reading;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;

namespace KefuScore.App.Reports;

/// <summary>What a run over input files produced: the rollup and the bookkeeping the report prints.</summary>
public sealed class FoldRun(Rollup rollup)
{
    public Rollup Rollup { get; } = rollup;
    public long Read { get; set; }
    public long Duplicates { get; set; }
    public List<RejectedLine> Rejected { get; } = [];
    /// <summary>True when the input was too far out of order for streaming and was replayed with everything kept open.</summary>
    public bool Replayed { get; set; }
    public int PeakOpenConversations { get; set; }
}

/// <summary>
/// Drives the engine's fold over event files: streaming first (memory bounded by open conversations); if events
/// arrive further out of order than the lateness allows, once more unbounded, so the numbers are always exact.
/// </summary>
public static class ReportRunner
{
    public static FoldRun Run(CompiledProfile profile, IReadOnlyList<string> files, IProgress<long>? progress = null, CancellationToken ct = default) =>
        Run(profile, () => files.SelectMany(f => EventFiles.Read(f, ct)), progress, ct);

    /// <summary>Runs over any source of read items; <paramref name="source"/> may be called twice (replay).</summary>
    public static FoldRun Run(CompiledProfile profile, Func<IEnumerable<ReadItem>> source, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        var run = Once(profile, source, FoldOptions.Streaming, progress, ct, out var tooLate);
        if (tooLate == 0) return run;
        var replay = Once(profile, source, FoldOptions.Unbounded, progress, ct, out _);
        replay.Replayed = true;
        return replay;
    }

    private static FoldRun Once(CompiledProfile profile, Func<IEnumerable<ReadItem>> source, FoldOptions options, IProgress<long>? progress, CancellationToken ct, out long tooLate)
    {
        var fold = new MetricFold(profile, options);
        // Reports need days at most: daily rows keep memory proportional to days, not hours.
        var run = new FoldRun(Rollup.Daily(profile.Metrics.Count));
        var facts = new List<MetricFact>(256);
        long items = 0;
        foreach (var item in Batches.ReadAhead(source(), ct))
        {
            if (item.Event is { } e)
            {
                fold.Apply(e, facts);
                if (facts.Count > 0)
                {
                    foreach (var f in facts) run.Rollup.Add(f);
                    facts.Clear();
                }
            }
            else if (item.Rejected is { } r) run.Rejected.Add(r);
            if ((++items & 0xFFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
                progress?.Report(items);
            }
        }
        fold.Finish(facts);
        foreach (var f in facts) run.Rollup.Add(f);
        progress?.Report(items);
        run.Read = fold.Read;
        run.Duplicates = fold.Duplicates;
        run.PeakOpenConversations = fold.PeakOpenConversations;
        tooLate = fold.TooLate;
        return run;
    }
}
