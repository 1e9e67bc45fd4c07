using KefuScore.Web.Cluster;

namespace KefuScore.Web.Tests.Cluster;

/// <summary>What a silo heard from a grain, against what the grain says it sent when the silo subscribes again.</summary>
public sealed class SubscriptionBookTests
{
    private static readonly Guid First = new("00000000-0000-0000-0000-000000000001");
    private static readonly Guid Moved = new("00000000-0000-0000-0000-000000000002");

    [Fact]
    public void A_first_subscription_has_nothing_to_compare_with()
    {
        var book = new SubscriptionBook();
        Assert.False(book.Answered("s1", new ShopVersion(First, 7)));
    }

    [Fact]
    public void Nothing_missed_when_the_silo_heard_every_notification()
    {
        var book = new SubscriptionBook();
        book.Answered("s1", new ShopVersion(First, 0));
        book.Heard("s1", new ShopVersion(First, 1));
        book.Heard("s1", new ShopVersion(First, 3));
        // A late notification does not move the count back.
        book.Heard("s1", new ShopVersion(First, 2));
        Assert.False(book.Answered("s1", new ShopVersion(First, 3)));
    }

    [Fact]
    public void A_notification_not_heard_or_a_grain_that_moved_means_the_pages_read_again()
    {
        var book = new SubscriptionBook();
        book.Answered("s1", new ShopVersion(First, 0));
        book.Heard("s1", new ShopVersion(First, 1));
        Assert.True(book.Answered("s1", new ShopVersion(First, 2)));
        Assert.False(book.Answered("s1", new ShopVersion(First, 2)));
        // Another activation (the grain moved), even one that has sent nothing yet.
        Assert.True(book.Answered("s1", new ShopVersion(Moved, 0)));
        Assert.False(book.Answered("s1", new ShopVersion(Moved, 0)));
    }

    [Fact]
    public void A_shop_forgotten_when_unsubscribed_starts_afresh()
    {
        var book = new SubscriptionBook();
        book.Answered("s1", new ShopVersion(First, 4));
        book.Forget("s1");
        Assert.False(book.Answered("s1", new ShopVersion(Moved, 9)));
    }
}
