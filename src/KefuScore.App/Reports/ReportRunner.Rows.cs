using System.Collections.Concurrent;
using KefuScore.App.Reading;
using KefuScore.App.Reading.Mapping;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;

namespace KefuScore.App.Reports;

/// <summary>
/// The report over files: rows (structs, ids interned per run, nothing allocated per line) where the profile's metrics
/// run on the incremental state and every file is CSV or Parquet without a mapping; events otherwise. Same figures, same
/// rejected lines, same replay rule either way.
/// </summary>
public static partial class ReportRunner
{
    public static FoldRun Run(CompiledProfile profile, IReadOnlyList<string> files, ImportMapping? mapping, int threads, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (mapping is not null || IncrementalRules.For(profile) is null || files.Any(f => EventFiles.FormatOf(f) is not (EventFileFormat.Csv or EventFileFormat.Parquet)))
            return Run(profile, () => files.SelectMany(f => EventFiles.Read(f, mapping, ct)), threads, progress, ct);
        var run = RowPass(profile, files, FoldOptions.Streaming, threads, progress, ct, out var tooLate);
        if (tooLate == 0) return run;
        var replay = RowPass(profile, files, FoldOptions.Unbounded, threads, progress, ct, out _);
        replay.Replayed = true;
        return replay;
    }

    /// <summary>
    /// Parsers on <paramref name="threads"/> threads read the files in chunks (<see cref="CsvChunks"/>), each row dealt
    /// by its shop's hash to one of <paramref name="threads"/> fold workers; this thread hands the chunks out in file
    /// order, so every worker sees its shops' rows in file order and rejected lines keep theirs.
    /// </summary>
    private static FoldRun RowPass(CompiledProfile profile, IReadOnlyList<string> files, FoldOptions options, int threads, IProgress<long>? progress, CancellationToken ct, out long tooLate)
    {
        var run = new FoldRun(Rollup.Daily(profile.Metrics.Count));
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
                    var folder = new RowFolder(profile, options);
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

    /// <summary>
    /// A worker's fold over row batches into its rollup, split by shop into <see cref="Buckets"/> independent folds fed a
    /// segment at a time: a worker's rows are held, dealt by shop, until <see cref="SegmentRows"/> have come, then each
    /// bucket's rows go through its fold, one bucket after another. A bucket's conversations, ids and sums are a
    /// fraction of the worker's (on the wide shape some 20,000 of 1.4M open conversations), so its segment finds its
    /// state in cache where one fold over all of them missed on almost every event (§85). Exact as the workers are:
    /// everything a fold keeps is per shop and a shop lives in one bucket, its rows in file order; a bucket's watermark
    /// follows its own shops, never ahead of the worker's, so nothing is finalised earlier (at worst a replay, exact).
    /// </summary>
    private sealed class RowFolder(CompiledProfile profile, FoldOptions options)
    {
        private const int BucketBits = 5, Buckets = 1 << BucketBits;
        /// <summary>About half an hour of the wide shape on one of two workers: long enough for a bucket's segment to reuse its state, short enough to hold (tens of MB).</summary>
        private const int SegmentRows = 1 << 18;
        // Made on a bucket's first row, so a small input does not pay for 64 folds.
        private readonly MetricFold?[] _folds = new MetricFold?[Buckets];
        // The folds' facts carry their interned shop and agent instances: summed by identity, added to a rollup at the end.
        private readonly FactSums?[] _sums = new FactSums?[Buckets];
        private readonly RowPart?[] _held = new RowPart?[Buckets];
        private int _heldRows;
        /// <summary>By a row's run-wide shop number: its bucket beside the instance it was seen with (one read, compared by reference).</summary>
        private (string? Name, int Bucket)[] _bucketOfRow = new (string?, int)[64];
        private readonly List<MetricFact> _facts = new(256);
        // One set of interned names for the worker's folds: its tables are indexed by run-wide numbers (every agent of
        // the run), so one per bucket was 64 copies of them.
        private readonly FoldNames _names = new();

        public void Fold(RowPart part)
        {
            var chars = part.Text;
            for (var i = 0; i < part.Count; i++)
            {
                ref readonly var row = ref part.Rows[i];
                (_held[BucketOf(row)] ??= new RowPart()).Add(row, chars);
            }
            _heldRows += part.Count;
            if (_heldRows >= SegmentRows) FoldHeld();
        }

        /// <summary>Closes what is still open: the last facts go into the buckets' sums.</summary>
        public void Complete()
        {
            FoldHeld();
            for (var b = 0; b < Buckets; b++)
            {
                if (_folds[b] is not { } fold) continue;
                var sink = new FactSumsSink(_sums[b]!);
                fold.Finish(_facts, ref sink);
            }
        }

        /// <summary>Adds this worker's figures and counts to <paramref name="run"/> once it is complete; gives its too-late count.</summary>
        public long AddTo(FoldRun run)
        {
            long read = 0, tooLate = 0;
            for (var b = 0; b < Buckets; b++)
            {
                if (_folds[b] is not { } fold) continue;
                _sums[b]!.AddTo(run.Rollup);
                read += fold.Read;
                run.Duplicates += fold.Duplicates;
                // Each bucket's own peak, summed: an upper bound, as the workers' sum already was.
                run.PeakOpenConversations += fold.PeakOpenConversations;
                tooLate += fold.TooLate;
            }
            run.Read += read;
            run.WorkerEvents.Add(read);
            return tooLate;
        }

        private void FoldHeld()
        {
            for (var b = 0; b < Buckets; b++)
            {
                if (_held[b] is not { Count: > 0 } part) continue;
                var fold = _folds[b] ??= new MetricFold(profile, options, _names);
                var sink = new FactSumsSink(_sums[b] ??= new FactSums(profile.Metrics.Count, hoursPerRow: 24));
                fold.Apply(part.Rows.AsSpan(0, part.Count), part.Text, _facts, ref sink);
                part.Clear();
            }
            _heldRows = 0;
        }

        private int BucketOf(in EventRow row)
        {
            var run = row.ShopIndex;
            if ((uint)run < (uint)_bucketOfRow.Length && ReferenceEquals(_bucketOfRow[run].Name, row.Shop)) return _bucketOfRow[run].Bucket;
            var bucket = BucketOf(row.Shop);
            if (run >= 0)
            {
                if (run >= _bucketOfRow.Length) Array.Resize(ref _bucketOfRow, Math.Max(run + 1, _bucketOfRow.Length * 2));
                _bucketOfRow[run] = (row.Shop, bucket);
            }
            return bucket;
        }

        /// <summary>
        /// A fixed hash of the shop's name (so the buckets, and with them each bucket's peak, do not depend on the order
        /// shops were numbered in), its high bits: the worker is the low bits of another hash, so every worker fills every bucket.
        /// </summary>
        private static int BucketOf(string shop)
        {
            var h = 2166136261u;
            foreach (var c in shop) h = (h ^ c) * 16777619u;
            return (int)((h * 0x9E3779B1u) >> (32 - BucketBits));
        }
    }
}
