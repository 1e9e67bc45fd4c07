using System.Collections.Concurrent;
using KefuScore.App.Reading;
using KefuScore.App.Reading.Mapping;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;

namespace KefuScore.App.Reports;

/// <summary>
/// The report over files: rows (structs, ids interned per run, nothing allocated per line) where the profile's metrics
/// run on the incremental state and every file is CSV without a mapping; events otherwise. Same figures, same
/// rejected lines, same replay rule either way.
/// </summary>
public static partial class ReportRunner
{
    public static FoldRun Run(CompiledProfile profile, IReadOnlyList<string> files, ImportMapping? mapping, int threads, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (mapping is not null || IncrementalRules.For(profile) is null || files.Any(f => EventFiles.FormatOf(f) != EventFileFormat.Csv))
            return Run(profile, () => files.SelectMany(f => EventFiles.Read(f, mapping, ct)), threads, progress, ct);
        var run = RowPass(profile, files, FoldOptions.Streaming, threads, progress, ct, out var tooLate);
        if (tooLate == 0) return run;
        var replay = RowPass(profile, files, FoldOptions.Unbounded, threads, progress, ct, out _);
        replay.Replayed = true;
        return replay;
    }

    /// <summary>
    /// One thread reads batches of rows; with one fold it folds them on the calling thread, with several it deals each
    /// row by shop to a worker's own batches (shops in order of first appearance, round-robin, as for events).
    /// </summary>
    private static FoldRun RowPass(CompiledProfile profile, IReadOnlyList<string> files, FoldOptions options, int threads, IProgress<long>? progress, CancellationToken ct, out long tooLate)
    {
        var names = new RunNames();
        var free = new ConcurrentBag<RowBatch>();
        RowBatch Rent() => free.TryTake(out var b) ? b : new RowBatch();
        var batches = files.SelectMany(f => EventFiles.ReadRows(f, names, Rent, ct));
        var run = new FoldRun(Rollup.Daily(profile.Metrics.Count));
        long records = 0;
        if (threads == 1)
        {
            var folder = new RowFolder(profile, options);
            foreach (var batch in Batches.ReadAhead(batches, 1, ct))
            {
                run.Rejected.AddRange(batch.Rejected);
                folder.Fold(batch);
                records += batch.Records;
                batch.Clear();
                free.Add(batch);
                progress?.Report(records);
            }
            return folder.Finish(run, out tooLate);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var queues = new BlockingCollection<RowBatch>[threads];
        var workers = new Task<RowFolder>[threads];
        var spare = new ConcurrentBag<RowBatch>();
        for (var w = 0; w < threads; w++)
        {
            var queue = queues[w] = new BlockingCollection<RowBatch>(boundedCapacity: 8);
            workers[w] = Task.Factory.StartNew(() =>
            {
                try
                {
                    var folder = new RowFolder(profile, options);
                    foreach (var batch in queue.GetConsumingEnumerable(stop.Token))
                    {
                        folder.Fold(batch);
                        batch.Clear();
                        spare.Add(batch);
                    }
                    return folder;
                }
                catch { stop.Cancel(); throw; }
            }, stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        var filling = new RowBatch[threads];
        for (var w = 0; w < threads; w++) filling[w] = new RowBatch();
        try
        {
            foreach (var batch in batches)
            {
                run.Rejected.AddRange(batch.Rejected);
                var chars = batch.Text;
                for (var i = 0; i < batch.Count; i++)
                {
                    ref readonly var row = ref batch.Rows[i];
                    var w = row.ShopIndex % threads;
                    filling[w].Add(row, chars);
                    if (filling[w].Full)
                    {
                        queues[w].Add(filling[w], stop.Token);
                        filling[w] = spare.TryTake(out var b) ? b : new RowBatch();
                    }
                }
                records += batch.Records;
                batch.Clear();
                free.Add(batch);
                progress?.Report(records);
            }
            for (var w = 0; w < threads; w++)
                if (filling[w].Count > 0) queues[w].Add(filling[w], stop.Token);
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
            var part = worker.GetAwaiter().GetResult().Finish(new FoldRun(Rollup.Daily(profile.Metrics.Count)), out var late);
            run.Rollup.Merge(part.Rollup);
            run.Read += part.Read;
            run.Duplicates += part.Duplicates;
            run.PeakOpenConversations += part.PeakOpenConversations;
            tooLate += late;
        }
        return run;
    }

    /// <summary>One fold over row batches into its rollup.</summary>
    private sealed class RowFolder(CompiledProfile profile, FoldOptions options)
    {
        private readonly MetricFold _fold = new(profile, options);
        private readonly Rollup _rollup = Rollup.Daily(profile.Metrics.Count);
        private readonly List<MetricFact> _facts = new(256);

        public void Fold(RowBatch batch)
        {
            var chars = batch.Text;
            for (var i = 0; i < batch.Count; i++)
            {
                _fold.Apply(batch.Rows[i], chars, _facts);
                if (_facts.Count == 0) continue;
                foreach (var f in _facts) _rollup.Add(f);
                _facts.Clear();
            }
        }

        public FoldRun Finish(FoldRun run, out long tooLate)
        {
            _fold.Finish(_facts);
            foreach (var f in _facts) _rollup.Add(f);
            _facts.Clear();
            run.Rollup.Merge(_rollup);
            run.Read = _fold.Read;
            run.Duplicates = _fold.Duplicates;
            run.PeakOpenConversations = _fold.PeakOpenConversations;
            tooLate = _fold.TooLate;
            return run;
        }
    }
}
