using System.Collections.Concurrent;

namespace KefuScore.App.Reports;

/// <summary>
/// Reads ahead on a second thread in batches, so parsing and the fold overlap on two cores.
/// Exceptions from the source surface in the consumer, in order.
/// </summary>
public static class Batches
{
    private const int Size = 4096;

    public static IEnumerable<T> ReadAhead<T>(IEnumerable<T> source, CancellationToken ct = default) => ReadAhead(source, Size, ct);

    /// <summary>As above, handing over <paramref name="size"/> items at a time (1 for items that are batches themselves).</summary>
    public static IEnumerable<T> ReadAhead<T>(IEnumerable<T> source, int size, CancellationToken ct = default)
    {
        using var queue = new BlockingCollection<T[]>(boundedCapacity: 16);
        Exception? failure = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Factory.StartNew(() =>
        {
            try
            {
                var batch = new T[size];
                var n = 0;
                foreach (var item in source)
                {
                    batch[n++] = item;
                    if (n == size)
                    {
                        queue.Add(batch, stop.Token);
                        batch = new T[size];
                        n = 0;
                    }
                }
                if (n > 0) queue.Add(batch[..n], stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception e) { failure = e; }
            finally { queue.CompleteAdding(); }
        }, stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        try
        {
            foreach (var batch in queue.GetConsumingEnumerable(ct))
                foreach (var item in batch) yield return item;
        }
        finally
        {
            // The consumer may stop early (an exception, a break): let the producer finish before disposing the queue.
            stop.Cancel();
            try { producer.Wait(CancellationToken.None); } catch (AggregateException) { }
        }
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
    }
}
