using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Tests;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Tests.Storage;

/// <summary>
/// The same events written in one batch or over several give the same facts and rollups (decisions §54 "Found, not
/// fixed", §57): a conversation resumed from the cache, or read back by another store, is not left with a fact that
/// the single batch does not draw.
/// </summary>
public sealed class BatchSplitTests
{
    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    /// <summary>A waiting customer answered in time and late, a second exchange, a customer left waiting, ratings.</summary>
    private static List<ChatEvent> Conversations(string shop)
    {
        var events = new List<ChatEvent>();
        events.AddRange(Chat.On("2026-11-20", shop, "c1").Customer("10:00:00").Agent("10:02:00").Customer("10:05:00").Agent("10:05:30").Customer("10:06:00").Events);
        events.AddRange(Chat.On("2026-11-20", shop, "c2").Customer("10:01:00").Customer("10:01:40").Agent("10:04:10", agent: "a2").Rating("10:06:30", stars: 4).Events);
        events.AddRange(Chat.On("2026-11-20", shop, "c3").Welcome("10:03:00").Customer("10:03:05").AutoReply("10:03:06").Agent("10:03:50", agent: "a2").Customer("10:20:00").Events);
        return [.. events.OrderBy(e => e.Ticks).ThenBy(e => e.Id, StringComparer.Ordinal)];
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Batches_split_at_every_point_give_the_facts_and_rollups_of_one_batch(string provider)
    {
        await using var db = await TestDatabase.Create(provider);
        await db.Store.Ingest(Conversations("one"));
        var n = Conversations("one").Count;
        // Shop "k{k}": the first k events in one batch, the rest in a second through the same store (states resumed
        // from its cache); shop "r{k}": the second batch through another store (conversations read back).
        for (var k = 1; k < n; k++)
        {
            var split = Conversations($"k{k}");
            await db.Store.Ingest(split[..k]);
            await db.Store.Ingest(split[k..]);
            var readBack = Conversations($"r{k}");
            await db.Store.Ingest(readBack[..k]);
            using var other = new EventStore(db.Options);
            await other.Ingest(readBack[k..]);
        }
        // Shop "each": one event a batch.
        foreach (var e in Conversations("each")) await db.Store.Ingest([e]);

        await using var context = db.Open();
        var (facts, rollups) = await Written(context, "one");
        Assert.NotEmpty(facts);
        var shops = Enumerable.Range(1, n - 1).SelectMany(k => new[] { $"k{k}", $"r{k}" }).Append("each");
        var differences = new List<string>();
        foreach (var shop in shops)
        {
            var (splitFacts, splitRollups) = await Written(context, shop);
            differences.AddRange(Difference(shop, "fact", facts, splitFacts));
            differences.AddRange(Difference(shop, "rollup", rollups, splitRollups));
        }
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Pushes_of_many_shops_at_once_are_answered_and_stored_as_pushes_one_after_another(string provider)
    {
        // Concurrent pushes queue behind the write in progress and are written as one group (EventStore.WriteQueued).
        const int shops = 12;
        List<ChatEvent> Push(string shop)
        {
            var events = Conversations(shop);
            return [.. events, Repeat(events[1]), Repeat(events[^1])];
        }
        await using var db = await TestDatabase.Create(provider);
        var alone = new List<IngestResult>();
        for (var i = 0; i < shops; i++) alone.Add(await db.Store.Ingest(Push($"alone{i}")));
        var together = await Task.WhenAll(Enumerable.Range(0, shops).Select(i => Task.Run(() => db.Store.Ingest(Push($"together{i}")))));
        Assert.All(alone, r => Assert.Equal(new IngestResult(Conversations("x").Count, 2), r));
        Assert.Equal(alone, together);
        await using var context = db.Open();
        for (var i = 0; i < shops; i++) await AssertSameStored(context, $"alone{i}", $"together{i}");
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Batches_appended_as_one_answer_each_batch_as_appended_one_after_another(string provider)
    {
        // Repeats inside a batch, across batches of the group, and of what is already stored: each batch's answer is
        // its own (the first of equal ids wins, an earlier batch before a later one), and what is stored is the same.
        List<IReadOnlyList<ChatEvent>> Batches(string shop)
        {
            var events = Conversations(shop);
            return [events[..4], [events[3], Repeat(events[4]), events[4], events[5]], events[6..9], [Repeat(events[0]), .. events[9..]], events[2..3]];
        }
        await using var db = await TestDatabase.Create(provider);
        await db.Store.Ingest(Conversations("one")[..2]);
        await db.Store.Ingest(Conversations("each")[..2]);
        var expected = new List<IngestResult>();
        await using (var batch = await db.Store.Begin())
        {
            foreach (var b in Batches("each")) expected.Add(await batch.Append(b));
            await batch.Commit();
        }
        var results = new IngestResult[5];
        await using (var batch = await db.Store.Begin())
        {
            await batch.Append(Batches("one"), results);
            await batch.Commit();
        }
        Assert.Equal([new(2, 2), new(2, 2), new(3, 0), new(Conversations("one").Count - 9, 1), new(0, 1)], expected);
        Assert.Equal(expected, results);
        await using var context = db.Open();
        await AssertSameStored(context, "each", "one");
    }

    /// <summary>The event of <paramref name="e"/>'s shop and id with other text: a repeat that must not be stored.</summary>
    private static ChatEvent Repeat(ChatEvent e)
    {
        var row = StoredEvent.From(e);
        row.Text = "repeated " + e.Id;
        return row.ToEvent();
    }

    /// <summary>Two shops written from the same events hold the same events, facts, rollups and event count.</summary>
    private static async Task AssertSameStored(KefuDb context, string expectedShop, string actualShop)
    {
        var (expectedFacts, expectedRollups) = await Written(context, expectedShop);
        var (actualFacts, actualRollups) = await Written(context, actualShop);
        var expectedEvents = await Events(context, expectedShop);
        Assert.NotEmpty(expectedEvents);
        Assert.NotEmpty(expectedFacts);
        Assert.Equal(expectedEvents, await Events(context, actualShop));
        Assert.Equal(expectedFacts, actualFacts);
        Assert.Equal(expectedRollups, actualRollups);
        Assert.Equal(
            await context.ShopCounts.Where(c => c.Shop == expectedShop).Select(c => c.Events).SingleAsync(),
            await context.ShopCounts.Where(c => c.Shop == actualShop).Select(c => c.Events).SingleAsync());
    }

    /// <summary>A shop's stored events, every column but the shop, in id order.</summary>
    private static async Task<List<string>> Events(KefuDb context, string shop) =>
        (await context.Events.AsNoTracking().Where(e => e.Shop == shop).ToListAsync())
            .Select(e => string.Join('|', e.Id, e.Type, e.AtTicks, e.OffsetMinutes, e.Conversation, e.Customer, e.Sender, e.Agent, e.Kind, e.Text,
                e.Stars, e.Satisfaction, e.Reason, e.Order, e.Media, e.Category, e.Action, e.Status, e.Capacity))
            .Order(StringComparer.Ordinal).ToList();

    private static IEnumerable<string> Difference(string shop, string what, List<string> expected, List<string> actual) =>
        actual.Except(expected).Select(r => $"{shop}: extra {what} {r}").Concat(expected.Except(actual).Select(r => $"{shop}: missing {what} {r}"));

    /// <summary>A shop's facts and its rollup rows (every row, a row with no facts too), without the shop.</summary>
    private static async Task<(List<string> Facts, List<string> Rollups)> Written(KefuDb context, string shop)
    {
        var facts = (await context.Facts.AsNoTracking().Where(f => f.Shop == shop).ToListAsync())
            .Select(f => $"{f.Conversation} {f.Metric} {f.Hour} {f.Agent} {f.Numerator}/{f.Denominator} {f.SumTicks}/{f.Count} {f.Bucket}").Order(StringComparer.Ordinal).ToList();
        var rollups = (await context.Rollups.AsNoTracking().Where(r => r.Shop == shop).ToListAsync())
            .Select(r => $"{r.Metric} {r.Hour} {r.Agent} {r.Facts} {r.Numerator}/{r.Denominator} {r.SumTicks}/{r.Count} {string.Join(",", r.Buckets())}").Order(StringComparer.Ordinal).ToList();
        var daily = (await context.DailyRollups.AsNoTracking().Where(r => r.Shop == shop).ToListAsync())
            .Select(r => $"day {r.Metric} {r.Day} {r.Facts} {r.Numerator}/{r.Denominator} {r.SumTicks}/{r.Count} {string.Join(",", r.Buckets())}").Order(StringComparer.Ordinal);
        return (facts, [.. rollups, .. daily]);
    }
}
