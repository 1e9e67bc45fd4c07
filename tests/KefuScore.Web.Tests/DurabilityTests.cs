using KefuScore.App.Reading;
using System.Net;
using System.Text;
using System.Text.Json;
using KefuScore.App.Profiles;
using KefuScore.App.Reports;
using KefuScore.App.Writing;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Reports;
using KefuScore.Engine.Simulation;
using Npgsql;
using Xunit.Abstractions;

namespace KefuScore.Web.Tests;

/// <summary>
/// Issue 3 §5: the server is killed with SIGKILL in the middle of a stream of pushes and started again; everything
/// acknowledged comes back as duplicates, the push that was in flight is all or nothing, and the stored report equals
/// `kefu report` over exactly the events that were pushed.
/// </summary>
public sealed class DurabilityTests(ITestOutputHelper output)
{
    private const int BatchSize = 100;

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public Task A_killed_server_loses_no_acknowledged_event(string provider) => OnFreshStorage(provider, async (folder, postgres) =>
    {
        var events = Simulator.Generate(new SimulationOptions { Shops = 1, Days = 20, Seed = 11 }).ToList();
        // Eight small pushes, then one push with everything else (about 30,000 events), killed on its way: parsing
        // and writing it takes long enough that a kill 30 ms after its body is sent lands in the middle of it (3 days'
        // worth, 4,000 events, was stored within the 30 ms once ingestion got faster).
        var parts = events.Take(8 * BatchSize).Chunk(BatchSize).Append(events.Skip(8 * BatchSize).ToArray()).ToList();
        var batches = parts.Select(b => Ndjson(b)).ToList();

        var acknowledged = new List<int>();
        var inFlight = -1;
        Thread? killer = null;
        using (var server = await ServerProcess.Start(folder, postgres))
        {
            for (var i = 0; i < batches.Count && inFlight < 0; i++)
            {
                // The last push is killed 30 ms after its whole body has been sent, by a thread of its own: a timer on a
                // thread pool busy with the other test assemblies once fired only after the server had answered.
                HttpContent content = i < batches.Count - 1 ? Content(batches[i]) : new SentContent(batches[i], () =>
                {
                    killer = new Thread(() => { Thread.Sleep(30); server.Kill(); }) { IsBackground = true };
                    killer.Start();
                });
                var push = server.Client.PostAsync("/api/v1/events", content);
                try
                {
                    var response = await push;
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    acknowledged.Add(i);
                }
                catch (HttpRequestException) { inFlight = i; }
                catch (TaskCanceledException) { inFlight = i; }
            }
            killer?.Join();
        }
        Assert.True(inFlight >= 8, $"the kill happened while pushing (in flight: {inFlight}, acknowledged: {acknowledged.Count} of {batches.Count})");
        output.WriteLine($"{provider}: {acknowledged.Count} pushes acknowledged before the kill; push {inFlight} was in flight");
        await AssertNothingAcknowledgedLost(folder, postgres, parts, batches, acknowledged, [inFlight]);
    });

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public Task Pushes_written_together_and_killed_lose_no_acknowledged_event(string provider) => OnFreshStorage(provider, async (folder, postgres) =>
    {
        // Four clients push at once, so the server writes their batches in groups (one transaction and one commit
        // each); it is killed once eight pushes are acknowledged. Every acknowledged push must come back as duplicates,
        // and each push that was in flight must be stored whole or not at all, whichever group it was in.
        var events = Simulator.Generate(new SimulationOptions { Shops = 1, Days = 20, Seed = 12 }).ToList();
        var parts = events.Chunk(500).ToList();
        var batches = parts.Select(p => Ndjson(p)).ToList();
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<int>();
        var inFlight = new System.Collections.Concurrent.ConcurrentBag<int>();
        using (var server = await ServerProcess.Start(folder, postgres))
        {
            var killed = 0;
            await Task.WhenAll(Enumerable.Range(0, 4).Select(client => Task.Run(async () =>
            {
                for (var i = client; i < batches.Count && Volatile.Read(ref killed) == 0; i += 4)
                {
                    try
                    {
                        var response = await server.Client.PostAsync("/api/v1/events", Content(batches[i]));
                        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                        acknowledged.Add(i);
                        if (acknowledged.Count >= 8 && Interlocked.Exchange(ref killed, 1) == 0) server.Kill();
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        inFlight.Add(i);
                        return;
                    }
                }
            })));
        }
        output.WriteLine($"{provider}: {acknowledged.Count} pushes acknowledged, {inFlight.Count} in flight at the kill");
        Assert.True(acknowledged.Count >= 8 && acknowledged.Count < batches.Count, $"the kill happened while pushing ({acknowledged.Count} of {batches.Count} acknowledged)");
        await AssertNothingAcknowledgedLost(folder, postgres, parts, batches, [.. acknowledged], [.. inFlight]);
    });

    /// <summary>
    /// After the kill: a restarted server answers every acknowledged push sent again with duplicates only, stores each
    /// push that was in flight whole or not at all (sent again, it is accepted whole or all duplicates), and then
    /// reports exactly what <c>kefu report</c> says of all those pushes.
    /// </summary>
    private static async Task AssertNothingAcknowledgedLost(string folder, string? postgres, IReadOnlyList<ChatEvent[]> parts, IReadOnlyList<Batch> batches,
        IReadOnlyCollection<int> acknowledged, IReadOnlyCollection<int> inFlight)
    {
        using var again = await ServerProcess.Start(folder, postgres);
        foreach (var i in acknowledged)
            Assert.Equal((0L, (long)batches[i].Count), await Push(again, batches[i]));
        foreach (var i in inFlight)
        {
            var flight = await Push(again, batches[i]);
            Assert.True(flight.Accepted == 0 || flight.Accepted == batches[i].Count, $"in-flight push {i} half stored: {flight.Accepted} of {batches[i].Count}");
            Assert.Equal(batches[i].Count, flight.Accepted + flight.Duplicates);
        }
        var pushed = acknowledged.Concat(inFlight).Order().SelectMany(i => parts[i]).ToList();
        var stored = await again.Client.GetStringAsync($"/api/v1/shops/{pushed[0].Shop}/report?by=day");
        Assert.Equal(Expected(pushed), Normalise(stored));
    }

    /// <summary>Runs a test on an empty data folder (and an empty PostgreSQL database for "postgresql"), removed afterwards.</summary>
    private async Task OnFreshStorage(string provider, Func<string, string?, Task> test)
    {
        var folder = Path.Combine(Path.GetTempPath(), "kefu-kill-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string? postgres = null, database = null;
        if (provider == "postgresql")
        {
            (postgres, database) = await CreatePostgresDatabase();
        }
        try
        {
            await test(folder, postgres);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
            if (database is not null) await DropPostgresDatabase(database);
        }
    }

    private sealed record Batch(string Text, int Count);

    private static Batch Ndjson(IReadOnlyList<ChatEvent> events)
    {
        using var stream = new MemoryStream();
        EventWriter.Write(stream, EventFileFormat.JsonLines, events);
        return new Batch(Encoding.UTF8.GetString(stream.ToArray()), events.Count);
    }

    private static StringContent Content(Batch b) => new(b.Text, Encoding.UTF8, "application/x-ndjson");

    /// <summary>A push's body that calls <paramref name="sent"/> once all of it has been written to the connection.</summary>
    private sealed class SentContent : HttpContent
    {
        private readonly byte[] _body;
        private readonly Action _sent;

        public SentContent(Batch b, Action sent)
        {
            (_body, _sent) = (Encoding.UTF8.GetBytes(b.Text), sent);
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson") { CharSet = "utf-8" };
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_body);
            await stream.FlushAsync();
            _sent();
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length;
            return true;
        }
    }

    private static async Task<(long Accepted, long Duplicates)> Push(ServerProcess server, Batch batch)
    {
        var response = await server.Client.PostAsync("/api/v1/events", Content(batch));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (body.GetProperty("accepted").GetInt64(), body.GetProperty("duplicates").GetInt64());
    }

    /// <summary>`kefu report` over the pushed events: the shop's part of its JSON.</summary>
    internal static string Expected(IReadOnlyList<ChatEvent> events)
    {
        var profile = ProfileCatalog.Compile(ProfileCatalog.DefaultId);
        var run = ReportRunner.Run(profile, () => events.Select(e => new KefuScore.App.Reading.ReadItem(e, null)));
        var report = ReportBuilder.Build(profile, run.Rollup, new ReportRequest(By: KefuScore.Engine.Profiles.PeriodKind.Day));
        using var stream = new MemoryStream();
        ReportJson.Write(stream, report, run);
        return Normalise(Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>The shops array only (event counters differ between a file run and a server).</summary>
    internal static string Normalise(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(doc.RootElement.GetProperty("shops"));
    }

    internal static async Task<(string Connection, string Database)> CreatePostgresDatabase()
    {
        var server = Environment.GetEnvironmentVariable("KEFU_TEST_POSTGRES");
        if (server is null)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                Assert.Fail("CI=true but KEFU_TEST_POSTGRES is not set: the kill test must run on PostgreSQL too (docs/storage.md)");
            throw new SkipException("PostgreSQL not tested: set KEFU_TEST_POSTGRES to a connection string (docs/storage.md)");
        }
        var database = "kefu_kill_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return (new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString, database);
    }

    internal static async Task DropPostgresDatabase(string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("KEFU_TEST_POSTGRES"));
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection);
        // An autovacuum worker that has just entered the fresh database has no role, and PostgreSQL 15 refuses FORCE
        // to terminate it (42501, "must be a member of the role…"); it leaves within moments, so try again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 10)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }
}
