using Orleans.Concurrency;

namespace KefuScore.Web.Cluster;

/// <summary>
/// How far a shop's grain has got in telling its changes: its activation (a new one after a move) and the number of
/// notifications that activation has sent. A silo compares it with what it last heard to know whether it missed one.
/// </summary>
[GenerateSerializer, Immutable]
internal readonly record struct ShopVersion([property: Id(0)] Guid Activation, [property: Id(1)] long Sent);

/// <summary>"Shop X changed" (and what of it), from the shop's grain to each silo whose pages watch the shop.</summary>
[GenerateSerializer, Immutable]
internal sealed record ShopChanged([property: Id(0)] string Shop, [property: Id(1)] ShopChange What, [property: Id(2)] ShopVersion Version);

/// <summary>One per silo (not per browser), subscribed to the grains of the shops its pages watch.</summary>
internal interface IShopObserver : IGrainObserver
{
    /// <summary>One-way: the grain never waits for a silo, and a silo that is gone is dropped when its subscription expires.</summary>
    [OneWay]
    Task Changed(ShopChanged change);
}

/// <summary>The timings of the push, in one place for the grain and the silos.</summary>
internal static class ShopPush
{
    /// <summary>At most one notification per shop and silo in this time (<see cref="ChangeCoalescer"/>).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A silo subscribes again this often: grain observers are not durable (a grain that moves, or reactivates, has
    /// forgotten them), and Orleans' documented answer is to resubscribe periodically.
    /// </summary>
    public static readonly TimeSpan Resubscribe = TimeSpan.FromMinutes(1);

    /// <summary>A subscription not renewed in this time is dropped by the grain (its silo is gone or no longer watches).</summary>
    public static readonly TimeSpan Expiry = 3 * Resubscribe;

    /// <summary>After a failed subscription the silo tries again this soon rather than at the next minute.</summary>
    public static readonly TimeSpan Retry = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The last page leaving a shop unsubscribes after this grace: a page reloaded, or prerendered and then made
    /// interactive, would otherwise unsubscribe and subscribe again at once.
    /// </summary>
    public static readonly TimeSpan Linger = TimeSpan.FromSeconds(10);
}

/// <summary>
/// What a silo last heard from each shop's grain, to tell after a resubscription whether it missed a notification
/// (the grain moved, or a one-way message was lost): then its pages are told the shop changed. Thread-safe.
/// </summary>
internal sealed class SubscriptionBook
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ShopVersion> _heard = new(StringComparer.Ordinal);

    /// <summary>A notification arrived.</summary>
    public void Heard(string shop, ShopVersion version)
    {
        lock (_gate) _heard[shop] = Later(_heard.GetValueOrDefault(shop), version);
    }

    /// <summary>
    /// A subscription was answered with the grain's version: true when this silo had heard of the shop before and
    /// the grain has since sent something it did not hear (or is another activation).
    /// </summary>
    public bool Answered(string shop, ShopVersion version)
    {
        lock (_gate)
        {
            var known = _heard.TryGetValue(shop, out var heard);
            _heard[shop] = Later(heard, version);
            return known && (heard.Activation != version.Activation || version.Sent > heard.Sent);
        }
    }

    public void Forget(string shop)
    {
        lock (_gate) _heard.Remove(shop);
    }

    /// <summary>Within one activation the count only grows; a different activation is the newer one.</summary>
    private static ShopVersion Later(ShopVersion heard, ShopVersion version) =>
        heard.Activation == version.Activation && heard.Sent > version.Sent ? heard : version;
}
