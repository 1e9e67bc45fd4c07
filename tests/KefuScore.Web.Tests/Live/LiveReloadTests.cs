using System.Data.Common;
using System.Globalization;
using KefuScore.App.Live;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Web.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace KefuScore.Web.Tests.Live;

/// <summary>
/// Many shop grains activating at once (a silo's start, a failover, a burst of new shops) each reload their shop's
/// live picture from PostgreSQL. Unbounded, 30,000 shops opened a connection each until the server refused more and
/// the activations failed (decisions §98); now at most <see cref="LiveMonitor.ConcurrentReloads"/> read at a time.
/// </summary>
public sealed class LiveReloadTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-20T10:00:00+08:00", CultureInfo.InvariantCulture);

    [SkippableFact]
    public async Task Reloads_at_once_read_through_a_few_connections_and_each_loads_its_shop()
    {
        var (postgres, database) = await DurabilityTests.CreatePostgresDatabase();
        var folder = Path.Combine(Path.GetTempPath(), "kefu-reload-" + Guid.NewGuid().ToString("N"));
        try
        {
            var location = new StorageLocation(folder, postgres);
            var connections = new OpenConnections();
            var builder = new DbContextOptionsBuilder<KefuDb>();
            KefuStorage.Configure(builder, location);
            var options = builder.AddInterceptors(connections).Options;
            await KefuStorage.InitialiseAsync(options);
            // 60 shops, each with one customer waiting since 09:50 (inside the monitor's two-day horizon).
            var shops = Enumerable.Range(1, 60).Select(i => $"r{i}").ToList();
            await new EventStore(options).Ingest([.. shops.Select(shop => LiveCases.Waiting(shop, "m1", Now.AddMinutes(-10)))]);

            var clock = new FakeTimeProvider(Now);
            using var monitor = StandaloneMonitor.Create(clock, options, options);
            connections.Reset();
            await Task.WhenAll(shops.Select(shop => Task.Run(() => monitor.Reload(shop, CancellationToken.None))));

            // Without the bound every reload held a connection at once (up to the pool's 100).
            Assert.InRange(connections.Peak, 1, LiveMonitor.ConcurrentReloads);
            foreach (var shop in shops)
            {
                var state = monitor.State(shop);
                Assert.NotNull(state);
                Assert.Equal("m1", Assert.Single(state.Waiting).MessageId);
            }
        }
        finally
        {
            await DurabilityTests.DropPostgresDatabase(database);
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Reloads_waiting_together_are_read_together()
    {
        var folder = Path.Combine(Path.GetTempPath(), "kefu-reload-" + Guid.NewGuid().ToString("N"));
        try
        {
            var location = new StorageLocation(folder);
            var options = KefuStorage.Options(location);
            await KefuStorage.InitialiseAsync(options);
            var shops = Enumerable.Range(1, 60).Select(i => $"r{i}").ToList();
            await new EventStore(options).Ingest([.. shops.Select(shop => LiveCases.Waiting(shop, "m1", Now.AddMinutes(-10)))]);
            var commands = new CountedCommands(held: true);
            var builder = new DbContextOptionsBuilder<KefuDb>();
            KefuStorage.Configure(builder, location);
            using var monitor = StandaloneMonitor.Create(new FakeTimeProvider(Now), options, builder.AddInterceptors(commands).Options);

            // Every reload is queued before any loader's first query returns (a silo's shops coming back at once).
            var reloads = shops.Select(shop => monitor.Reload(shop, CancellationToken.None)).ToList();
            commands.Open();
            await Task.WhenAll(reloads);

            // Read one shop at a time this was three queries a shop (180); each loader's batch takes three, and at
            // most every loader reads one batch before the gate opens and one after.
            Assert.InRange(commands.Count, 3, 3 * 2 * LiveMonitor.ConcurrentReloads);
            foreach (var shop in shops) Assert.Equal("m1", Assert.Single(monitor.State(shop)!.Waiting).MessageId);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Counts the connections EF Core holds open at once.</summary>
    private sealed class OpenConnections : DbConnectionInterceptor
    {
        private int _open;
        private int _peak;

        public int Peak => Volatile.Read(ref _peak);

        public void Reset() => (_open, _peak) = (0, 0);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Opened();
            return Task.CompletedTask;
        }

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Opened();

        public override Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
        {
            Interlocked.Decrement(ref _open);
            return Task.CompletedTask;
        }

        public override void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Interlocked.Decrement(ref _open);

        private void Opened()
        {
            var open = Interlocked.Increment(ref _open);
            int peak;
            while (open > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, open, peak) != peak) { }
        }
    }
}
