using KefuScore.App.Profiles;
using KefuScore.App.Reading;
using KefuScore.App.Reports;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Engine.Reports;
using KefuScore.Engine.Simulation;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Tests.Storage;

public sealed class EventStoreTests
{
    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Stored_report_equals_kefu_report_over_shuffled_batches(string provider)
    {
        await using var db = await TestDatabase.Create(provider);
        var events = Simulator.Generate(new SimulationOptions { Shops = 2, Days = 3, Seed = 7 }).ToList();
        var shuffled = events.ToArray();
        new Random(11).Shuffle(shuffled);
        var total = new IngestResult();
        foreach (var batch in shuffled.Chunk(500)) total += await db.Store.Ingest(batch);
        // One batch sent twice: all duplicates, nothing changes.
        var again = await db.Store.Ingest(shuffled[..500]);

        Assert.Equal(events.Count, total.Accepted);
        Assert.Equal(0, total.Duplicates);
        Assert.Equal(new IngestResult(0, 500), again);
        var profile = ProfileCatalog.Compile("douyin");
        foreach (var shop in new[] { "s1", "s2" })
        {
            var request = new ReportRequest(Agents: true, Shop: shop);
            var expected = ReportRunner.Run(profile, () => events.Where(e => e.Shop == shop).Select(ReadItem.Of));
            var expectedJson = Json(ReportBuilder.Build(profile, expected.Rollup, request), expected);
            await using var context = db.Open();
            var stored = await StoredReports.Build(context, shop, null, request);
            Assert.NotNull(stored);
            Assert.Equal(expectedJson, Json(stored.Report, stored.Run));
            await AssertRollupsAreTheFactsSummed(context, shop);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Neither_the_cache_nor_the_memory_bound_changes_anything_stored(string provider)
    {
        // The same shuffled batches through stores that remember no conversation, 7 of them (constant eviction) and
        // all of them, each batch its own transaction; then all batches in one transaction (an import) that may hold
        // only 5 conversations in memory, so conversations leave and are read back within the transaction. The facts
        // and rollups they leave must be the same rows.
        var events = Simulator.Generate(new SimulationOptions { Shops = 1, Days = 2, Seed = 21 }).ToArray();
        new Random(4).Shuffle(events);
        var results = new List<(List<string> Facts, List<string> Rollups)>();
        foreach (var (capacity, open, oneTransaction) in new[] { (0, 50_000, false), (7, 50_000, false), (100_000, 50_000, false), (0, 5, true) })
        {
            await using var db = await TestDatabase.Create(provider);
            using var store = new EventStore(db.Options) { CachedConversations = capacity, OpenConversations = open };
            if (oneTransaction)
            {
                await using var batch = await store.Begin();
                foreach (var chunk in events.Chunk(97)) await batch.Append(chunk);
                await batch.Commit();
            }
            else
            {
                foreach (var chunk in events.Chunk(97)) await store.Ingest(chunk);
            }
            await using var context = db.Open();
            results.Add((
                (await context.Facts.AsNoTracking().ToListAsync()).Select(f => $"{f.Conversation} {f.Metric} {f.Hour} {f.Agent} {f.Numerator}/{f.Denominator} {f.SumTicks}/{f.Count} {f.Bucket}").Order(StringComparer.Ordinal).ToList(),
                (await context.Rollups.AsNoTracking().Where(r => r.Facts != 0).ToListAsync()).Select(r => $"{r.Metric} {r.Hour} {r.Agent} {r.Facts} {r.Numerator}/{r.Denominator} {r.SumTicks}/{r.Count} {string.Join(",", r.Buckets())}").Order(StringComparer.Ordinal).ToList()));
            await AssertRollupsAreTheFactsSummed(context, "s1");
        }
        Assert.True(results[0].Facts.Count > 1000, $"{results[0].Facts.Count} facts");
        Assert.Equal(results[0].Facts, results[1].Facts);
        Assert.Equal(results[0].Facts, results[2].Facts);
        Assert.Equal(results[0].Rollups, results[1].Rollups);
        Assert.Equal(results[0].Rollups, results[2].Rollups);
        Assert.Equal(results[0].Facts, results[3].Facts);
        Assert.Equal(results[0].Rollups, results[3].Rollups);
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Shops_that_number_ids_and_conversations_alike_stay_apart(string provider)
    {
        await using var db = await TestDatabase.Create(provider);
        // Both shops have a conversation c1 and a message m1; s1's is answered at once, s2's not yet.
        using var cold = new EventStore(db.Options) { CachedConversations = 0 }; // every lookup goes to the database
        await cold.Ingest([Customer("m1", "10:00:00"), Agent("m2", "10:01:00"), Customer("m1", "10:00:00", shop: "s2")]);
        var s1 = await Facts(db, "c1", "s1");
        // s2's reply arrives; s1 has the same ids but must not be touched, and s2's m1 is not a duplicate of s1's.
        var second = await cold.Ingest([Agent("m2", "10:02:00", shop: "s2"), Customer("m1", "10:05:00", shop: "s2")]);

        Assert.Equal(new IngestResult(1, 1), second);
        Assert.Equal(s1, await Facts(db, "c1", "s1"));
        await using var context = db.Open();
        foreach (var shop in new[] { "s1", "s2" })
        {
            var stored = await StoredReports.Build(context, shop, null, new ReportRequest());
            var cell = stored!.Report.Shops.Single().Periods.Single().Metrics.Single(m => m.Metric.Id == "reply_rate_3min").Cell;
            Assert.Equal((1L, 1L), (cell.Numerator, cell.Denominator));
            await AssertRollupsAreTheFactsSummed(context, shop);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task A_write_by_another_store_in_between_is_not_hidden_by_the_cache(string provider)
    {
        await using var db = await TestDatabase.Create(provider);
        using var other = new EventStore(db.Options);
        await db.Store.Ingest([Customer("m1", "10:00:00")]);          // db.Store now remembers c1
        await other.Ingest([Agent("m2", "10:01:00")]);                 // another process answers it
        await db.Store.Ingest([Customer("m3", "10:10:00")]);          // db.Store must not re-analyse c1 without m2

        Assert.Equal((1, 2), await Rate(db, "2026-11-20"));
        await using var context = db.Open();
        await AssertRollupsAreTheFactsSummed(context, "s1");
    }

    private static async Task AssertRollupsAreTheFactsSummed(KefuDb context, string shop)
    {
        var profile = ProfileCatalog.Compile("douyin");
        var rollups = await StoredReports.FromRollups(context, profile, "douyin", shop);
        var facts = await StoredReports.FromFacts(context, profile, "douyin", shop);
        Assert.True(rollups.RowCount > 0);
        Assert.True(rollups.SameAs(facts), "rollups equal the facts summed");
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Report_under_another_profile_folds_the_stored_events(string provider)
    {
        await using var db = await TestDatabase.Create(provider);
        var events = Simulator.Generate(new SimulationOptions { Shops = 1, Days = 2, Seed = 3 }).ToList();
        await db.Store.Ingest(events);

        var profile = ProfileCatalog.Compile("kuaishou");
        var expected = ReportRunner.Run(profile, () => events.Select(ReadItem.Of));
        await using var context = db.Open();
        var stored = await StoredReports.Build(context, "s1", "kuaishou", new ReportRequest());
        Assert.NotNull(stored);
        Assert.Equal(Json(ReportBuilder.Build(profile, expected.Rollup, new ReportRequest(Shop: "s1")), expected), Json(stored.Report, stored.Run));
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Repeated_ids_are_duplicates_in_the_batch_and_across_batches(string provider)
    {
        await using var db = await TestDatabase.Create(provider);
        var first = await db.Store.Ingest([Customer("m1", "10:00:00"), Customer("m1", "10:00:05"), Agent("m2", "10:01:00")]);
        var second = await db.Store.Ingest([Agent("m2", "10:01:00"), Customer("m3", "10:02:00"), Customer("m3", "10:02:00", shop: "s2")]);

        Assert.Equal(new IngestResult(2, 1), first);
        Assert.Equal(new IngestResult(2, 1), second);
        await using var context = db.Open();
        Assert.Equal(4, await context.Events.CountAsync());
        // The first of two equal ids wins, as in the fold.
        var m1 = await context.Events.SingleAsync(e => e.Shop == "s1" && e.Id == "m1");
        Assert.Equal(Time("10:00:00").UtcTicks, m1.AtTicks);
        Assert.Equal(["s1", "s2"], await context.Shops.Select(s => s.Id).OrderBy(s => s).ToListAsync());
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task A_late_reply_recomputes_exactly_its_conversation(string provider)
    {
        await using var db = await TestDatabase.Create(provider);
        await db.Store.Ingest([Customer("m1", "10:00:00"), Agent("m2", "10:05:00"), Customer("x1", "11:00:00", conversation: "c2")]);
        var before = await Facts(db, "c2");
        Assert.Equal((0, 2), await Rate(db, "2026-11-20"));

        // A reply that happened at 10:02 arrives after everything else: c1 is now answered within 3 minutes.
        await db.Store.Ingest([Agent("m0", "10:02:00")]);

        Assert.Equal((1, 2), await Rate(db, "2026-11-20"));
        Assert.Equal(before, await Facts(db, "c2"));
        await using var context = db.Open();
        var all = (await context.Events.AsNoTracking().ToListAsync()).Select(e => e.ToEvent()).ToList();
        var profile = ProfileCatalog.Compile("douyin");
        var expected = ReportRunner.Run(profile, () => all.Select(ReadItem.Of));
        var stored = await StoredReports.Build(context, "s1", null, new ReportRequest(Agents: true));
        Assert.Equal(Json(ReportBuilder.Build(profile, expected.Rollup, new ReportRequest(Agents: true, Shop: "s1")), expected), Json(stored!.Report, stored.Run));
        await AssertRollupsAreTheFactsSummed(context, "s1");
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Concurrent_writers_to_one_conversation_lose_nothing(string provider)
    {
        await using var db = await TestDatabase.Create(provider);
        // Two stores (two servers on one database) and many small batches of the same conversation at once.
        using var other = new EventStore(db.Options);
        var events = Enumerable.Range(0, 40).Select(i => i % 2 == 0
            ? Customer($"m{i}", $"10:{i:00}:00") : Agent($"m{i}", $"10:{i - 1:00}:{30 + i % 20:00}")).ToList();
        await Task.WhenAll(events.Chunk(2).Select((batch, i) => Task.Run(() => (i % 2 == 0 ? db.Store : other).Ingest(batch))));

        await using var context = db.Open();
        var profile = ProfileCatalog.Compile("douyin");
        var expected = ReportRunner.Run(profile, () => events.Select(ReadItem.Of));
        var stored = await StoredReports.Build(context, "s1", null, new ReportRequest(Agents: true));
        Assert.Equal(Json(ReportBuilder.Build(profile, expected.Rollup, new ReportRequest(Agents: true, Shop: "s1")), expected), Json(stored!.Report, stored.Run));
        await AssertRollupsAreTheFactsSummed(context, "s1");
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Batches_written_together_keep_their_own_answers_and_failures(string provider)
    {
        await using var db = await TestDatabase.Create(provider);
        // Shop "bad" is kept under a profile that cannot be compiled, so any batch with a conversation of it fails.
        await using (var context = db.Open())
        {
            context.Shops.Add(new ShopRow { Id = "bad", Name = "bad", Profile = "broken" });
            await context.SaveChangesAsync();
        }
        using var store = new EventStore(db.Options, id => id == "broken" ? throw new InvalidOperationException("broken profile") : ProfileCatalog.Compile(id));

        // While a file import holds the writer, A queues and is taken alone; B, C and D queue behind it and are written
        // as one group: C fails, so the group is written again one batch at a time.
        var import = await store.Begin();
        var a = store.Ingest([Customer("m1", "10:00:00")]);
        await Task.Delay(200);
        var b = store.Ingest([Agent("m2", "10:01:00"), Customer("m1", "10:00:00")]);
        var c = store.Ingest([Customer("m3", "10:02:00", shop: "bad")]);
        var d = store.Ingest([Customer("m4", "10:03:00", conversation: "c2"), Agent("m2", "10:01:00")]);
        await Task.Delay(200);
        Assert.False(a.IsCompleted || b.IsCompleted || c.IsCompleted || d.IsCompleted, "nothing is written while the import holds the writer");
        await import.DisposeAsync();

        Assert.Equal(new IngestResult(1, 0), await a);
        Assert.Equal(new IngestResult(1, 1), await b); // m1 came with A
        Assert.Equal(new IngestResult(1, 1), await d); // m2 came with B, the batch before it
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => c);
        Assert.Equal("broken profile", failure.Message);
        await using var check = db.Open();
        Assert.Equal(["m1", "m2", "m4"], await check.Events.Select(e => e.Id).OrderBy(id => id).ToListAsync());
        Assert.Equal((1, 2), await Rate(db, "2026-11-20"));
        await AssertRollupsAreTheFactsSummed(check, "s1");
    }

    [SkippableFact]
    public async Task On_postgres_writers_of_different_shops_run_at_once_and_store_what_a_serial_run_stores()
    {
        var events = Simulator.Generate(new SimulationOptions { Shops = 2, Days = 2, Seed = 5 }).ToArray();
        new Random(8).Shuffle(events);
        var s1 = events.Where(e => e.Shop == "s1").ToArray();
        var s2 = events.Where(e => e.Shop == "s2").ToArray();

        await using var serial = await TestDatabase.Create("postgres");
        foreach (var batch in events.Chunk(400)) await serial.Store.Ingest(batch);

        await using var db = await TestDatabase.Create("postgres");
        using var other = new EventStore(db.Options); // a second server (silo) on the same database
        // s1's first batch held open, uncommitted: another store's write of s2 completes meanwhile (the store-wide
        // lock would keep it waiting for this commit), and then both shops are written by both stores at once.
        var open = await db.Store.Begin();
        await open.Append(s1[..400]);
        var s2First = await other.Ingest(s2[..400]).WaitAsync(TimeSpan.FromMinutes(2));
        await open.Commit();
        await open.DisposeAsync();
        Assert.Equal(new IngestResult(400, 0), s2First);
        var rest = s1[400..].Chunk(300).Select((b, i) => (Store: i % 2 == 0 ? db.Store : other, Batch: b))
            .Concat(s2[400..].Chunk(300).Select((b, i) => (Store: i % 2 == 0 ? other : db.Store, Batch: b)));
        var results = await Task.WhenAll(rest.Select(r => Task.Run(() => r.Store.Ingest(r.Batch))));
        Assert.Equal(events.Length - 800, results.Sum(r => r.Accepted));
        Assert.Equal(0, results.Sum(r => r.Duplicates));

        foreach (var shop in new[] { "s1", "s2" })
        {
            Assert.Equal(await AllFacts(serial, shop), await AllFacts(db, shop));
            await using var context = db.Open();
            await AssertRollupsAreTheFactsSummed(context, shop);
            await using var serialContext = serial.Open();
            var request = new ReportRequest(Agents: true, Shop: shop);
            var expected = await StoredReports.Build(serialContext, shop, null, request);
            var stored = await StoredReports.Build(context, shop, null, request);
            Assert.Equal(Json(expected!.Report, expected.Run), Json(stored!.Report, stored.Run));
        }
    }

    [SkippableFact]
    public async Task On_postgres_one_shop_sent_by_two_writers_at_once_is_stored_once()
    {
        await using var db = await TestDatabase.Create("postgres");
        using var other = new EventStore(db.Options);
        var events = Simulator.Generate(new SimulationOptions { Shops = 1, Days = 1, Seed = 9 }).Take(1200).ToArray();
        // The same batches from both stores at once: each event is accepted by exactly one of them.
        var sent = events.Chunk(200).SelectMany(b => new[] { (db.Store, b), (other, b) }).ToList();
        var results = await Task.WhenAll(sent.Select(r => Task.Run(() => r.Item1.Ingest(r.b))));
        Assert.Equal(events.Length, results.Sum(r => r.Accepted));
        Assert.Equal(events.Length, results.Sum(r => r.Duplicates));

        await using var serial = await TestDatabase.Create("postgres");
        await serial.Store.Ingest(events);
        Assert.Equal(await AllFacts(serial, "s1"), await AllFacts(db, "s1"));
        await using var context = db.Open();
        Assert.Equal(events.Length, await context.Events.CountAsync());
        Assert.Equal(events.Length, await context.ShopCounts.Where(c => c.Shop == "s1").Select(c => c.Events).SingleAsync());
        await AssertRollupsAreTheFactsSummed(context, "s1");
    }

    private static async Task<List<string>> AllFacts(TestDatabase db, string shop)
    {
        await using var context = db.Open();
        return (await context.Facts.AsNoTracking().Where(f => f.Shop == shop).ToListAsync())
            .Select(f => $"{f.Conversation} {f.Metric} {f.Hour} {f.Agent} {f.Numerator}/{f.Denominator} {f.SumTicks}/{f.Count} {f.Bucket}")
            .Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task A_batch_left_uncommitted_stores_nothing()
    {
        await using var db = await TestDatabase.Create("sqlite");
        await using (var batch = await db.Store.Begin())
        {
            await batch.Append([Customer("m1", "10:00:00"), Agent("m2", "10:01:00")]);
            // Disposed without Commit: rolled back.
        }
        await using var context = db.Open();
        Assert.Equal(0, await context.Events.CountAsync());
        Assert.Equal(0, await context.Facts.CountAsync());
        Assert.Equal(0, await context.Shops.CountAsync());
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Every_field_of_a_stored_event_reads_back_as_sent(string provider)
    {
        // The row writers bind each column themselves (SQLite by position, PostgreSQL by COPY order), so a swap of two
        // columns of the same type would only show here: every field gets a value no other field has.
        await using var db = await TestDatabase.Create(provider);
        var odd = new ChatEvent
        {
            Type = EventType.Rating, Id = "id-1", Shop = "s9", At = new DateTimeOffset(2026, 11, 20, 10, 0, 7, TimeSpan.FromHours(5.75)),
            Conversation = "conv-1", Customer = "cust-1", Sender = Sender.Bot, Agent = "agent-1", Kind = MessageKind.Assist,
            Text = "文字-1", Stars = 4, Satisfaction = Satisfaction.Neutral, Reason = "reason-1", Order = "order-1", Media = "media-1",
            Category = "category-1", Action = "action-1", Status = "status-1", Capacity = 7,
        };
        var events = Simulator.Generate(new SimulationOptions { Shops = 1, Days = 1, Seed = 5 }).Take(3000).Prepend(odd).ToList();
        await db.Store.Ingest(events);

        await using var context = db.Open();
        var stored = (await context.Events.AsNoTracking().ToListAsync()).ToDictionary(r => (r.Shop, r.Id), r => r.ToEvent());
        Assert.Equal(events.Count, stored.Count);
        foreach (var e in events)
        {
            var back = stored[(e.Shop, e.Id)];
            Assert.Equal(EventText(e), EventText(back));
            Assert.Equal(e.At.Offset, back.At.Offset);
        }
    }

    [Fact]
    public void A_stored_event_rebuilds_exactly()
    {
        foreach (var e in Simulator.Generate(new SimulationOptions { Shops = 1, Days = 1, Seed = 5 }).Take(3000))
        {
            var back = StoredEvent.From(e).ToEvent();
            Assert.Equal(EventText(e), EventText(back));
            Assert.Equal(e.At, back.At);
            Assert.Equal(e.At.Offset, back.At.Offset);
        }
    }

    private static string EventText(ChatEvent e) =>
        string.Join("|", e.Type, e.Id, e.Shop, e.At.ToString("O"), e.Conversation, e.Customer, e.Sender, e.Agent, e.Kind, e.Text,
            e.Stars, e.Satisfaction, e.Reason, e.Order, e.Media, e.Category, e.Action, e.Status, e.Capacity);

    private static async Task<(long, long)> Rate(TestDatabase db, string day)
    {
        await using var context = db.Open();
        var stored = await StoredReports.Build(context, "s1", null, new ReportRequest());
        var cell = stored!.Report.Shops.Single().Periods.Single(p => p.Period == day).Metrics.Single(m => m.Metric.Id == "reply_rate_3min").Cell;
        return (cell.Numerator, cell.Denominator);
    }

    private static async Task<List<string>> Facts(TestDatabase db, string conversation, string shop = "s1")
    {
        await using var context = db.Open();
        return await context.Facts.Where(f => f.Conversation == conversation && f.Shop == shop)
            .OrderBy(f => f.Metric).ThenBy(f => f.Hour).ThenBy(f => f.Agent).ThenBy(f => f.Numerator).ThenBy(f => f.Denominator).ThenBy(f => f.SumTicks)
            .Select(f => f.Metric + " " + f.Hour + " " + f.Agent + " " + f.Numerator + "/" + f.Denominator + " " + f.SumTicks + "/" + f.Count + " " + f.Bucket)
            .ToListAsync();
    }

    internal static string Json(Report report, FoldRun run)
    {
        using var stream = new MemoryStream();
        ReportJson.Write(stream, report, run);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    internal static DateTimeOffset Time(string hms) => DateTimeOffset.Parse($"2026-11-20T{hms}+08:00", System.Globalization.CultureInfo.InvariantCulture);

    internal static ChatEvent Customer(string id, string hms, string conversation = "c1", string shop = "s1") => new()
    {
        Type = EventType.Message, Id = id, Shop = shop, At = Time(hms), Conversation = conversation, Customer = "u1", Sender = Sender.Customer, Text = "在吗?",
    };

    internal static ChatEvent Agent(string id, string hms, string conversation = "c1", string shop = "s1") => new()
    {
        Type = EventType.Message, Id = id, Shop = shop, At = Time(hms), Conversation = conversation, Sender = Sender.Agent, Agent = "a1", Text = "您好",
    };
}
