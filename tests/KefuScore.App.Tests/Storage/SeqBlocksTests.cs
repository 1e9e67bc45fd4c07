using KefuScore.App.Storage;
using KefuScore.Engine.Simulation;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Tests.Storage;

/// <summary>
/// PostgreSQL since schema 12 (decisions §84): a writer reserves <c>events.seq</c> values a block at a time (the
/// identity steps by <see cref="PostgresLayout.SeqBlock"/>) and writes them itself. Seqs must stay unique across
/// writers and blocks, grow with arrival within a batch, and lie past those an older database drew one by one.
/// </summary>
public sealed class SeqBlocksTests
{
    [SkippableFact]
    public async Task A_batch_larger_than_a_block_gets_unique_seqs_in_its_order()
    {
        await using var db = await TestDatabase.Create("postgres");
        var events = Simulator.Generate(new SimulationOptions { Shops = 1, Days = 3, Seed = 21 }).Take(2 * PostgresLayout.SeqBlock + 300).ToList();
        Assert.Equal(2 * PostgresLayout.SeqBlock + 300, events.Count);

        Assert.Equal(new IngestResult(events.Count, 0), await db.Store.Ingest(events));

        await using var context = db.Open();
        var ids = await context.Events.OrderBy(e => e.Seq).Select(e => e.Id).ToListAsync();
        Assert.Equal(events.Select(e => e.Id), ids);
        Assert.Equal(events.Count, await context.Events.Select(e => e.Seq).Distinct().CountAsync());
    }

    [SkippableFact]
    public async Task Two_writers_at_once_never_share_a_seq()
    {
        await using var db = await TestDatabase.Create("postgres");
        var events = Simulator.Generate(new SimulationOptions { Shops = 2, Days = 2, Seed = 22 }).ToList();
        using var one = new EventStore(db.Options);
        using var two = new EventStore(db.Options);
        // Each store writes one shop's events in small batches, both at the same time: their blocks interleave.
        var results = await Task.WhenAll(Write(one, "s1"), Write(two, "s2"));
        Assert.Equal(events.Count, results.Sum(r => r.Accepted));

        await using var context = db.Open();
        Assert.Equal(events.Count, await context.Events.CountAsync());
        Assert.Equal(events.Count, await context.Events.Select(e => e.Seq).Distinct().CountAsync());

        async Task<IngestResult> Write(EventStore store, string shop)
        {
            var sum = new IngestResult();
            foreach (var batch in events.Where(e => e.Shop == shop).Chunk(97)) sum += await store.Ingest(batch);
            return sum;
        }
    }

    [SkippableFact]
    public async Task A_version_11_database_steps_its_seqs_by_blocks_past_the_stored_ones()
    {
        await using var db = await TestDatabase.Create("postgres");
        var events = Simulator.Generate(new SimulationOptions { Shops = 2, Days = 2, Seed = 23 }).ToList();
        // Rows an older writer left, drawn one by one by the identity's default (only their seqs matter here).
        var old = Simulator.Generate(new SimulationOptions { Shops = 1, Days = 1, Seed = 24 }).Select(StoredEvent.From).ToList();
        foreach (var row in old) row.Shop = "s9";
        long lastOld;
        using (var layout = new PostgresLayout(db.Location.PostgresConnection!))
            await layout.Prepare(old.Select(e => (e.Shop, e.AtTicks)), CancellationToken.None);
        await using (var context = db.Open())
        {
            // The version-11 layout: the identity draws one seq per row, and the rows are written that way.
            await context.Database.ExecuteSqlRawAsync("ALTER TABLE events ALTER COLUMN seq SET INCREMENT BY 1");
            await context.SchemaVersion.ExecuteUpdateAsync(s => s.SetProperty(r => r.Version, 11));
        }
        await using (var context = db.Open())
        {
            context.Events.AddRange(old);
            await context.SaveChangesAsync();
            lastOld = await context.Events.MaxAsync(e => e.Seq);
            Assert.Equal(old.Count, await context.Events.Select(e => e.Seq).Distinct().CountAsync());
        }

        Assert.False(await KefuStorage.InitialiseAsync(db.Options));

        await using (var context = db.Open())
        {
            Assert.Equal(KefuStorage.SchemaVersion, (await context.SchemaVersion.SingleAsync()).Version);
            Assert.Equal(PostgresLayout.SeqBlock, await context.Database.SqlQueryRaw<long>(
                "SELECT increment_by AS \"Value\" FROM pg_sequences WHERE format('%I.%I', schemaname, sequencename)::regclass = pg_get_serial_sequence('events', 'seq')::regclass").SingleAsync());
        }
        using var store = new EventStore(db.Options);
        Assert.Equal(new IngestResult(events.Count, 0), await store.Ingest(events));
        await using (var context = db.Open())
        {
            Assert.Equal(old.Count + events.Count, await context.Events.Select(e => e.Seq).Distinct().CountAsync());
            Assert.Equal(events.Count, await context.Events.CountAsync(e => e.Seq > lastOld));
        }
    }
}
