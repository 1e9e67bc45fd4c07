using KefuScore.Engine.Events;

namespace KefuScore.Web.Cluster;

/// <summary>
/// A push in cluster mode: its events are split by shop and each shop's part goes to that shop's grain, wherever it
/// lives; the answer adds the parts. Each shop's part is all or nothing and acknowledged after its commit; a push
/// naming several shops is atomic per shop (a retry after a failure gets duplicates for the parts that were stored).
/// </summary>
internal sealed class ClusterIngest(IGrainFactory grains)
{
    public async Task<ClusterIngested> Ingest(IReadOnlyList<ChatEvent> events, CancellationToken ct)
    {
        var parts = events.GroupBy(e => e.Shop, StringComparer.Ordinal)
            .Select(g => grains.GetGrain<IShopGrain>(g.Key).Ingest(new ShopBatch([.. g])).WaitAsync(ct));
        var results = await Task.WhenAll(parts);
        return new ClusterIngested(results.Sum(r => r.Accepted), results.Sum(r => r.Duplicates),
            results.Count(r => r.RetryAfter > 0), results.Max(r => r.RetryAfter));
    }
}

/// <summary>A push's parts added up; <see cref="BusyShops"/> parts were refused (their silo's queue full), retry after the longest wait asked.</summary>
internal readonly record struct ClusterIngested(long Accepted, long Duplicates, int BusyShops, int RetryAfter);
