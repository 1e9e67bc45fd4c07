using System.Collections.Concurrent;
using KefuScore.App.Reading;
using KefuScore.App.Reading.Mapping;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;

namespace KefuScore.App.Reports;

/// <summary>
/// The report over files: rows (structs, ids interned per run, nothing allocated per line) where the profile's metrics
/// run on the incremental state and every file is CSV, JSON Lines or Parquet without a mapping; events otherwise. Same figures, same
/// rejected lines, same replay rule either way.
/// </summary>
public static partial class ReportRunner
{
    /// <summary>The files' figures; without <paramref name="agents"/>, per shop only (<see cref="Rollup.Agents"/>).</summary>
    public static FoldRun Run(CompiledProfile profile, IReadOnlyList<string> files, ImportMapping? mapping, int threads, bool agents = true,
        IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (mapping is not null || IncrementalRules.For(profile) is null || files.Any(f => EventFiles.FormatOf(f) is not (EventFileFormat.Csv or EventFileFormat.JsonLines or EventFileFormat.Parquet)))
            return Run(profile, () => files.SelectMany(f => EventFiles.Read(f, mapping, ct)), threads, agents, progress, ct);
        var run = RowPass(profile, files, FoldOptions.Streaming, threads, agents, progress, ct, out var tooLate);
        if (tooLate == 0) return run;
        var replay = RowPass(profile, files, FoldOptions.Unbounded, threads, agents, progress, ct, out _);
        replay.Replayed = true;
        return replay;
    }

    /// <summary>
    /// Parsers on <paramref name="threads"/> threads read the files in chunks (<see cref="CsvChunks"/>), each row dealt
    /// by its shop's hash to one of <paramref name="threads"/> fold workers; this thread hands the chunks out in file
    /// order, so every worker sees its shops' rows in file order and rejected lines keep theirs.
    /// </summary>
    private static FoldRun RowPass(CompiledProfile profile, IReadOnlyList<string> files, FoldOptions options, int threads, bool agents, IProgress<long>? progress,
        CancellationToken ct, out long tooLate)
    {
        var run = NewRun(profile, agents);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var chunks = new CsvChunks(new RunNames(), threads, threads, stop.Token);
        var queues = new BlockingCollection<RowChunk>[threads];
        var workers = new Task<RowFolder>[threads];
        for (var w = 0; w < threads; w++)
        {
            var queue = queues[w] = new BlockingCollection<RowChunk>();
            var part = w;
            workers[w] = Task.Factory.StartNew(() =>
            {
                try
                {
                    var folder = new RowFolder(profile, options, agents);
                    foreach (var chunk in queue.GetConsumingEnumerable(stop.Token))
                    {
                        folder.Fold(chunk.Parts[part]);
                        if (Interlocked.Decrement(ref chunk.Pending) == 0) chunks.Return(chunk);
                    }
                    // Closing the open conversations is fold work: done here, on every worker at once, not one after
                    // another on the calling thread.
                    folder.Complete();
                    return folder;
                }
                catch { stop.Cancel(); throw; }
            }, stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        long records = 0;
        try
        {
            foreach (var chunk in chunks.Read(files))
            {
                run.Rejected.AddRange(chunk.Rejected);
                records += chunk.Records;
                foreach (var q in queues) q.Add(chunk, stop.Token);
                progress?.Report(records);
            }
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
        // Each worker's sums go straight into the run's rollup (in worker order, as merging their own rollups did):
        // on 20,000 shops a rollup per worker, then merged, was a second copy of every shop-day row.
        foreach (var worker in workers) tooLate += worker.GetAwaiter().GetResult().AddTo(run);
        return run;
    }

    /// <summary>One fold over row batches into its rollup.</summary>
    private sealed class RowFolder(CompiledProfile profile, FoldOptions options, bool agents)
    {
        private readonly MetricFold _fold = new(profile, options);
        // The fold's facts carry its interned shop and agent instances: summed by identity, added to a rollup at the end.
        private readonly FactSums _sums = new(profile.Metrics.Count, hoursPerRow: 24, agents);
        private readonly List<MetricFact> _facts = new(256);

        public void Fold(RowPart part)
        {
            var sink = new FactSumsSink(_sums);
            _fold.Apply(part.Rows.AsSpan(0, part.Count), part.Text, _facts, ref sink);
        }

        /// <summary>Closes what is still open: the last facts go into this worker's sums.</summary>
        public void Complete()
        {
            var sink = new FactSumsSink(_sums);
            _fold.Finish(_facts, ref sink);
        }

        /// <summary>Adds this worker's figures and counts to <paramref name="run"/> once it is complete; gives its too-late count.</summary>
        public long AddTo(FoldRun run)
        {
            _sums.AddTo(run.Rollup);
            run.Read += _fold.Read;
            run.WorkerEvents.Add(_fold.Read);
            run.Duplicates += _fold.Duplicates;
            run.PeakOpenConversations += _fold.PeakOpenConversations;
            return _fold.TooLate;
        }
    }
}
