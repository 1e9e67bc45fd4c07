using KefuScore.App.Storage;

namespace KefuScore.App.Tests.Storage;

/// <summary>The store's cache of recently written conversations: forgetting one shop leaves the others (decisions §105).</summary>
public sealed class ConversationCacheTests
{
    private static ConversationCache.Entry Entry(string profile) => new(profile, [], []);

    [Fact]
    public void Forgetting_a_shop_removes_its_entries_and_only_its_own()
    {
        var cache = new ConversationCache(10);
        cache.Put(("a", "c1"), Entry("douyin"));
        cache.Put(("b", "c1"), Entry("douyin"));
        cache.Put(("a", "c2"), Entry("douyin"));
        cache.ShopGenerations["a"] = 3;
        cache.ShopGenerations["b"] = 5;

        cache.RemoveShop("a");

        Assert.False(cache.TryGet(("a", "c1"), out _));
        Assert.False(cache.TryGet(("a", "c2"), out _));
        Assert.True(cache.TryGet(("b", "c1"), out _));
        Assert.False(cache.ShopGenerations.ContainsKey("a"));
        Assert.Equal(5, cache.ShopGenerations["b"]);
        // The shop can be cached again, and forgotten again.
        cache.Put(("a", "c3"), Entry("jd"));
        Assert.True(cache.TryGet(("a", "c3"), out var again));
        Assert.Equal("jd", again.Profile);
        cache.RemoveShop("a");
        Assert.False(cache.TryGet(("a", "c3"), out _));
        cache.RemoveShop("never-cached");
        Assert.True(cache.TryGet(("b", "c1"), out _));
    }

    [Fact]
    public void Entries_pushed_out_by_the_bound_or_replaced_are_not_forgotten_twice()
    {
        var cache = new ConversationCache(2);
        cache.Put(("a", "c1"), Entry("p1"));
        cache.Put(("a", "c2"), Entry("p1"));
        cache.Put(("b", "c1"), Entry("p1")); // pushes out ("a", "c1"), the least recently written
        cache.Put(("a", "c2"), Entry("p2")); // replaces, and is now the most recent
        cache.Put(("b", "c2"), Entry("p1")); // pushes out ("b", "c1")

        Assert.False(cache.TryGet(("a", "c1"), out _));
        Assert.False(cache.TryGet(("b", "c1"), out _));
        Assert.True(cache.TryGet(("a", "c2"), out var kept));
        Assert.Equal("p2", kept.Profile);

        cache.RemoveShop("b");
        Assert.False(cache.TryGet(("b", "c2"), out _));
        Assert.True(cache.TryGet(("a", "c2"), out _));
        cache.RemoveShop("a");
        Assert.False(cache.TryGet(("a", "c2"), out _));
        // Empty now: two new entries fit without pushing either out.
        cache.Put(("c", "c1"), Entry("p1"));
        cache.Put(("c", "c2"), Entry("p1"));
        Assert.True(cache.TryGet(("c", "c1"), out _));
        Assert.True(cache.TryGet(("c", "c2"), out _));
    }
}
