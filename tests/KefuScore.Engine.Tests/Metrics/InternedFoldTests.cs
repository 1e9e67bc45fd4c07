using FsCheck.Xunit;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;

namespace KefuScore.Engine.Tests.Metrics;

/// <summary>The fold's interned bookkeeping (decisions §46): the id window, reused conversation slots, identity-keyed sums.</summary>
public sealed class InternedFoldTests
{
    private static readonly long Hour = TimeSpan.TicksPerHour;
    private static readonly long Noon = new DateTime(2026, 11, 20, 12, 0, 0, DateTimeKind.Utc).Ticks;

    [Fact]
    public void An_id_is_a_duplicate_in_its_own_shop_only_and_until_its_hour_is_forgotten()
    {
        var ids = new IdWindow();
        Assert.True(ids.Add(0, "m1", Noon));
        Assert.True(ids.Add(1, "m1", Noon)); // another shop: another event
        Assert.False(ids.Add(0, "m1", Noon + 2 * Hour)); // a repeat, even hours later, while its hour is kept
        Assert.True(ids.Add(0, "m10", Noon)); // a longer id with the same start

        ids.ForgetBefore(Noon / Hour); // the noon hour is still kept
        Assert.False(ids.Add(1, "m1", Noon + Hour));
        ids.ForgetBefore(Noon / Hour + 1); // now forgotten: the id reads as new (the caller has counted it too late)
        Assert.True(ids.Add(0, "m1", Noon + Hour));
        Assert.Equal(1, ids.Count);
    }

    [Fact]
    public void Ids_survive_the_tables_growing_and_hours_being_forgotten()
    {
        var ids = new IdWindow();
        for (var i = 0; i < 20_000; i++) Assert.True(ids.Add(i % 7, $"m{i}", Noon + i % 3 * Hour));
        ids.ForgetBefore(Noon / Hour + 1); // drops the third of the ids that arrived at noon
        Assert.Equal(20_000 - 6_667, ids.Count);
        for (var i = 0; i < 20_000; i++) Assert.Equal(i % 3 == 0, ids.Add(i % 7, $"m{i}", Noon + 5 * Hour));
    }

    [Fact]
    public void Ids_of_many_hours_share_few_generations_and_forget_exactly()
    {
        var ids = new IdWindow();
        ids.ForgetBefore(1_000);
        // Too late (hours already forgotten), then more hours ahead than get a generation of their own: a lookup still
        // probes a handful of tables, not one per hour.
        for (var hour = 0; hour < 1_000; hour++) Assert.True(ids.Add(0, $"late{hour}", hour * Hour));
        for (var hour = 1_000; hour < 1_100; hour++) Assert.True(ids.Add(1, $"on{hour}", hour * Hour));
        Assert.True(ids.Generations <= 5, $"{ids.Generations} generations");
        Assert.False(ids.Add(0, "late999", 2_000 * Hour)); // kept until the next limit
        Assert.False(ids.Add(1, "on1099", 0));

        ids.ForgetBefore(1_050); // the late ids and the first 50 hours ahead go; the mixed hours are sorted out by record
        Assert.Equal(50, ids.Count);
        Assert.True(ids.Add(0, "late999", 1_060 * Hour));
        Assert.True(ids.Add(1, "on1049", 1_060 * Hour));
        Assert.False(ids.Add(1, "on1050", 1_060 * Hour));
        Assert.False(ids.Add(1, "on1099", 1_060 * Hour));
    }

    [Fact]
    public void Without_forgetting_every_id_is_kept()
    {
        var ids = new IdWindow(forgets: false);
        for (var i = 0; i < 5_000; i++) Assert.True(ids.Add(0, $"x{i}", Noon + i * Hour));
        ids.ForgetBefore(long.MaxValue);
        for (var i = 0; i < 5_000; i++) Assert.False(ids.Add(0, $"x{i}", Noon));
    }

    /// <summary>
    /// The lazy forgetting against a plain set that forgets at once: random adds (ids from a few to thousands, so the
    /// table compacts and grows, hours before and after the limits) and limits that mostly rise but sometimes fall.
    /// </summary>
    [Property(MaxTest = 40)]
    public bool The_window_answers_as_a_set_that_forgets_at_once(int seed, bool forgets)
    {
        var random = new Random(seed);
        var ids = new IdWindow(forgets);
        var model = new Dictionary<(int Shop, string Id), long>();
        var distinct = random.Next(1, 6_000);
        var limit = 0L;
        for (var step = 0; step < 8_000; step++)
        {
            if (random.Next(40) == 0)
            {
                limit += random.Next(8) == 0 ? -random.Next(1, 4) : random.Next(0, 3);
                ids.ForgetBefore(limit);
                if (forgets)
                    foreach (var key in model.Where(p => p.Value < limit).Select(p => p.Key).ToList()) model.Remove(key);
                continue;
            }
            var shop = random.Next(3);
            var id = random.Next(5) == 0 ? $"long-id-{random.Next(distinct)}" : $"m{random.Next(distinct)}";
            var hour = limit + random.Next(-3, 6);
            var isNew = model.TryAdd((shop, id), forgets ? hour : 0);
            if (ids.Add(shop, id, hour * Hour) != isNew) return false;
        }
        return ids.Count == model.Count;
    }

    /// <summary>
    /// Many short conversations under a 2-hour idle close: streaming closes them and reuses their slots (the table
    /// deletes and re-inserts thousands of keys), and must give exactly what the unbounded fold, which closes none, gives.
    /// </summary>
    [Property(MaxTest = 25)]
    public bool Reused_conversation_slots_give_the_figures_of_a_fold_that_closes_none(int seed)
    {
        var profile = TestProfiles.Incremental(TimeSpan.FromHours(2));
        var events = RandomChats.Generate(seed, conversations: 400, days: 6);
        var streamed = Run.Fold(profile, events, FoldOptions.Streaming, out var fold);
        var unbounded = Run.Fold(profile, events, FoldOptions.Unbounded, out var all);
        return fold.TooLate == 0 && fold.OpenConversations == 0 && fold.PeakOpenConversations < all.PeakOpenConversations
            && streamed.RowCount > 0 && streamed.SameAs(unbounded);
    }

    private static readonly string[] Shops = ["s1", "s2", "店铺3"];
    private static readonly string?[] Agents = [null, "a1", "a2"];

    /// <summary>Facts whose names come as fresh instances or shared ones: the sums by identity equal the rollup by value.</summary>
    [Property(MaxTest = 100)]
    public bool Sums_by_instance_equal_the_rollup_by_name(int seed, bool hourly)
    {
        var random = new Random(seed);
        const int metrics = 3;
        var sums = new FactSums(metrics, hourly ? 1 : 24);
        var rollup = new Rollup(metrics, hourly ? 1 : 24);
        for (var i = 0; i < 400; i++)
        {
            var shop = Shops[random.Next(Shops.Length)];
            var agent = Agents[random.Next(Agents.Length)];
            if (random.Next(3) == 0) shop = new string(shop.AsSpan()); // another instance of the same name
            if (agent is not null && random.Next(3) == 0) agent = new string(agent.AsSpan());
            var replied = random.Next(2) == 0;
            var fact = new MetricFact(shop, agent, 17_000 * 24 + random.Next(72), random.Next(metrics), random.Next(2), 1,
                replied ? random.Next(1, 600) * TimeSpan.TicksPerSecond : 0, replied ? 1 : 0, replied ? (sbyte)random.Next(ReplyBuckets.Count) : (sbyte)-1);
            sums.Add(fact);
            rollup.Add(fact);
        }
        var added = new Rollup(metrics, hourly ? 1 : 24);
        sums.AddTo(added);
        return added.SameAs(rollup) && added.RowCount == rollup.RowCount;
    }
}
