using FsCheck;
using FsCheck.Fluent;
using KefuScore.Web.Cluster;

namespace KefuScore.Web.Tests.Cluster;

/// <summary>A shop grain's notifications, coalesced to one per 250 ms: the first at once, the last never left behind.</summary>
public sealed class ChangeCoalescerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 10, 0, 0, TimeSpan.FromHours(8));

    private static DateTimeOffset At(int ms) => T0.AddMilliseconds(ms);

    [Fact]
    public void A_change_after_a_quiet_interval_is_sent_at_once()
    {
        var c = new ChangeCoalescer(Interval);
        Assert.Equal(new CoalescerStep(ShopChange.Events, null), c.Offer(ShopChange.Events, At(0)));
        Assert.Equal(new CoalescerStep(ShopChange.Live, null), c.Offer(ShopChange.Live, At(250)));
        Assert.Equal(new CoalescerStep(ShopChange.Events | ShopChange.Live, null), c.Offer(ShopChange.Events | ShopChange.Live, At(10_000)));
    }

    [Fact]
    public void Changes_inside_the_interval_wait_for_its_end_and_go_together()
    {
        var c = new ChangeCoalescer(Interval);
        Assert.Equal(ShopChange.Events, c.Offer(ShopChange.Events, At(0)).Send);
        // 10 ms later: nothing now, a flush at 250 ms.
        Assert.Equal(new CoalescerStep(ShopChange.None, TimeSpan.FromMilliseconds(240)), c.Offer(ShopChange.Events, At(10)));
        // More before 250 ms: merged, no second flush.
        Assert.Equal(default, c.Offer(ShopChange.Live, At(100)));
        Assert.Equal(default, c.Offer(ShopChange.Events, At(249)));
        Assert.Equal(new CoalescerStep(ShopChange.Events | ShopChange.Live, null), c.Flush(At(250)));
        // 300 ms: 50 ms after that flush's send, so it waits for 500 ms.
        Assert.Equal(new CoalescerStep(ShopChange.None, TimeSpan.FromMilliseconds(200)), c.Offer(ShopChange.Live, At(300)));
        Assert.Equal(new CoalescerStep(ShopChange.Live, null), c.Flush(At(500)));
        // A flush with nothing pending sends nothing and does not restart the interval.
        Assert.Equal(default, c.Flush(At(550)));
        Assert.Equal(new CoalescerStep(ShopChange.None, TimeSpan.FromMilliseconds(150)), c.Offer(ShopChange.Events, At(600)));
    }

    [Fact]
    public void While_a_flush_is_due_a_change_after_the_interval_still_waits_for_it()
    {
        var c = new ChangeCoalescer(Interval);
        c.Offer(ShopChange.Events, At(0));
        Assert.Equal(TimeSpan.FromMilliseconds(200), c.Offer(ShopChange.Events, At(50)).FlushAfter);
        // The timer is late (a busy silo): a change at 400 ms joins the pending flush instead of overtaking it.
        Assert.Equal(default, c.Offer(ShopChange.Live, At(400)));
        Assert.Equal(ShopChange.Events | ShopChange.Live, c.Flush(At(420)).Send);
    }

    [Fact]
    public void A_hundred_batches_a_second_give_four_notifications_a_second()
    {
        var sends = Run(Enumerable.Range(0, 100).Select(i => (Gap: i == 0 ? 0 : 10, What: ShopChange.Events | ShopChange.Live)).ToList());
        // 0, 250, 500, 750 and 1000 ms: the last batch (990 ms) goes with the flush at 1000 ms.
        Assert.Equal([0, 250, 500, 750, 1000], sends.Select(s => s.Ms));
    }

    [Fact]
    public void Whatever_the_changes_notifications_are_an_interval_apart_and_the_last_change_is_sent() =>
        Prop.ForAll(Gen.Choose(0, 600).Zip(Gen.Choose(1, 3)).ListOf().ToArbitrary(), changes =>
        {
            var offers = changes.Select(x => (Gap: x.Item1, What: (ShopChange)x.Item2)).ToList();
            var sends = Run(offers);
            for (var i = 1; i < sends.Count; i++) Assert.True(sends[i].Ms - sends[i - 1].Ms >= Interval.TotalMilliseconds, $"sends at {sends[i - 1].Ms} and {sends[i].Ms} ms");
            if (offers.Count == 0)
            {
                Assert.Empty(sends);
                return;
            }
            var span = offers.Sum(o => o.Gap);
            Assert.True(sends.Count <= 2 + span / (int)Interval.TotalMilliseconds, $"{sends.Count} sends in {span} ms");
            Assert.True(sends.Count <= offers.Count);
            // Every change is carried by a send made at or after it: nothing is left stale.
            var at = 0;
            foreach (var (gap, what) in offers)
            {
                at += gap;
                var after = sends.Where(s => s.Ms >= at).Aggregate(ShopChange.None, (k, s) => k | s.What);
                Assert.Equal(what, after & what);
            }
            Assert.Equal(offers[^1].What, sends.Where(s => s.Ms >= span).Aggregate(ShopChange.None, (k, s) => k | s.What) & offers[^1].What);
        }).QuickCheckThrowOnFailure();

    /// <summary>Offers at the given gaps (ms), each flush run at its due time, the last one too; the sends made.</summary>
    private static List<(int Ms, ShopChange What)> Run(IReadOnlyList<(int Gap, ShopChange What)> offers)
    {
        var c = new ChangeCoalescer(Interval);
        var sends = new List<(int Ms, ShopChange What)>();
        int? flushAt = null;
        var now = 0;
        void Due(int upTo)
        {
            if (flushAt is { } f && f <= upTo)
            {
                flushAt = null;
                var step = c.Flush(At(f));
                if (step.Send != ShopChange.None) sends.Add((f, step.Send));
            }
        }
        foreach (var (gap, what) in offers)
        {
            now += gap;
            Due(now);
            var step = c.Offer(what, At(now));
            if (step.Send != ShopChange.None) sends.Add((now, step.Send));
            if (step.FlushAfter is { } after)
            {
                Assert.Null(flushAt);
                flushAt = now + (int)after.TotalMilliseconds;
            }
        }
        Due(int.MaxValue);
        return sends;
    }
}
