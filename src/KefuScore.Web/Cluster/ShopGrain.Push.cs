namespace KefuScore.Web.Cluster;

/// <summary>
/// The push side of a shop's grain (docs/decisions.md §52): the silos subscribed to the shop, and its changes sent to
/// them coalesced (<see cref="ChangeCoalescer"/>). Changes come from the grain's own commits, from its silo's live
/// monitor (an alert opened by the clock, rules applied) on whatever thread raises them, and from <see cref="Touch"/>;
/// sending is one-way, from the offering thread or the flush timer, so everything here is under one lock.
/// </summary>
internal sealed partial class ShopGrain
{
    private readonly Lock _push = new();
    private readonly Dictionary<IShopObserver, DateTimeOffset> _observers = [];
    private readonly ChangeCoalescer _coalescer = new(ShopPush.Interval);
    private readonly Guid _activation = Guid.NewGuid();
    private ITimer? _flush;
    private long _sent;
    private int _ingesting;
    private bool _stopped;
    private IDisposable? _listening;

    public Task<ShopVersion> Subscribe(IShopObserver observer)
    {
        lock (_push)
        {
            _observers[observer] = time.GetUtcNow() + ShopPush.Expiry;
            return Task.FromResult(new ShopVersion(_activation, _sent));
        }
    }

    public Task Unsubscribe(IShopObserver observer)
    {
        lock (_push) _observers.Remove(observer);
        return Task.CompletedTask;
    }

    public Task Touch(ShopChange what)
    {
        Offer(what);
        return Task.CompletedTask;
    }

    private void OnLiveChanged()
    {
        // While a batch is being stored its own notice follows the commit (Ingest), carrying both kinds at once.
        if (Volatile.Read(ref _ingesting) > 0) return;
        Offer(ShopChange.Live);
    }

    private void Offer(ShopChange what)
    {
        List<IShopObserver> to;
        ShopChanged change;
        lock (_push)
        {
            if (_stopped) return;
            var step = _coalescer.Offer(what, time.GetUtcNow());
            if (step.FlushAfter is { } after)
            {
                _flush ??= time.CreateTimer(static s => ((ShopGrain)s!).Flush(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _flush.Change(after, Timeout.InfiniteTimeSpan);
            }
            if (!Prepare(step.Send, out to, out change)) return;
        }
        Send(to, change);
    }

    private void Flush()
    {
        List<IShopObserver> to;
        ShopChanged change;
        lock (_push)
        {
            if (_stopped || !Prepare(_coalescer.Flush(time.GetUtcNow()).Send, out to, out change)) return;
        }
        Send(to, change);
    }

    /// <summary>Under the lock: the live subscribers (expired ones dropped) and the numbered notification.</summary>
    private bool Prepare(ShopChange what, out List<IShopObserver> to, out ShopChanged change)
    {
        to = [];
        change = null!;
        if (what == ShopChange.None) return false;
        var now = time.GetUtcNow();
        foreach (var (observer, until) in _observers.ToList())
            if (until < now) _observers.Remove(observer);
            else to.Add(observer);
        change = new ShopChanged(this.GetPrimaryKeyString(), what, new ShopVersion(_activation, ++_sent));
        return to.Count > 0;
    }

    private void Send(List<IShopObserver> to, ShopChanged change)
    {
        foreach (var observer in to)
        {
            try { observer.Changed(change).Ignore(); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A silo that cannot be reached renews or expires; the others must still hear.
                if (log.IsEnabled(LogLevel.Debug)) log.LogDebug(e, "shop {Shop}: notifying a silo failed", change.Shop);
            }
        }
    }

    private void StopPush()
    {
        lock (_push)
        {
            _stopped = true;
            _flush?.Dispose();
            _observers.Clear();
        }
    }
}
