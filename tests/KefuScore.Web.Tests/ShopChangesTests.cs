namespace KefuScore.Web.Tests;

/// <summary>
/// The notifier pages watch: a watcher hears its shop and the kinds it asked for; a shop is watched from its first
/// watcher to its last (a silo subscribes to the shop's grain for exactly that long).
/// </summary>
public sealed class ShopChangesTests
{
    [Fact]
    public void A_watcher_hears_only_its_shop_and_the_kinds_it_asked_for()
    {
        var changes = new ShopChanges();
        var heard = new List<string>();
        using var events = changes.Watch("s1", s => heard.Add("events " + s));
        using var live = changes.Watch("s1", s => heard.Add("live " + s), ShopChange.Live);
        using var both = changes.Watch("s2", s => heard.Add("both " + s), ShopChange.Events | ShopChange.Live);
        var all = new List<string>();
        changes.Changed += all.Add;

        changes.Raise(["s1", "s1", "s2"]);
        changes.Raise(["s1"], ShopChange.Live);
        changes.Raise(["s2"], ShopChange.Live);
        changes.Raise(["s3"], ShopChange.Events | ShopChange.Live);

        Assert.Equal(["events s1", "both s2", "live s1", "both s2"], heard);
        // Every shop's stored events, once per raise (the overview cache listens here).
        Assert.Equal(["s1", "s2", "s3"], all);
    }

    [Fact]
    public void A_shop_is_watched_from_its_first_watcher_until_the_last_one_leaves()
    {
        var changes = new ShopChanges();
        var interest = new List<(string, bool)>();
        changes.Interest += (shop, watched) => interest.Add((shop, watched));
        var a = changes.Watch("s1", _ => { });
        var b = changes.Watch("s1", _ => { }, ShopChange.Live);
        var c = changes.Watch("s2", _ => { });
        Assert.Equal(["s1", "s2"], changes.WatchedShops().Order(StringComparer.Ordinal));

        a.Dispose();
        Assert.True(changes.IsWatched("s1"));
        b.Dispose();
        b.Dispose();
        Assert.False(changes.IsWatched("s1"));
        Assert.Equal(["s2"], changes.WatchedShops());
        c.Dispose();
        Assert.Empty(changes.WatchedShops());
        Assert.Equal([("s1", true), ("s2", true), ("s1", false), ("s2", false)], interest);
    }

    [Fact]
    public void A_watcher_that_left_hears_nothing_more()
    {
        var changes = new ShopChanges();
        var heard = 0;
        var lease = changes.Watch("s1", _ => heard++);
        changes.Raise(["s1"]);
        lease.Dispose();
        changes.Raise(["s1"]);
        Assert.Equal(1, heard);
    }
}
