using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Engine.Live;
using Orleans.Concurrency;

namespace KefuScore.Web.Cluster;

/// <summary>One push's events of one shop, handed to the shop's grain (not copied between grains of one silo).</summary>
[GenerateSerializer, Immutable]
internal sealed record ShopBatch([property: Id(0)] ChatEvent[] Events);

/// <summary>
/// What the shop's grain stored of a batch, after the commit; or, with <see cref="RetryAfter"/> seconds above 0,
/// nothing: its silo's ingestion queue was full (Events/IngestGate.cs).
/// </summary>
[GenerateSerializer, Immutable]
internal readonly record struct ShopIngested([property: Id(0)] long Accepted, [property: Id(1)] long Duplicates, [property: Id(2)] int RetryAfter = 0);

/// <summary>The grain of one shop (its key is the shop id): the one place in the cluster that writes the shop's events.</summary>
internal interface IShopGrain : IGrainWithStringKey
{
    /// <summary>Stores the batch (all or nothing) and answers only after its PostgreSQL commit.</summary>
    Task<ShopIngested> Ingest(ShopBatch batch);

    /// <summary>The shop's live picture now, from the silo that owns it; null when the shop is not known.</summary>
    Task<LiveState?> Live();

    /// <summary>Applies alert rules just stored (their JSON, already checked) to the monitor of the grain's silo.</summary>
    Task ApplyRules(string json);
}

/// <summary>Where a silo reads a shop's live picture: from the shop's grain in a cluster, else from its own monitor.</summary>
internal static class ClusterLive
{
    public static async Task<LiveState?> State(IServiceProvider services, Live.LiveMonitor monitor, string shop) =>
        services.GetService<IGrainFactory>() is { } grains ? await grains.GetGrain<IShopGrain>(shop).Live() : monitor.State(shop);

    public static bool Clustered(IServiceProvider services) => services.GetService<ClusterSettings>() is not null;
}

/// <summary>
/// A shop's grain. It holds nothing that is not derived from PostgreSQL: deduplication is by the stored (shop, id)
/// pairs, the conversations' facts are recomputed from stored events, and the live picture is reloaded from the last
/// two days of stored events when the grain activates, on whichever silo that is (docs/scale.md). Reentrant so that
/// concurrent pushes to a busy shop share the silo's group commit instead of queueing one behind another.
/// </summary>
[Reentrant]
internal sealed class ShopGrain(EventStore store, ShopChanges changes, Live.LiveMonitor live, Events.IngestGate gate) : Grain, IShopGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await live.Reload(this.GetPrimaryKeyString(), cancellationToken);
        await base.OnActivateAsync(cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        live.Forget(this.GetPrimaryKeyString());
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public Task<LiveState?> Live() => Task.FromResult(live.State(this.GetPrimaryKeyString()));

    public Task ApplyRules(string json)
    {
        var shop = this.GetPrimaryKeyString();
        if (live.ProfileOf(shop) is { } profile && KefuScore.App.Live.AlertRulesJson.Read(json, profile).Set is { } set) live.SetRules(shop, set);
        return Task.CompletedTask;
    }

    public async Task<ShopIngested> Ingest(ShopBatch batch)
    {
        if (!gate.TryEnter(batch.Events.Length, out var ticket)) return new ShopIngested(0, 0, gate.RetryAfterSeconds());
        IngestResult result;
        using (ticket)
        {
            result = await store.Ingest(batch.Events);
            ticket.Done();
        }
        changes.Raise([this.GetPrimaryKeyString()]);
        return new ShopIngested(result.Accepted, result.Duplicates);
    }
}
