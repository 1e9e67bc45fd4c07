using System.Collections.Concurrent;
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
    /// <summary>The largest number of conversations open at once (with several workers, the sum of each worker's peak: an upper bound).</summary>
    public int PeakOpenConversations { get; set; }
    /// <summary>Events each fold worker read, in worker order: how evenly the shops were dealt.</summary>
    public List<long> WorkerEvents { get; } = [];
}

/// <summary>
/// Drives the engine's fold over event files: streaming first (memory bounded by open conversations); if events
/// arrive further out of order than the lateness allows, once more unbounded, so the numbers are always exact.
/// With several threads the shops are partitioned over workers, each with its own fold, and their rollups are added
/// at the end (everything a fold keeps — duplicates, conversations, presence — is per shop, and rollups add).
/// </summary>
public static partial class ReportRunner
{
    public static FoldRun Run(CompiledProfile profile, IReadOnlyList<string> files, IProgress<long>? progress = null, CancellationToken ct = default) =>
        Run(profile, () => files.SelectMany(f => EventFiles.Read(f, ct)), progress, ct);

    /// <summary>Runs over any source of read items; <paramref name="source"/> may be called twice (replay).</summary>
    public static FoldRun Run(CompiledProfile profile, Func<IEnumerable<ReadItem>> source, IProgress<long>? progress = null, CancellationToken ct = default) =>
        Run(profile, source, threads: 1, progress: progress, ct: ct);

    /// <summary>
    /// As above on <paramref name="threads"/> fold workers (1: the reader and one fold, as before). Without
    /// <paramref name="agents"/> the rollup is kept per shop only (<see cref="Rollup.Agents"/>): all a report without its
    /// agents reads, in less memory.
    /// </summary>
    public static FoldRun Run(CompiledProfile profile, Func<IEnumerable<ReadItem>> source, int threads, bool agents = true, IProgress<long>? progress = null,
        CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var run = Pass(profile, source, FoldOptions.Streaming, threads, agents, progress, ct, out var tooLate);
        if (tooLate == 0) return run;
        var replay = Pass(profile, source, FoldOptions.Unbounded, threads, agents, progress, ct, out _);
        replay.Replayed = true;
        return replay;
    }

    private static FoldRun Pass(CompiledProfile profile, Func<IEnumerable<ReadItem>> source, FoldOptions options, int threads, bool agents, IProgress<long>? progress,
        CancellationToken ct, out long tooLate) =>
        threads == 1 ? Once(profile, source, options, agents, progress, ct, out tooLate) : Partitioned(profile, source, options, threads, agents, progress, ct, out tooLate);

    private static FoldRun Once(CompiledProfile profile, Func<IEnumerable<ReadItem>> source, FoldOptions options, bool agents, IProgress<long>? progress, CancellationToken ct,
        out long tooLate)
    {
        var fold = new MetricFold(profile, options);
        var run = NewRun(profile, agents);
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

    /// <summary>
    /// The calling thread reads and deals events to the workers by shop; each worker folds its shops into its own
    /// rollup. A worker's watermark follows its own shops, never ahead of the single fold's, so nothing is finalised
    /// earlier than it would be there and the figures are the same.
    /// </summary>
    private static FoldRun Partitioned(CompiledProfile profile, Func<IEnumerable<ReadItem>> source, FoldOptions options, int threads, bool agents, IProgress<long>? progress,
        CancellationToken ct, out long tooLate)
    {
        const int batchSize = 2048;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var queues = new BlockingCollection<ChatEvent[]>[threads];
        var workers = new Task<(FoldRun Run, long TooLate)>[threads];
        for (var w = 0; w < threads; w++)
        {
            var queue = queues[w] = new BlockingCollection<ChatEvent[]>(boundedCapacity: 8);
            workers[w] = Task.Factory.StartNew(() =>
            {
                try { return Worker(profile, options, agents, queue, stop.Token); }
                catch { stop.Cancel(); throw; }
            }, stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        var run = NewRun(profile, agents);
        var partOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var batches = new ChatEvent[threads][];
        var filled = new int[threads];
        for (var w = 0; w < threads; w++) batches[w] = new ChatEvent[batchSize];
        try
        {
            long items = 0;
            foreach (var item in source())
            {
                if (item.Event is { } e)
                {
                    // Shops are dealt round-robin in order of first appearance: even load whatever their names hash to.
                    if (!partOf.TryGetValue(e.Shop, out var w)) partOf[e.Shop] = w = partOf.Count % threads;
                    batches[w][filled[w]++] = e;
                    if (filled[w] == batchSize)
                    {
                        queues[w].Add(batches[w], stop.Token);
                        batches[w] = new ChatEvent[batchSize];
                        filled[w] = 0;
                    }
                }
                else if (item.Rejected is { } r) run.Rejected.Add(r);
                if ((++items & 0xFFFF) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                    progress?.Report(items);
                }
            }
            for (var w = 0; w < threads; w++)
                if (filled[w] > 0) queues[w].Add(batches[w][..filled[w]], stop.Token);
            progress?.Report(items);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // A worker failed and stopped the others: its exception is rethrown below.
        }
        catch
        {
            stop.Cancel();
            throw;
        }
        finally
        {
            EndWorkers(queues, workers, stop);
        }

        RethrowFirstFailure(workers);
        tooLate = 0;
        foreach (var worker in workers)
        {
            var (part, late) = worker.GetAwaiter().GetResult(); // rethrows a worker's failure as it was thrown
            run.Rollup.Merge(part.Rollup);
            run.Read += part.Read;
            run.Duplicates += part.Duplicates;
            run.PeakOpenConversations += part.PeakOpenConversations;
            tooLate += late;
        }
        return run;
    }

    /// <summary>
    /// An empty run for <paramref name="profile"/>'s facts. Reports need days at most: daily rows keep memory proportional
    /// to days, not hours. Per shop only without <paramref name="agents"/> (<see cref="Rollup.Agents"/>).
    /// </summary>
    private static FoldRun NewRun(CompiledProfile profile, bool agents) => new(Rollup.Daily(profile.Metrics.Count, agents));

    /// <summary>Closes the workers' queues, waits for every worker (one stopped by another's failure is expected) and frees the queues.</summary>
    private static void EndWorkers<T>(BlockingCollection<T>[] queues, Task[] workers, CancellationTokenSource stop)
    {
        foreach (var q in queues) q.CompleteAdding();
        try { Task.WaitAll(workers, CancellationToken.None); }
        catch (AggregateException) when (stop.IsCancellationRequested) { }
        foreach (var q in queues) q.Dispose();
    }

    /// <summary>Rethrows the worker that failed first, not one that was stopped because of it.</summary>
    private static void RethrowFirstFailure(Task[] workers) =>
        workers.FirstOrDefault(t => t.IsFaulted && t.Exception!.InnerException is not OperationCanceledException)?.GetAwaiter().GetResult();

    private static (FoldRun, long) Worker(CompiledProfile profile, FoldOptions options, bool agents, BlockingCollection<ChatEvent[]> queue, CancellationToken ct)
    {
        var fold = new MetricFold(profile, options);
        var run = NewRun(profile, agents);
        var facts = new List<MetricFact>(256);
        foreach (var batch in queue.GetConsumingEnumerable(ct))
            foreach (var e in batch)
            {
                fold.Apply(e, facts);
                if (facts.Count == 0) continue;
                foreach (var f in facts) run.Rollup.Add(f);
                facts.Clear();
            }
        fold.Finish(facts);
        foreach (var f in facts) run.Rollup.Add(f);
        run.Read = fold.Read;
        run.Duplicates = fold.Duplicates;
        run.PeakOpenConversations = fold.PeakOpenConversations;
        return (run, fold.TooLate);
    }
}
