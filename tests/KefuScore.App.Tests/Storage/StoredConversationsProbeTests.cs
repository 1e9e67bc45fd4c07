using KefuScore.App.Profiles;
using KefuScore.App.Reading;
using KefuScore.App.Reports;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Engine.Reports;
using KefuScore.Engine.Simulation;
using KefuScore.Tests;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Tests.Storage;

/// <summary>
/// PostgreSQL's schema 10: the probe of conversations new to a store is a function whose plan is kept per connection
/// (decisions §66). A store with an empty cache must find every stored conversation through it, on any day's partition.
/// </summary>
public sealed class StoredConversationsProbeTests
{
    [SkippableFact]
    public async Task A_version_9_database_with_events_gets_the_probe_and_a_new_store_continues_its_conversations()
    {
        await using var db = await TestDatabase.Create("postgres");
        var events = Simulator.Generate(new SimulationOptions { Shops = 2, Days = 3, Seed = 10 }).ToList();
        var half = events.Count / 2;
        foreach (var batch in events.Take(half).Chunk(700)) await db.Store.Ingest(batch);
        await using (var context = db.Open())
        {
            // The version-9 layout: everything as it is, without the function.
            await context.Database.ExecuteSqlRawAsync($"DROP FUNCTION {PostgresLayout.StoredConversationsFunction}");
            await context.SchemaVersion.ExecuteUpdateAsync(s => s.SetProperty(r => r.Version, 9));
        }

        Assert.False(await KefuStorage.InitialiseAsync(db.Options));

        await using (var context = db.Open())
        {
            Assert.Equal(10, KefuStorage.SchemaVersion);
            Assert.Equal(KefuStorage.SchemaVersion, (await context.SchemaVersion.SingleAsync()).Version);
            Assert.Equal(1, await context.Database.SqlQueryRaw<int>(
                $"SELECT COUNT(*)::int AS \"Value\" FROM pg_proc WHERE proname = '{PostgresLayout.StoredConversationsFunction}'").SingleAsync());
            Assert.Equal(half, await context.Events.CountAsync());
        }

        // A store that never saw these events: what was stored is refused as duplicates; the rest continues the
        // conversations the first half began (found by the probe, read back), so the report equals kefu report.
        using var store = new EventStore(db.Options);
        Assert.Equal(new IngestResult(0, half), await store.Ingest(events.Take(half).ToList()));
        var rest = new IngestResult();
        foreach (var batch in events.Skip(half).Chunk(700)) rest += await store.Ingest(batch);
        Assert.Equal(new IngestResult(events.Count - half, 0), rest);
        await AssertReports(db, events, ["s1", "s2"]);
    }

    [SkippableFact]
    public async Task A_conversation_on_a_day_made_after_the_probe_was_planned_is_found()
    {
        await using var db = await TestDatabase.Create("postgres");
        var first = Chat.On("2026-11-20", conversation: "c1").Customer("10:00:00", id: "m1");
        var firstReply = Chat.On("2026-11-20", conversation: "c1").Agent("10:02:00", id: "m2");
        // A day far from the first: its partition is made (attached to events) after both stores' probes ran.
        var later = Chat.On("2027-01-15", conversation: "c2").Customer("09:00:00", id: "m3");
        var laterReply = Chat.On("2027-01-15", conversation: "c2").Agent("09:01:30", id: "m4");

        using var other = new EventStore(db.Options);
        Assert.Equal(new IngestResult(1, 0), await db.Store.Ingest(first.Events));
        Assert.Equal(new IngestResult(1, 0), await other.Ingest(firstReply.Events)); // probed and found: c1 read back
        Assert.Equal(new IngestResult(1, 0), await db.Store.Ingest(later.Events));
        Assert.Equal(new IngestResult(1, 0), await other.Ingest(laterReply.Events)); // c2 is only in the new partition
        await AssertReports(db, [.. first.Events, .. firstReply.Events, .. later.Events, .. laterReply.Events], ["s1"]);
    }

    private static async Task AssertReports(TestDatabase db, List<ChatEvent> events, string[] shops)
    {
        await using var context = db.Open();
        var profile = ProfileCatalog.Compile("douyin");
        foreach (var shop in shops)
        {
            var request = new ReportRequest(Agents: true, Shop: shop);
            var expected = ReportRunner.Run(profile, () => events.Where(e => e.Shop == shop).Select(ReadItem.Of));
            var stored = await StoredReports.Build(context, shop, null, request);
            Assert.NotNull(stored);
            Assert.Equal(EventStoreTests.Json(ReportBuilder.Build(profile, expected.Rollup, request), expected), EventStoreTests.Json(stored.Report, stored.Run));
        }
    }
}
