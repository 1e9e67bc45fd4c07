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
/// PostgreSQL's probe of conversations new to a store: schema 10's function over the day partitions (decisions §66),
/// since schema 11 one key in <c>conversation_ids</c> (§73). A store with an empty cache must find every stored
/// conversation, on any day's partition, and an older database's conversations must be found after its migration.
/// </summary>
public sealed class StoredConversationsProbeTests
{
    [SkippableFact]
    public async Task A_version_9_database_with_events_is_migrated_and_a_new_store_continues_its_conversations()
    {
        await using var db = await TestDatabase.Create("postgres");
        var events = Simulator.Generate(new SimulationOptions { Shops = 2, Days = 3, Seed = 10 }).ToList();
        var half = events.Count / 2;
        foreach (var batch in events.Take(half).Chunk(700)) await db.Store.Ingest(batch);
        await using (var context = db.Open())
        {
            // The version-9 layout: everything as it is, without schema 10's function or schema 11's table.
            await context.Database.ExecuteSqlRawAsync("DROP TABLE conversation_ids");
            await context.SchemaVersion.ExecuteUpdateAsync(s => s.SetProperty(r => r.Version, 9));
        }

        Assert.False(await KefuStorage.InitialiseAsync(db.Options));

        await using (var context = db.Open())
        {
            Assert.Equal(12, KefuStorage.SchemaVersion);
            Assert.Equal(KefuStorage.SchemaVersion, (await context.SchemaVersion.SingleAsync()).Version);
            Assert.Equal(await StoredConversationCount(context), await ConversationIdCount(context));
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
    public async Task A_version_10_database_with_events_migrates_in_one_step_and_keeps_its_duplicates_and_numbers()
    {
        await using var db = await TestDatabase.Create("postgres");
        var events = Simulator.Generate(new SimulationOptions { Shops = 2, Days = 3, Seed = 11 }).ToList();
        var half = events.Count / 2;
        foreach (var batch in events.Take(half).Chunk(700)) await db.Store.Ingest(batch);
        string[] before;
        await using (var context = db.Open())
        {
            before = await Reports(context, ["s1", "s2"]);
            // The version-10 layout: schema 10's function (as 10 made it), no conversation_ids.
            await context.Database.ExecuteSqlRawAsync("DROP TABLE conversation_ids");
            await context.Database.ExecuteSqlRawAsync(
                "CREATE FUNCTION kefu_stored_conversations(shops text[], conversations text[], types smallint[]) " +
                "RETURNS TABLE (shop text, conversation text) LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$ BEGIN " +
                "RETURN QUERY SELECT p.s, p.k FROM unnest($1, $2) AS p(s, k) " +
                "WHERE EXISTS (SELECT 1 FROM events e WHERE e.shop = p.s AND e.conversation = p.k AND e.type = ANY($3)); END $$");
            await context.SchemaVersion.ExecuteUpdateAsync(s => s.SetProperty(r => r.Version, 10));
        }

        Assert.False(await KefuStorage.InitialiseAsync(db.Options));

        await using (var context = db.Open())
        {
            Assert.Equal(KefuStorage.SchemaVersion, (await context.SchemaVersion.SingleAsync()).Version);
            Assert.Equal(0, await context.Database.SqlQueryRaw<int>(
                "SELECT COUNT(*)::int AS \"Value\" FROM pg_proc WHERE proname = 'kefu_stored_conversations'").SingleAsync());
            var stored = await StoredConversationCount(context);
            Assert.True(stored > 0);
            Assert.Equal(stored, await ConversationIdCount(context));
            Assert.Equal(before, await Reports(context, ["s1", "s2"]));
        }

        // A store that never saw these events: every stored id is still refused, the numbers are unchanged, and the
        // rest continues the conversations the first half began (found in conversation_ids, read back).
        using var store = new EventStore(db.Options);
        Assert.Equal(new IngestResult(0, half), await store.Ingest(events.Take(half).ToList()));
        await using (var context = db.Open()) Assert.Equal(before, await Reports(context, ["s1", "s2"]));
        var rest = new IngestResult();
        foreach (var batch in events.Skip(half).Chunk(700)) rest += await store.Ingest(batch);
        Assert.Equal(new IngestResult(events.Count - half, 0), rest);
        await AssertReports(db, events, ["s1", "s2"]);
    }

    private static Task<int> StoredConversationCount(KefuDb context) => context.Database.SqlQueryRaw<int>(
        "SELECT COUNT(*)::int AS \"Value\" FROM (SELECT DISTINCT shop, conversation FROM events WHERE conversation <> '' AND type IN (0, 1, 3, 7)) c").SingleAsync();

    private static Task<int> ConversationIdCount(KefuDb context) => context.Database.SqlQueryRaw<int>(
        "SELECT COUNT(*)::int AS \"Value\" FROM conversation_ids").SingleAsync();

    private static async Task<string[]> Reports(KefuDb context, string[] shops)
    {
        var reports = new List<string>();
        foreach (var shop in shops)
        {
            var stored = await StoredReports.Build(context, shop, null, new ReportRequest(Agents: true, Shop: shop));
            Assert.NotNull(stored);
            reports.Add(EventStoreTests.Json(stored.Report, stored.Run));
        }
        return [.. reports];
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
