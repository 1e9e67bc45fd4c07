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

/// <summary>PostgreSQL's schema 8: events partitioned by day, repeated ids refused by event_ids (docs/storage.md, decisions §47).</summary>
public sealed class PartitionedEventsTests
{
    [SkippableFact]
    public async Task A_version_7_database_with_events_is_partitioned_and_keeps_every_event_and_figure()
    {
        await using var db = await TestDatabase.Create("postgres");
        var events = Simulator.Generate(new SimulationOptions { Shops = 2, Days = 3, Seed = 8 }).ToList();
        var half = events.Count / 2;
        foreach (var batch in events.Take(half).Chunk(700)) await db.Store.Ingest(batch);
        long maxSeq;
        List<string> rollupsBefore;
        await using (var context = db.Open())
        {
            maxSeq = await context.Events.MaxAsync(e => e.Seq);
            rollupsBefore = await RollupRows(context);
            // The version-7 layout: events as the model creates it (seq key, unique (shop, id)), holding the same rows
            // with their seqs; no event_ids, no shop_ids, no partitions.
            await Sql(context, "CREATE TABLE events_saved AS SELECT * FROM events");
            await Sql(context, "DROP TABLE events");
            await Sql(context, "DROP TABLE event_ids");
            await Sql(context, "DROP TABLE shop_ids");
            foreach (var statement in KefuStorage.CreateStatements(context.Database.GenerateCreateScript()))
                if (statement.Contains("TABLE IF NOT EXISTS events (", StringComparison.Ordinal) || statement.Contains(" ON events ", StringComparison.Ordinal))
                    await Sql(context, statement);
            await Sql(context, "INSERT INTO events SELECT * FROM events_saved");
            await Sql(context, "DROP TABLE events_saved");
            await context.SchemaVersion.ExecuteUpdateAsync(s => s.SetProperty(r => r.Version, 7));
            Assert.Equal("r", await Scalar(context, "SELECT relkind::text AS \"Value\" FROM pg_class WHERE oid = 'events'::regclass"));
        }

        Assert.False(await KefuStorage.InitialiseAsync(db.Options));

        await using (var context = db.Open())
        {
            Assert.Equal(KefuStorage.SchemaVersion, (await context.SchemaVersion.SingleAsync()).Version);
            Assert.Equal("p", await Scalar(context, "SELECT relkind::text AS \"Value\" FROM pg_class WHERE oid = 'events'::regclass"));
            Assert.Equal(half, await context.Events.CountAsync());
            Assert.Equal(maxSeq, await context.Events.MaxAsync(e => e.Seq));
            Assert.Equal(half, await Count(context, "SELECT COUNT(*)::int AS \"Value\" FROM event_ids"));
            Assert.Equal(2, await Count(context, "SELECT COUNT(*)::int AS \"Value\" FROM shop_ids"));
            // Every event sits in the partition of its UTC day, one partition per day it has.
            var days = events.Take(half).Select(e => PostgresLayout.PartitionName(PostgresLayout.Day(e.At.UtcTicks))).Distinct().ToList();
            foreach (var day in days)
                Assert.Equal(events.Take(half).Count(e => PostgresLayout.PartitionName(PostgresLayout.Day(e.At.UtcTicks)) == day),
                    await Count(context, $"SELECT COUNT(*)::int AS \"Value\" FROM {day}"));
            Assert.Equal(rollupsBefore, await RollupRows(context));
        }

        // A store that never saw the old layout: what was moved is refused as duplicates, the rest is stored and its
        // conversations are re-analysed from the moved events; the report equals kefu report over all the events.
        using var store = new EventStore(db.Options);
        Assert.Equal(new IngestResult(0, half), await store.Ingest(events.Take(half).ToList()));
        var rest = new IngestResult();
        foreach (var batch in events.Skip(half).Chunk(700)) rest += await store.Ingest(batch);
        Assert.Equal(new IngestResult(events.Count - half, 0), rest);
        await using (var context = db.Open())
        {
            Assert.True(await context.Events.MinAsync(e => e.Seq) > 0);
            Assert.True(await context.Events.Where(e => e.Seq > maxSeq).CountAsync() == events.Count - half, "new events get seqs past the moved ones");
            var profile = ProfileCatalog.Compile("douyin");
            foreach (var shop in new[] { "s1", "s2" })
            {
                var request = new ReportRequest(Agents: true, Shop: shop);
                var expected = ReportRunner.Run(profile, () => events.Where(e => e.Shop == shop).Select(ReadItem.Of));
                var stored = await StoredReports.Build(context, shop, null, request);
                Assert.NotNull(stored);
                Assert.Equal(EventStoreTests.Json(ReportBuilder.Build(profile, expected.Rollup, request), expected), EventStoreTests.Json(stored.Report, stored.Run));
            }
        }
    }

    [SkippableFact]
    public async Task An_id_repeated_on_another_day_is_a_duplicate_and_a_deleted_id_may_come_again()
    {
        await using var db = await TestDatabase.Create("postgres");
        var first = Chat.On("2026-11-20").Customer("10:00:00", id: "m1").Agent("10:01:00", id: "m2").Events;
        // The same ids two days later (another partition), and in another shop (not a repeat).
        var later = Chat.On("2026-11-22").Customer("10:00:00", id: "m1").Agent("10:01:00", id: "m2").Events;
        var otherShop = Chat.On("2026-11-22", shop: "s2").Customer("10:00:00", id: "m1").Events;
        // Within one batch: the first of two equal ids wins, whichever day each is on.
        var within = Chat.On("2026-11-23").Customer("10:00:00", id: "m9").Then("2026-11-25").Customer("10:00:00", id: "m9").Events;

        Assert.Equal(new IngestResult(2, 0), await db.Store.Ingest(first));
        Assert.Equal(new IngestResult(0, 2), await db.Store.Ingest(later));
        Assert.Equal(new IngestResult(1, 0), await db.Store.Ingest(otherShop));
        Assert.Equal(new IngestResult(1, 1), await db.Store.Ingest(within));
        // A second store (another process) refuses them too: the refusal is the database's, not a cache's.
        using (var other = new EventStore(db.Options)) Assert.Equal(new IngestResult(0, 2), await other.Ingest(later));

        await using (var context = db.Open())
        {
            Assert.Equal(4, await context.Events.CountAsync());
            Assert.Equal(Time("2026-11-20T10:00:00"), (await context.Events.SingleAsync(e => e.Shop == "s1" && e.Id == "m1")).ToEvent().At);
            Assert.Equal(Time("2026-11-23T10:00:00"), (await context.Events.SingleAsync(e => e.Id == "m9")).ToEvent().At);
        }

        // Deleted, the ids may be stored again (then on the later day).
        Assert.Equal(2, await db.Store.Delete("s1", ["m1", "m2"], null, null));
        Assert.Equal(new IngestResult(2, 0), await db.Store.Ingest(later));
        await using (var context = db.Open())
            Assert.Equal(Time("2026-11-22T10:00:00"), (await context.Events.SingleAsync(e => e.Shop == "s1" && e.Id == "m1")).ToEvent().At);
    }

    [SkippableFact]
    public async Task Two_writers_creating_the_same_days_at_once_both_store_everything()
    {
        await using var db = await TestDatabase.Create("postgres");
        // Days nobody has written, each round a new set, written by two stores (two processes) at the same moment,
        // and by several layouts of their own asking for the same days at once.
        for (var round = 0; round < 4; round++)
        {
            var date = new DateOnly(2031, 1, 1).AddDays(10 * round);
            var a = Spread("sa", date, round);
            var b = Spread("sb", date, round);
            using var one = new EventStore(db.Options);
            using var two = new EventStore(db.Options);
            var layouts = Enumerable.Range(0, 4).Select(_ => new PostgresLayout(db.Location.PostgresConnection!)).ToList();
            var results = await Task.WhenAll(
                one.Ingest(a), two.Ingest(b),
                Prepared(layouts[0], a), Prepared(layouts[1], b), Prepared(layouts[2], a), Prepared(layouts[3], b));
            foreach (var layout in layouts) layout.Dispose();
            Assert.Equal(new IngestResult(a.Count, 0), results[0]);
            Assert.Equal(new IngestResult(b.Count, 0), results[1]);
        }
        await using var context = db.Open();
        Assert.Equal(4 * 2 * 3 * 2, await context.Events.CountAsync());
        // One partition a day, attached once.
        var names = await context.Database.SqlQueryRaw<string>(
            "SELECT c.relname AS \"Value\" FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass").ToListAsync();
        Assert.Equal(names.Count, names.Distinct().Count());
        for (var round = 0; round < 4; round++)
            for (var day = 0; day < 3; day++)
                Assert.Contains(PostgresLayout.PartitionName(new DateOnly(2031, 1, 1).AddDays(10 * round + day).DayNumber), names);

        static List<ChatEvent> Spread(string shop, DateOnly date, int round)
        {
            var chat = Chat.On(date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), shop: shop, conversation: "c" + round);
            for (var day = 0; day < 3; day++)
                chat.Then(date.AddDays(day).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).Customer("12:00:00").Agent("12:00:30");
            return [.. chat.Events];
        }

        static async Task<IngestResult> Prepared(PostgresLayout layout, List<ChatEvent> events)
        {
            await layout.Prepare(events.Select(e => (e.Shop, e.At.UtcTicks)), CancellationToken.None);
            return default;
        }
    }

    [SkippableFact]
    public async Task A_day_first_seen_inside_an_open_transaction_is_made_without_waiting_for_it()
    {
        await using var db = await TestDatabase.Create("postgres");
        using var importer = new EventStore(db.Options);
        using var pusher = new EventStore(db.Options);
        // A file import's transaction stays open while it meets new days; meanwhile another writer stores events of
        // other new days. Each day's partition is made on a connection of its own, so neither waits for the other's
        // commit (a CREATE TABLE … PARTITION OF would wait for every open writer).
        await using (var import = await importer.Begin(large: false))
        {
            Assert.Equal(new IngestResult(2, 0), await import.Append(Chat.On("2032-03-01", shop: "si").Customer("10:00:00").Agent("10:00:20").Events));
            var pushed = pusher.Ingest(Chat.On("2032-03-05", shop: "sp").Customer("10:00:00").Agent("10:00:20").Events);
            Assert.Equal(new IngestResult(2, 0), await pushed.WaitAsync(TimeSpan.FromMinutes(2)));
            Assert.Equal(new IngestResult(2, 0), await import.Append(Chat.On("2032-03-09", shop: "si", conversation: "c2").Customer("10:00:00").Agent("10:00:20").Events));
            await import.Commit();
        }
        await using var context = db.Open();
        Assert.Equal(6, await context.Events.CountAsync());
        Assert.Equal(2, await Count(context, "SELECT COUNT(*)::int AS \"Value\" FROM events_p20320309"));
    }

    private static DateTimeOffset Time(string local) => DateTimeOffset.Parse(local + "+08:00", System.Globalization.CultureInfo.InvariantCulture);

    private static Task<int> Sql(KefuDb context, string sql) => context.Database.ExecuteSqlRawAsync(sql);

    private static Task<string> Scalar(KefuDb context, string sql) => context.Database.SqlQueryRaw<string>(sql).SingleAsync();

    private static Task<int> Count(KefuDb context, string sql) => context.Database.SqlQueryRaw<int>(sql).SingleAsync();

    private static async Task<List<string>> RollupRows(KefuDb context) =>
        (await context.Rollups.AsNoTracking().ToListAsync())
            .Select(r => $"{r.Shop} {r.Agent} {r.Hour} {r.Metric} {r.Facts} {r.Numerator}/{r.Denominator} {r.SumTicks}/{r.Count}")
            .Order(StringComparer.Ordinal).ToList();
}
