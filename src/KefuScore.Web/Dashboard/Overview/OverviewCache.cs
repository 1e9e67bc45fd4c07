using System.Collections.Concurrent;
using KefuScore.App.Storage;

namespace KefuScore.Web.Dashboard.Overview;

/// <summary>
/// The last overview of each shop (and agent), kept until events for the shop arrive (<see cref="ShopChanges"/>) or
/// a minute passes (events stored by <c>kefu import</c> in another process raise nothing here). Every supervisor who
/// opens the page in the morning reads the same numbers: they are computed once.
/// </summary>
public sealed class OverviewCache
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<(string Shop, string? Agent, DateOnly Today), (OverviewModel Model, DateTimeOffset At)> _entries = new();
    private readonly TimeProvider _clock;

    public OverviewCache(ShopChanges changes, TimeProvider clock)
    {
        _clock = clock;
        changes.Changed += Forget;
    }

    public async Task<OverviewModel> Get(KefuDb db, ApiKeyGrant grant, ShopContext shop, CancellationToken ct = default)
    {
        var key = (shop.Id, grant.AgentIn(shop.Id), shop.Today);
        var now = _clock.GetUtcNow();
        if (_entries.TryGetValue(key, out var entry) && now - entry.At < MaxAge) return entry.Model;
        var model = await OverviewQuery.Load(db, grant, shop, ct);
        _entries[key] = (model, now);
        return model;
    }

    public void Forget(string shop)
    {
        foreach (var key in _entries.Keys.Where(k => k.Shop == shop)) _entries.TryRemove(key, out _);
    }
}
