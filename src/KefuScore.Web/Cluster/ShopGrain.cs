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

    /// <summary>
    /// Subscribes a silo's observer to the shop's changes (renewed every minute: observers are not durable) and answers
    /// how far the grain has got, for the silo to tell whether it missed something.
    /// </summary>
    Task<ShopVersion> Subscribe(IShopObserver observer);

    Task Unsubscribe(IShopObserver observer);

    /// <summary>A change made beside the grain (events deleted through the API): told to the watching silos as the grain's own.</summary>
    Task Touch(ShopChange what);
}

/// <summary>Where a silo reads a shop's live picture: from the shop's grain in a cluster, else from its own monitor.</summary>
internal static class ClusterLive
{
    public static async Task<LiveState?> State(IServiceProvider services, Live.LiveMonitor monitor, string shop) =>
        services.GetService<IGrainFactory>() is { } grains ? await grains.GetGrain<IShopGrain>(shop).Live() : monitor.State(shop);

    public static bool Clustered(IServiceProvider services) => services.GetService<ClusterSettings>() is not null;

    /// <summary>A safety net under the push: a watching page reads the grain again after this long without a notification.</summary>
    public static readonly TimeSpan SafetyPoll = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A shop's pictures in a cluster: read from the grain at once, then each time the grain says the live picture
    /// changed (through this silo's <see cref="ShopChanges"/>, Cluster/ShopSubscriptions.cs), and at the latest every
    /// <see cref="SafetyPoll"/> (projections age with the clock, and a notification lost while the grain moved is
    /// only noticed at the next renewal).
    /// </summary>
    public static async IAsyncEnumerable<LiveState> Watch(IServiceProvider services, ShopChanges changes, TimeProvider clock, string shop,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var signal = System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1)
            { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
        using var lease = changes.Watch(shop, _ => signal.Writer.TryWrite(true), ShopChange.Live);
        var grains = services.GetRequiredService<IGrainFactory>();
        while (!ct.IsCancellationRequested)
        {
            LiveState? state = null;
            var failed = false;
            try { state = await grains.GetGrain<IShopGrain>(shop).Live(); }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                // The grain's silo is being lost: read again soon, from wherever the grain comes back.
                failed = true;
            }
            if (state is not null) yield return state;
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var delay = Task.Delay(failed ? ShopPush.Retry : SafetyPoll, clock, wait.Token);
            await Task.WhenAny(signal.Reader.WaitToReadAsync(ct).AsTask(), delay);
            await wait.CancelAsync();
            ct.ThrowIfCancellationRequested();
            signal.Reader.TryRead(out _);
        }
    }
}

/// <summary>
/// A shop's grain. It holds nothing that is not derived from PostgreSQL: deduplication is by the stored (shop, id)
/// pairs, the conversations' facts are recomputed from stored events, and the live picture is reloaded from the last
/// two days of stored events when the grain activates, on whichever silo that is (docs/scale.md). Reentrant so that
/// concurrent pushes to a busy shop share the silo's group commit instead of queueing one behind another.
/// </summary>
[Reentrant]
internal sealed partial class ShopGrain(EventStore store, Live.LiveMonitor live, Events.IngestGate gate, TimeProvider time, ILogger<ShopGrain> log) : Grain, IShopGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await live.Reload(this.GetPrimaryKeyString(), cancellationToken);
        _listening = live.Listen(this.GetPrimaryKeyString(), OnLiveChanged);
        await base.OnActivateAsync(cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _listening?.Dispose();
        StopPush();
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
        Interlocked.Increment(ref _ingesting);
        try
        {
            using (ticket)
            {
                result = await store.Ingest(batch.Events);
                ticket.Done();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _ingesting);
        }
        // One notification for the batch's stored events and the live picture they changed (the monitor's own
        // notice of the same batch is left out while ingesting: OnLiveChanged).
        if (result.Accepted > 0) Offer(ShopChange.Events | ShopChange.Live);
        return new ShopIngested(result.Accepted, result.Duplicates);
    }
}
