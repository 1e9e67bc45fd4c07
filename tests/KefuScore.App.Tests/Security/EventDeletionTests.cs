using KefuScore.App.Storage;
using KefuScore.App.Tests.Storage;
using KefuScore.Engine.Events;
using KefuScore.Engine.Simulation;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Tests.Security;

/// <summary>
/// Issue 17, build item 4: an admin deletes a shop's events by id or range, and the store is then exactly what it
/// would be had those events never arrived: the same facts, rollups and event counts.
/// </summary>
public sealed class EventDeletionTests
{
    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    private static async Task<(List<string> Facts, List<string> Rollups, long Count)> State(TestDatabase db, string shop)
    {
        await using var context = db.Open();
        var facts = (await context.Facts.AsNoTracking().Where(f => f.Shop == shop).ToListAsync())
            .Select(f => $"{f.Conversation} {f.Metric} {f.Hour} {f.Agent} {f.Numerator}/{f.Denominator} {f.SumTicks}/{f.Count} {f.Bucket}").Order(StringComparer.Ordinal).ToList();
        var rollups = (await context.Rollups.AsNoTracking().Where(r => r.Shop == shop && r.Facts != 0).ToListAsync())
            .Select(r => $"{r.Metric} {r.Hour} {r.Agent} {r.Facts} {r.Numerator}/{r.Denominator} {r.SumTicks}/{r.Count} {string.Join(",", r.Buckets())}").Order(StringComparer.Ordinal).ToList();
        var count = await context.ShopCounts.AsNoTracking().Where(c => c.Shop == shop).Select(c => c.Events).SingleOrDefaultAsync();
        return (facts, rollups, count);
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Deleting_by_ids_and_by_range_leaves_what_the_remaining_events_alone_give(string provider)
    {
        var events = Simulator.Generate(new SimulationOptions { Shops = 1, Days = 2, Seed = 5 }).ToList();
        var byId = events.Where((_, i) => i % 7 == 3).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var from = events.Min(e => e.At).AddHours(30);
        var to = from.AddHours(3);
        var remaining = events.Where(e => !byId.Contains(e.Id) && !(e.At >= from && e.At < to)).ToList();
        Assert.InRange(remaining.Count, 10, events.Count - byId.Count - 1);   // the range takes some events too
        Assert.Contains(events, e => byId.Contains(e.Id) && e.Type == EventType.Rating);

        await using var deleted = await TestDatabase.Create(provider);
        foreach (var chunk in events.Chunk(500)) await deleted.Store.Ingest(chunk);
        var went = await deleted.Store.Delete("s1", [.. byId, "no-such-id"], null, null);
        went += await deleted.Store.Delete("s1", null, from, to);
        Assert.Equal(events.Count - remaining.Count, went);

        await using var never = await TestDatabase.Create(provider);
        foreach (var chunk in remaining.Chunk(500)) await never.Store.Ingest(chunk);

        var (factsA, rollupsA, countA) = await State(deleted, "s1");
        var (factsB, rollupsB, countB) = await State(never, "s1");
        Assert.True(factsB.Count > 100, $"{factsB.Count} facts");
        Assert.Equal(factsB, factsA);
        Assert.Equal(rollupsB, rollupsA);
        Assert.Equal(countB, countA);

        // A late event after the delete still lands on the recomputed conversations correctly.
        var late = events.First(e => byId.Contains(e.Id) && e.Conversation is not null);
        await deleted.Store.Ingest([late]);
        await never.Store.Ingest([late]);
        Assert.Equal((await State(never, "s1")).Facts, (await State(deleted, "s1")).Facts);
    }
}
