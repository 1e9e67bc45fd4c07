using FsCheck.Xunit;
using KefuScore.App.Profiles;
using KefuScore.App.Reading;
using KefuScore.App.Reports;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Engine.Reports;
using KefuScore.Tests;
using Microsoft.EntityFrameworkCore;
using static KefuScore.App.Tests.Storage.EventStoreTests;

namespace KefuScore.App.Tests.Storage;

/// <summary>
/// Server ingestion resumes each conversation's incremental state from the store's cache and rebuilds it from the
/// stored events when an event lands behind its frontier: whatever the batches, the stored facts and rollups are
/// those <c>kefu report</c> draws from all the events.
/// </summary>
public sealed class ResumedStateTests
{
    [Property(MaxTest = 25)]
    public bool Random_events_in_random_batches_and_orders_store_what_kefu_report_says(int seed, bool mostlyInOrder) =>
        StoredEqualsReport("sqlite", seed, mostlyInOrder).GetAwaiter().GetResult();

    [SkippableTheory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public async Task On_postgres_random_batches_store_what_kefu_report_says(int seed, bool mostlyInOrder) =>
        Assert.True(await StoredEqualsReport("postgres", seed, mostlyInOrder));

    private static async Task<bool> StoredEqualsReport(string provider, int seed, bool mostlyInOrder)
    {
        // Mostly in order (shuffled within 10-minute blocks): states resume, with a rebuild where a block reaches back.
        // Shuffled: many events land behind their conversation's frontier.
        var events = RandomChats.Generate(seed, conversations: 25, days: 4);
        var sent = mostlyInOrder ? RandomChats.ShuffleWithinBlocks(events, TimeSpan.FromMinutes(10), seed) : RandomChats.Shuffle(events, seed);
        var random = new Random(seed);
        await using var db = await TestDatabase.Create(provider);
        var batches = new List<ChatEvent[]>();
        for (var at = 0; at < sent.Count;)
        {
            var n = Math.Min(random.Next(1, 40), sent.Count - at);
            batches.Add([.. sent.Skip(at).Take(n)]);
            at += n;
        }
        var total = new IngestResult();
        foreach (var batch in batches) total += await db.Store.Ingest(batch);
        var distinct = events.DistinctBy(e => (e.Shop, e.Id)).Count();
        Assert.Equal(new IngestResult(distinct, events.Count - distinct), total);
        // A batch sent again is all duplicates and changes nothing.
        var again = batches[random.Next(batches.Count)];
        Assert.Equal(new IngestResult(0, again.Length), await db.Store.Ingest(again));

        var profile = ProfileCatalog.Compile("douyin");
        await using var context = db.Open();
        foreach (var shop in events.Select(e => e.Shop).Distinct())
        {
            var request = new ReportRequest(Agents: true, Shop: shop);
            // The report's run counts what it read; the store keeps each (shop, id) once, so the report reads them once.
            var expected = ReportRunner.Run(profile, () => events.DistinctBy(e => (e.Shop, e.Id)).Where(e => e.Shop == shop).Select(ReadItem.Of));
            var stored = await StoredReports.Build(context, shop, null, request);
            Assert.NotNull(stored);
            Assert.Equal(Json(ReportBuilder.Build(profile, expected.Rollup, request), expected), Json(stored.Report, stored.Run));
            var rollups = await StoredReports.FromRollups(context, profile, "douyin", shop);
            Assert.True(rollups.SameAs(await StoredReports.FromFacts(context, profile, "douyin", shop)), "rollups equal the facts summed");
        }
        return true;
    }

    [SkippableTheory]
    [MemberData(nameof(Providers), MemberType = typeof(EventStoreTests))]
    public async Task A_reply_two_days_later_in_a_later_batch_replaces_the_unanswered_facts(string provider)
    {
        await using var db = await TestDatabase.Create(provider);
        await db.Store.Ingest([Customer("m1", "10:00:00")]);
        // Provisional: unanswered until a reply comes.
        Assert.Equal(["reply_rate_3min 0/1 ×0", "unanswered 0/0 ×1"], await Cells(db, "c1", "reply_rate_3min", "unanswered"));

        await db.Store.Ingest([Customer("x1", "11:00:00", conversation: "c2")]); // another conversation between
        var reply = new ChatEvent { Type = EventType.Message, Id = "m2", Shop = "s1", At = Time("10:00:30").AddDays(2), Conversation = "c1", Sender = Sender.Agent, Agent = "a1", Text = "您好" };
        await db.Store.Ingest([reply]);

        // Answered, with its full delay (two days and 30 s), late for the 3-minute rate; no longer unanswered.
        Assert.Equal(["reply_rate_3min 0/1 ×0"], await Cells(db, "c1", "reply_rate_3min", "unanswered"));
        await using var context = db.Open();
        var wait = await context.Facts.Where(f => f.Conversation == "c1" && f.Metric == "avg_reply_seconds").SingleAsync();
        Assert.Equal((2 * 86_400L + 30) * TimeSpan.TicksPerSecond, wait.SumTicks);
        Assert.Equal("a1", wait.Agent);
        await AssertSameAsReport(db);
    }

    [SkippableTheory]
    [MemberData(nameof(Providers), MemberType = typeof(EventStoreTests))]
    public async Task An_event_behind_the_frontier_rebuilds_the_conversation(string provider)
    {
        await using var db = await TestDatabase.Create(provider);
        await db.Store.Ingest([Customer("m1", "10:00:00"), Agent("m2", "10:05:00")]);
        Assert.Equal(["reply_rate_3min 0/1 ×0"], await Cells(db, "c1", "reply_rate_3min"));

        // A customer message at the very instant of the reply: in the engine's order it comes before the reply
        // (customer messages first at an equal instant), so it lies behind the frontier and is answered at once.
        await db.Store.Ingest([Customer("m3", "10:05:00")]);
        Assert.Equal(["reply_rate_3min 1/2 ×0"], await Cells(db, "c1", "reply_rate_3min"));

        // An earlier reply arriving last: the first message is now answered within 3 minutes too.
        await db.Store.Ingest([Agent("m0", "10:02:00")]);
        Assert.Equal(["reply_rate_3min 2/2 ×0"], await Cells(db, "c1", "reply_rate_3min"));

        // And one after the frontier again resumes from the rebuilt state.
        await db.Store.Ingest([Customer("m4", "10:10:00"), Agent("m5", "10:11:00")]);
        Assert.Equal(["reply_rate_3min 3/3 ×0"], await Cells(db, "c1", "reply_rate_3min"));
        await AssertSameAsReport(db);
    }

    /// <summary>Per metric, the conversation's facts summed: "metric numerator/denominator ×count".</summary>
    private static async Task<List<string>> Cells(TestDatabase db, string conversation, params string[] metrics)
    {
        await using var context = db.Open();
        var facts = await context.Facts.AsNoTracking().Where(f => f.Shop == "s1" && f.Conversation == conversation && metrics.Contains(f.Metric)).ToListAsync();
        return [.. facts.GroupBy(f => f.Metric).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Sum(f => f.Numerator)}/{g.Sum(f => f.Denominator)} ×{g.Sum(f => f.Count)}")];
    }

    private static async Task AssertSameAsReport(TestDatabase db)
    {
        await using var context = db.Open();
        var all = (await context.Events.AsNoTracking().ToListAsync()).Select(e => e.ToEvent()).ToList();
        var profile = ProfileCatalog.Compile("douyin");
        var expected = ReportRunner.Run(profile, () => all.Select(ReadItem.Of));
        var request = new ReportRequest(Agents: true, Shop: "s1");
        var stored = await StoredReports.Build(context, "s1", null, new ReportRequest(Agents: true));
        Assert.Equal(Json(ReportBuilder.Build(profile, expected.Rollup, request), expected), Json(stored!.Report, stored.Run));
    }
}
