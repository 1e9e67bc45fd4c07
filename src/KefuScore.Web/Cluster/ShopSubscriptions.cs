using System.Collections.Concurrent;
using System.Threading.Channels;

namespace KefuScore.Web.Cluster;

/// <summary>
/// A silo's one observer of shop grains (docs/decisions.md §43, §52). It subscribes to a shop's grain while some page
/// or stream on this silo watches the shop (<see cref="ShopChanges.Watch"/>), renews every subscription each minute,
/// at once when the cluster's membership changes (a silo gone takes its grains' observers with it) and soon after a
/// failure, and unsubscribes a while after the last watcher left. A notification from a grain is raised on this
/// silo's <see cref="ShopChanges"/>, the same notifier a single server raises after a commit, so pages are the same
/// code in both modes.
/// </summary>
internal sealed class ShopSubscriptions(IGrainFactory grains, ShopChanges changes, IClusterMembershipService membership, TimeProvider time,
    ILogger<ShopSubscriptions> log) : BackgroundService, IShopObserver
{
    private readonly SubscriptionBook _book = new();
    private readonly ConcurrentDictionary<string, byte> _subscribed = new(StringComparer.Ordinal);
    // A shop to bring in line with its watchers, or null for every shop (the minute's renewal, a membership change).
    private readonly Channel<string?> _work = Channel.CreateUnbounded<string?>(new UnboundedChannelOptions { SingleReader = true });
    private IShopObserver? _self;

    public Task Changed(ShopChanged change)
    {
        _book.Heard(change.Shop, change.Version);
        changes.Raise([change.Shop], change.What);
        return Task.CompletedTask;
    }

    /// <summary>Subscribes now (a stream that says "ready" only once its shop's grain will tell this silo); false when the grain cannot be reached.</summary>
    public async Task<bool> Subscribe(string shop, CancellationToken ct)
    {
        if (_self is null) return false;
        try
        {
            var version = await grains.GetGrain<IShopGrain>(shop).Subscribe(_self).WaitAsync(ct);
            _subscribed[shop] = 0;
            // Something was sent that this silo did not hear (the grain moved, or a message was lost): its pages read again.
            if (_book.Answered(shop, version)) changes.Raise([shop], ShopChange.Events | ShopChange.Live);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            if (log.IsEnabled(LogLevel.Information)) log.LogInformation(e, "shop {Shop}: subscribing to its grain failed; trying again in {Retry}", shop, ShopPush.Retry);
            return false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        _self = grains.CreateObjectReference<IShopObserver>(this);
        changes.Interest += OnInterest;
        try
        {
            _ = Renew(ct);
            _ = Membership(ct);
            foreach (var shop in changes.WatchedShops()) _work.Writer.TryWrite(shop);
            await foreach (var item in _work.Reader.ReadAllAsync(ct))
            {
                var shops = item is null ? [.. changes.WatchedShops().Union(_subscribed.Keys, StringComparer.Ordinal)] : new[] { item };
                await Parallel.ForEachAsync(shops, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (shop, token) =>
                {
                    if (changes.IsWatched(shop))
                    {
                        if (!await Subscribe(shop, token)) Later(shop, ShopPush.Retry, token);
                    }
                    else if (_subscribed.TryRemove(shop, out _)) await Unsubscribe(shop);
                });
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        finally
        {
            changes.Interest -= OnInterest;
            // The silo is stopping: the grains drop this observer when it expires.
            try { if (_self is not null) grains.DeleteObjectReference<IShopObserver>(_self); }
            catch (Exception e) when (e is not OutOfMemoryException) { if (log.IsEnabled(LogLevel.Debug)) log.LogDebug(e, "deleting the shop observer failed"); }
        }
    }

    private void OnInterest(string shop, bool watched)
    {
        // A first watcher subscribes at once; the last one leaving unsubscribes after a grace (ShopPush.Linger).
        if (watched) _work.Writer.TryWrite(shop);
        else Later(shop, ShopPush.Linger, CancellationToken.None);
    }

    private async Task Unsubscribe(string shop)
    {
        _book.Forget(shop);
        // Nothing on this silo hears of the shop from now on: whatever it cached of it may go stale.
        changes.Raise([shop], ShopChange.Events);
        try { await grains.GetGrain<IShopGrain>(shop).Unsubscribe(_self!); }
        catch (Exception e) { if (log.IsEnabled(LogLevel.Debug)) log.LogDebug(e, "shop {Shop}: unsubscribing failed; the grain drops it when it expires", shop); }
    }

    private void Later(string shop, TimeSpan wait, CancellationToken ct) =>
        _ = Task.Delay(wait, time, ct).ContinueWith(t => { if (!t.IsCanceled) _work.Writer.TryWrite(shop); }, TaskScheduler.Default);

    private async Task Renew(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(ShopPush.Resubscribe, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct)) _work.Writer.TryWrite(null);
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>A silo joining, leaving or declared dead may have moved grains: every watched shop subscribes again.</summary>
    private async Task Membership(CancellationToken ct)
    {
        try
        {
            await foreach (var _ in membership.MembershipUpdates.WithCancellation(ct)) _work.Writer.TryWrite(null);
        }
        catch (OperationCanceledException) { }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.LogWarning(e, "membership updates stopped; shop subscriptions are renewed every minute only");
        }
    }
}
