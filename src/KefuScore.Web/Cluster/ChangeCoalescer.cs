namespace KefuScore.Web.Cluster;

/// <summary>What to do after a change or a flush: send these kinds now (None: nothing), and call Flush after this long (null: no new flush).</summary>
internal readonly record struct CoalescerStep(ShopChange Send, TimeSpan? FlushAfter);

/// <summary>
/// A shop grain's notifications, at most one per <see cref="Interval"/>: a change after a quiet interval is sent at
/// once (a single event reaches the pages without waiting), changes inside the interval are merged and sent when it
/// ends, so the last change is always sent and a page never ends stale. A grain committing 100 batches a second thus
/// sends each silo at most 1 / <see cref="Interval"/> notifications a second. Time is handed in; not thread-safe (the
/// grain holds a lock around it).
/// </summary>
internal sealed class ChangeCoalescer(TimeSpan interval)
{
    private ShopChange _pending;
    private DateTimeOffset _lastSent = DateTimeOffset.MinValue;
    private bool _flushScheduled;

    public TimeSpan Interval => interval;

    public CoalescerStep Offer(ShopChange what, DateTimeOffset now)
    {
        if (what == ShopChange.None) return default;
        if (!_flushScheduled && now - _lastSent >= interval)
        {
            _lastSent = now;
            return new CoalescerStep(what, null);
        }
        _pending |= what;
        if (_flushScheduled) return default;
        _flushScheduled = true;
        var wait = _lastSent + interval - now;
        return new CoalescerStep(ShopChange.None, wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
    }

    /// <summary>The flush asked for by <see cref="Offer"/>: everything pending, merged.</summary>
    public CoalescerStep Flush(DateTimeOffset now)
    {
        _flushScheduled = false;
        var send = _pending;
        _pending = ShopChange.None;
        if (send != ShopChange.None) _lastSent = now;
        return new CoalescerStep(send, null);
    }
}
