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

/// <summary>PostgreSQL's schema 9: a conversation's facts as one row of fact_rows, facts a view (docs/storage.md, decisions §54).</summary>
public sealed class PackedFactsTests
{
    [SkippableFact]
    public async Task A_version_8_database_with_facts_gets_one_row_per_conversation_and_keeps_every_fact_and_figure()
    {
        await using var db = await TestDatabase.Create("postgres");
        var events = Simulator.Generate(new SimulationOptions { Shops = 2, Days = 3, Seed = 9 }).ToList();
        var half = events.Count / 2;
        foreach (var batch in events.Take(half).Chunk(700)) await db.Store.Ingest(batch);
        // A rating outside any conversation: its facts are kept apart from every conversation's.
        List<ChatEvent> loose =
        [
            new() { Type = EventType.Rating, Id = "loose-1", Shop = "s1", At = events[0].At.AddHours(1), Stars = 5, Satisfaction = Satisfaction.Satisfied },
        ];
        Assert.Equal(new IngestResult(1, 0), await db.Store.Ingest(loose));
        List<string> factsBefore, rollupsBefore;
        await using (var context = db.Open())
        {
            factsBefore = await FactRows(context);
            rollupsBefore = await RollupRows(context);
            Assert.Contains(factsBefore, f => f.StartsWith("s1  ", StringComparison.Ordinal)); // the loose rating's facts
            // The version-8 layout: facts as the model creates it (seq key, (profile, shop, conversation) index), holding
            // the same rows; no fact_rows.
            await Sql(context, "CREATE TABLE facts_saved AS SELECT * FROM facts");
            await Sql(context, "DROP VIEW facts");
            await Sql(context, "DROP TABLE fact_rows");
            foreach (var statement in KefuStorage.CreateStatements(context.Database.GenerateCreateScript()))
                if (statement.Contains("TABLE IF NOT EXISTS facts (", StringComparison.Ordinal) || statement.Contains(" ON facts ", StringComparison.Ordinal))
                    await Sql(context, statement);
            await Sql(context, "INSERT INTO facts SELECT * FROM facts_saved");
            await Sql(context, "DROP TABLE facts_saved");
            await context.SchemaVersion.ExecuteUpdateAsync(s => s.SetProperty(r => r.Version, 8));
            Assert.Equal("r", await Scalar(context, "SELECT relkind::text AS \"Value\" FROM pg_class WHERE oid = 'facts'::regclass"));
            Assert.Equal(factsBefore, await FactRows(context));
        }

        Assert.False(await KefuStorage.InitialiseAsync(db.Options));

        await using (var context = db.Open())
        {
            Assert.Equal(KefuStorage.SchemaVersion, (await context.SchemaVersion.SingleAsync()).Version);
            Assert.Equal("v", await Scalar(context, "SELECT relkind::text AS \"Value\" FROM pg_class WHERE oid = 'facts'::regclass"));
            Assert.Equal(factsBefore, await FactRows(context));
            Assert.Equal(rollupsBefore, await RollupRows(context));
            await AssertOneRowPerConversation(context);
            // Seqs in the view are unique (a tracking query resolves rows by them).
            Assert.Equal(factsBefore.Count, await context.Facts.Select(f => f.Seq).Distinct().CountAsync());
        }

        // A store that never saw the old layout: what was moved is refused as duplicates, the rest is stored and its
        // conversations are re-analysed from the moved events and facts; the report equals kefu report over all the
        // events, and the rollups equal the facts summed.
        using var store = new EventStore(db.Options);
        Assert.Equal(new IngestResult(0, half), await store.Ingest(events.Take(half).ToList()));
        var rest = new IngestResult();
        foreach (var batch in events.Skip(half).Chunk(700)) rest += await store.Ingest(batch);
        Assert.Equal(new IngestResult(events.Count - half, 0), rest);
        await using (var context = db.Open())
        {
            await AssertOneRowPerConversation(context);
            var profile = ProfileCatalog.Compile("douyin");
            foreach (var shop in new[] { "s1", "s2" })
            {
                var request = new ReportRequest(Agents: true, Shop: shop);
                var all = events.Concat(shop == "s1" ? loose : []).Where(e => e.Shop == shop).ToList();
                var expected = ReportRunner.Run(profile, () => all.Select(ReadItem.Of));
                var stored = await StoredReports.Build(context, shop, null, request);
                Assert.NotNull(stored);
                Assert.Equal(EventStoreTests.Json(ReportBuilder.Build(profile, expected.Rollup, request), expected), EventStoreTests.Json(stored.Report, stored.Run));
                var rollups = await StoredReports.FromRollups(context, profile, "douyin", shop);
                Assert.True(rollups.SameAs(await StoredReports.FromFacts(context, profile, "douyin", shop)), "rollups equal the facts summed");
            }
        }
    }

    [SkippableFact]
    public async Task A_conversation_written_over_several_batches_keeps_one_row_with_the_facts_sqlite_keeps_as_rows()
    {
        // The customer waits in the first batch (a provisional unanswered fact); the reply two minutes later and a
        // second exchange arrive in later batches, through a resumed state and then through a second store that must
        // read the row back. PostgreSQL's row is replaced whole each time, never duplicated, and holds exactly the
        // facts SQLite keeps as rows of their own after the same batches.
        await using var packed = await TestDatabase.Create("postgres");
        await using var rows = await TestDatabase.Create("sqlite");
        foreach (var db in new[] { packed, rows })
        {
            Assert.Equal(new IngestResult(1, 0), await db.Store.Ingest(Chat.On("2026-11-20").Customer("10:00:00", id: "m1").Events));
            Assert.Equal(new IngestResult(1, 0), await db.Store.Ingest(Chat.On("2026-11-20").Agent("10:02:00", id: "m2").Events));
            using (var other = new EventStore(db.Options))
                Assert.Equal(new IngestResult(2, 0), await other.Ingest(Chat.On("2026-11-20").Customer("10:05:00", id: "m3").Agent("10:05:30", id: "m4").Events));
            Assert.Equal(new IngestResult(1, 0), await db.Store.Ingest(Chat.On("2026-11-20").Customer("10:06:00", id: "m5").Events));
        }

        await using var context = packed.Open();
        await using var rowsContext = rows.Open();
        Assert.Equal(1, await Count(context, "SELECT COUNT(*)::int AS \"Value\" FROM fact_rows"));
        var facts = await FactRows(context);
        Assert.Contains("s1 c1 douyin a1 17758546 reply_rate_3min 1/1 0/0 -1", facts); // the reply at 10:02, made final by a later batch
        Assert.Equal(await FactRows(rowsContext), facts);
        Assert.Equal(await RollupRows(rowsContext), await RollupRows(context));
    }

    private static async Task AssertOneRowPerConversation(KefuDb context) =>
        Assert.Equal(
            await Count(context, "SELECT COUNT(DISTINCT (profile, shop, conversation))::int AS \"Value\" FROM fact_rows WHERE conversation <> ''"),
            await Count(context, "SELECT COUNT(*)::int AS \"Value\" FROM fact_rows WHERE conversation <> ''"));

    private static Task<int> Sql(KefuDb context, string sql) => context.Database.ExecuteSqlRawAsync(sql);

    private static Task<string> Scalar(KefuDb context, string sql) => context.Database.SqlQueryRaw<string>(sql).SingleAsync();

    private static Task<int> Count(KefuDb context, string sql) => context.Database.SqlQueryRaw<int>(sql).SingleAsync();

    private static async Task<List<string>> FactRows(KefuDb context) =>
        (await context.Facts.AsNoTracking().ToListAsync())
            .Select(f => $"{f.Shop} {f.Conversation} {f.Profile} {f.Agent} {f.Hour} {f.Metric} {f.Numerator}/{f.Denominator} {f.SumTicks}/{f.Count} {f.Bucket}")
            .Order(StringComparer.Ordinal).ToList();

    private static async Task<List<string>> RollupRows(KefuDb context) =>
        (await context.Rollups.AsNoTracking().ToListAsync())
            .Select(r => $"{r.Shop} {r.Agent} {r.Hour} {r.Metric} {r.Facts} {r.Numerator}/{r.Denominator} {r.SumTicks}/{r.Count}")
            .Order(StringComparer.Ordinal).ToList();
}
