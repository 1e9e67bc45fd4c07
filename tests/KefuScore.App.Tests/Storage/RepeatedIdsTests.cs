using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Tests;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Tests.Storage;

/// <summary>
/// Repeated (shop, id) pairs in a batch that also brings new ids and repeats one of them, small and large: PostgreSQL's
/// COPY into event_ids is refused, rolled back to its savepoint, and the stored ids looked up; the answer, what is stored
/// and event_ids are what SQLite's unique index gives (decisions §66 measured claiming small batches' ids by
/// INSERT … ON CONFLICT instead and did not keep it).
/// </summary>
public sealed class RepeatedIdsTests
{
    [SkippableTheory]
    [InlineData("postgres", 10)]
    [InlineData("postgres", 400)]
    [InlineData("sqlite", 10)]
    [InlineData("sqlite", 400)]
    public async Task Ids_stored_by_an_earlier_batch_or_earlier_in_the_batch_are_refused_and_the_first_text_stays(string provider, int size)
    {
        await using var db = await TestDatabase.Create(provider);
        var earlier = Messages(0, size / 2, "first");
        Assert.Equal(new IngestResult(size / 2, 0), await db.Store.Ingest(earlier));
        // The next batch: the earlier half again with other text, then new ids, then one of the new ids again.
        List<ChatEvent> next = [.. Messages(0, size / 2, "again"), .. Messages(size / 2, size, "first"), .. Messages(size - 1, size, "again")];
        Assert.Equal(new IngestResult(size / 2, size / 2 + 1), await db.Store.Ingest(next));
        // Another store (an empty cache) is refused by the database too.
        using (var other = new EventStore(db.Options))
            Assert.Equal(new IngestResult(0, size), await other.Ingest(Messages(0, size, "third")));

        await using var context = db.Open();
        var texts = await context.Events.OrderBy(e => e.Id).Select(e => e.Id + " " + e.Text).ToListAsync();
        Assert.Equal(Enumerable.Range(0, size).Select(i => $"m{i:D4} first").ToList(), texts);
        if (provider == "postgres")
            Assert.Equal(size, await context.Database.SqlQueryRaw<int>("SELECT COUNT(*)::int AS \"Value\" FROM event_ids").SingleAsync());
    }

    /// <summary>Customer messages m{from}…m{to − 1}, one a minute in one conversation each ten, with this text.</summary>
    private static List<ChatEvent> Messages(int from, int to, string text) =>
        Enumerable.Range(from, to - from).Select(i => new ChatEvent
        {
            Type = EventType.Message, Id = $"m{i:D4}", Shop = "s1", Conversation = $"c{i / 10}", Customer = $"u{i / 10}",
            Sender = Sender.Customer, Kind = MessageKind.Text, Text = text,
            At = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(8)).AddMinutes(i),
        }).ToList();
}
