using System.Globalization;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace KefuScore.Web.Tests.Live;

/// <summary>
/// A shop's live slot. Its first events create the shop, and the monitor opens the slot from what the commit says (the
/// profile it was created with, no stored alert rules) instead of reading the row back synchronously on the commit's
/// path (§103). A shop's grain listens to its own shop's changes (<c>LiveMonitor.Listen</c>), not to every shop's: one
/// handler per grain on the monitor's event made each change call them all (§105).
/// </summary>
public sealed class LiveSlotTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-20T10:00:00+08:00", CultureInfo.InvariantCulture);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kefu-slot-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private static ChatEvent Waiting(string shop, string id, int minutesAgo) => LiveCases.Waiting(shop, id, Now.AddMinutes(-minutesAgo));

    [Fact]
    public async Task A_commit_names_only_the_shops_it_created_with_their_profile()
    {
        var options = KefuStorage.Options(new StorageLocation(_folder));
        await KefuStorage.InitialiseAsync(options);
        await new EventStore(options).Ingest([Waiting("old", "m1", 30)]);

        // A second store knows nothing of "old" yet: it reads that row, and creates "new".
        var store = new EventStore(options) { NewShopProfile = "kuaishou" };
        var created = new List<IReadOnlyDictionary<string, string>>();
        store.ShopsCreated += shops => created.Add(new Dictionary<string, string>(shops));
        await store.Ingest([Waiting("old", "m2", 20), Waiting("new", "m1", 10)]);
        var one = Assert.Single(created);
        Assert.Equal("kuaishou", Assert.Single(one, s => s.Key == "new").Value);
        Assert.False(one.ContainsKey("old"));

        // The next commit of the same shops creates none.
        await store.Ingest([Waiting("new", "m2", 5)]);
        Assert.Single(created);
    }

    [Fact]
    public async Task A_new_shops_first_commit_opens_its_live_slot_without_a_query()
    {
        var location = new StorageLocation(_folder);
        var options = KefuStorage.Options(location);
        await KefuStorage.InitialiseAsync(options);
        var commands = new CountedCommands();
        var builder = new DbContextOptionsBuilder<KefuDb>();
        KefuStorage.Configure(builder, location);
        var monitorOptions = builder.AddInterceptors(commands).Options;

        var clock = new FakeTimeProvider(Now);
        using var monitor = StandaloneMonitor.Create(clock, options, monitorOptions);
        var store = new EventStore(options);
        // As the server wires them (LiveStartup).
        store.ShopsCreated += monitor.Created;
        store.Committed += events => monitor.Ingest(events);

        await store.Ingest([Waiting("fresh", "m1", 10)]);

        Assert.Equal(0, commands.Count); // reading the row back took two queries (the shop, its alert rules)
        var state = monitor.State("fresh");
        Assert.NotNull(state);
        Assert.Equal("m1", Assert.Single(state.Waiting).MessageId);
        Assert.Equal(store.NewShopProfile, monitor.ProfileOf("fresh")!.Id);
    }

    [Fact]
    public async Task A_listener_hears_its_own_shop_only_until_disposed()
    {
        var options = KefuStorage.Options(new StorageLocation(_folder));
        await KefuStorage.InitialiseAsync(options);
        using var monitor = StandaloneMonitor.Create(new FakeTimeProvider(Now), options, options);
        var store = new EventStore(options);
        store.ShopsCreated += monitor.Created;
        store.Committed += events => monitor.Ingest(events);
        int a = 0, b = 0, b2 = 0;
        var all = new List<string>();
        monitor.Changed += all.Add;

        var listenA = monitor.Listen("a", () => a++);
        var listenB = monitor.Listen("b", () => b++);
        await store.Ingest([Waiting("a", "m1", 5)]);
        Assert.Equal((1, 0), (a, b));
        await store.Ingest([Waiting("b", "m1", 5), Waiting("a", "m2", 5)]);
        Assert.Equal((2, 1), (a, b));

        listenA.Dispose();
        await store.Ingest([Waiting("a", "m3", 5)]);
        Assert.Equal(2, a);

        // A new listener of the same shop (its grain activated again) is not removed by the old one's disposal.
        var listenB2 = monitor.Listen("b", () => b2++);
        listenB.Dispose();
        await store.Ingest([Waiting("b", "m2", 5)]);
        Assert.Equal((1, 1), (b, b2));
        listenB2.Dispose();
        await store.Ingest([Waiting("b", "m3", 5)]);
        Assert.Equal(1, b2);

        // The monitor's event still hears every shop (the single server's notifier).
        Assert.Equal(["a", "b", "a", "a", "b", "b"], all);
    }
}
