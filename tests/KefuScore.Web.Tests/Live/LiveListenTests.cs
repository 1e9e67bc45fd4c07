using System.Globalization;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using Microsoft.Extensions.Time.Testing;

namespace KefuScore.Web.Tests.Live;

/// <summary>
/// A shop's grain listens to its own shop's live changes (<c>LiveMonitor.Listen</c>), not to every shop's: one handler
/// per grain on the monitor's event made each change call them all (decisions §105).
/// </summary>
public sealed class LiveListenTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-20T10:00:00+08:00", CultureInfo.InvariantCulture);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kefu-listen-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private static ChatEvent Waiting(string shop, string id) => new()
    {
        Type = EventType.Message, Id = id, Shop = shop, Conversation = "c1", Customer = "buyer", Sender = Sender.Customer,
        Kind = MessageKind.Text, Text = "在吗", At = Now.AddMinutes(-5),
    };

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
        await store.Ingest([Waiting("a", "m1")]);
        Assert.Equal((1, 0), (a, b));
        await store.Ingest([Waiting("b", "m1"), Waiting("a", "m2")]);
        Assert.Equal((2, 1), (a, b));

        listenA.Dispose();
        await store.Ingest([Waiting("a", "m3")]);
        Assert.Equal(2, a);

        // A new listener of the same shop (its grain activated again) is not removed by the old one's disposal.
        var listenB2 = monitor.Listen("b", () => b2++);
        listenB.Dispose();
        await store.Ingest([Waiting("b", "m2")]);
        Assert.Equal((1, 1), (b, b2));
        listenB2.Dispose();
        await store.Ingest([Waiting("b", "m3")]);
        Assert.Equal(1, b2);

        // The monitor's event still hears every shop (the single server's notifier).
        Assert.Equal(["a", "b", "a", "a", "b", "b"], all);
    }
}
