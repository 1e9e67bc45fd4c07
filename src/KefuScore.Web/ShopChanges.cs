namespace KefuScore.Web;

/// <summary>What changed about a shop: its stored events (reports, overview), its live picture (waits, alerts), or both.</summary>
[Flags]
public enum ShopChange : byte
{
    None = 0,
    Events = 1,
    Live = 2,
}

/// <summary>
/// Tells whoever listens that a shop changed: raised after an ingestion commits (the events API, the import page) or,
/// in a cluster, when the shop's grain says so (Cluster/ShopSubscriptions.cs). Dashboard pages watch one shop each
/// (<see cref="Watch"/>) to redraw their numbers; <see cref="Changed"/> hears every shop's stored events. Handlers run
/// on the caller's thread and must not block: a page hands the work to its own dispatcher.
/// </summary>
public sealed class ShopChanges
{
    private sealed class Watcher(string shop, ShopChange what, Action<string> handler)
    {
        public readonly string Shop = shop;
        public readonly ShopChange What = what;
        public readonly Action<string> Handler = handler;
    }

    private sealed class Lease(ShopChanges owner, Watcher watcher) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Leave(watcher);
        }
    }

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Watcher>> _watchers = new(StringComparer.Ordinal);

    /// <summary>Every shop's stored events changed (caches that hold any shop listen here).</summary>
    public event Action<string>? Changed;

    /// <summary>
    /// A shop whose watchers went from none to some (true) or from some to none (false). A hint raised outside the
    /// lock, so two of them may arrive out of order: the listener reads <see cref="IsWatched"/> for the truth.
    /// </summary>
    public event Action<string, bool>? Interest;

    /// <summary>Calls <paramref name="handler"/> (with the shop id) on each change of <paramref name="shop"/> of the kinds asked, until disposed.</summary>
    public IDisposable Watch(string shop, Action<string> handler, ShopChange what = ShopChange.Events)
    {
        var watcher = new Watcher(shop, what, handler);
        bool first;
        lock (_gate)
        {
            if (!_watchers.TryGetValue(shop, out var list)) _watchers[shop] = list = [];
            list.Add(watcher);
            first = list.Count == 1;
        }
        if (first) Interest?.Invoke(shop, true);
        return new Lease(this, watcher);
    }

    public bool IsWatched(string shop)
    {
        lock (_gate) return _watchers.ContainsKey(shop);
    }

    /// <summary>The shops some page (or stream) watches now.</summary>
    public IReadOnlyList<string> WatchedShops()
    {
        lock (_gate) return [.. _watchers.Keys];
    }

    public void Raise(IEnumerable<string> shops, ShopChange what = ShopChange.Events)
    {
        foreach (var shop in shops.Distinct(StringComparer.Ordinal))
        {
            if (what.HasFlag(ShopChange.Events)) Changed?.Invoke(shop);
            Watcher[] listening;
            lock (_gate) listening = _watchers.TryGetValue(shop, out var list) ? [.. list.Where(w => (w.What & what) != 0)] : [];
            foreach (var w in listening) w.Handler(shop);
        }
    }

    private void Leave(Watcher watcher)
    {
        bool last = false;
        lock (_gate)
        {
            if (_watchers.TryGetValue(watcher.Shop, out var list) && list.Remove(watcher) && list.Count == 0)
            {
                _watchers.Remove(watcher.Shop);
                last = true;
            }
        }
        if (last) Interest?.Invoke(watcher.Shop, false);
    }
}
