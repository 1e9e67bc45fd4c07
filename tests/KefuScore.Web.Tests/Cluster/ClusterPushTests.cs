using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using KefuScore.App.Reading;
using KefuScore.App.Writing;
using KefuScore.Engine.Events;
using Xunit.Abstractions;

namespace KefuScore.Web.Tests.Cluster;

/// <summary>
/// Issue 15 item 2, the last part: a shop's pages are pushed from its grain, on whichever silo the browser is on. A
/// watcher on one silo (the changes stream, which watches the same notifier as the pages) hears of events stored by
/// the shop's grain on another silo, again after the grain has moved, and a burst of batches gives far fewer
/// notifications than batches but always one after the last.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterPushTests(ITestOutputHelper output)
{
    private const string Shop = "p1";

    [SkippableFact]
    public async Task A_watcher_on_one_silo_hears_of_events_stored_by_the_grain_on_the_other_and_a_burst_is_coalesced()
    {
        var (postgres, database) = await DurabilityTests.CreatePostgresDatabase();
        try
        {
            using var silos = await ClusterTests.Silos.Start(2, postgres);
            var (a, b) = await PlaceShop(silos);
            await using var watcher = await Watcher.Open(a, Shop);

            // (a) An event through B, where the grain lives: A is told, and A's live picture then shows it.
            Assert.Equal(1L, await Push(b, [Asked("c-a")]));
            await watcher.Next(TimeSpan.FromMinutes(1));
            Assert.Contains("c-a", await Waiting(a));

            // (c) 100 batches of one event, four at a time, through B: far fewer notifications than batches, and the
            // page that reads on each notification ends with all of them (a notification came after the last).
            await watcher.Quiet(TimeSpan.FromSeconds(2));
            var burst = Enumerable.Range(0, 100).Select(i => $"c-burst-{i:D3}").ToList();
            var started = Stopwatch.StartNew();
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < burst.Count) Assert.Equal(1L, await Push(b, [Asked(burst[i])]));
            })));
            var notified = 0;
            var seen = 0;
            var lastAt = TimeSpan.Zero;
            // Each notification is followed by a read, as a page does; wait (generously) until a read shows the last batch.
            while (seen < burst.Count)
            {
                await watcher.Next(TimeSpan.FromMinutes(1));
                notified++;
                lastAt = started.Elapsed;
                var waiting = await Waiting(a);
                seen = burst.Count(waiting.Contains);
            }
            // Anything still in flight for the burst arrives now.
            notified += await watcher.Quiet(TimeSpan.FromSeconds(2));
            output.WriteLine($"{burst.Count} batches in {started.ElapsedMilliseconds} ms gave {notified} notifications on the other silo");
            Assert.True(notified < burst.Count, $"{notified} notifications for {burst.Count} batches");
            // The rule itself: at most one per 250 ms, plus the first.
            Assert.True(notified <= 2 + (int)(lastAt.TotalMilliseconds / 250), $"{notified} notifications within {lastAt.TotalMilliseconds} ms");
        }
        finally
        {
            await DurabilityTests.DropPostgresDatabase(database);
        }
    }

    [SkippableFact]
    public async Task After_the_grain_moves_the_watcher_hears_of_the_next_event_again()
    {
        var (postgres, database) = await DurabilityTests.CreatePostgresDatabase();
        try
        {
            using var silos = await ClusterTests.Silos.Start(2, postgres);
            var (a, b) = await PlaceShop(silos);
            await using var watcher = await Watcher.Open(a, Shop);
            Assert.Equal(1L, await Push(b, [Asked("c-before")]));
            await watcher.Next(TimeSpan.FromMinutes(1));

            // B leaves: the grain's observers go with it. A hears of the membership change, subscribes again and so
            // brings the grain back on A (telling its watchers, since the grain is another activation).
            b.Stop();
            await Settled(a);
            await watcher.Quiet(TimeSpan.FromSeconds(3));
            var moved = Stopwatch.StartNew();
            Assert.Equal(1L, await PushUntilAnswered(a, [Asked("c-after")]));
            await watcher.Next(TimeSpan.FromMinutes(1));
            output.WriteLine($"notified {moved.ElapsedMilliseconds} ms after the push that followed the move");
            Assert.Contains("c-after", await Waiting(a));
        }
        finally
        {
            await DurabilityTests.DropPostgresDatabase(database);
        }
    }

    /// <summary>Creates the shop with a first event and names the silo its grain went to (b) and the other (a).</summary>
    private static async Task<(ServerProcess A, ServerProcess B)> PlaceShop(ClusterTests.Silos silos)
    {
        Assert.Equal(1L, await Push(silos[0], [Asked("c-first")]));
        var cluster = JsonDocument.Parse(await silos[0].Client.GetStringAsync("/api/v1/cluster")).RootElement;
        var holder = cluster.GetProperty("silos").EnumerateArray()
            .Single(s => s.GetProperty("shops").GetInt32() == 1).GetProperty("address").GetString()!;
        var bIndex = holder.EndsWith(":" + silos.SiloPort(0), StringComparison.Ordinal) ? 0 : 1;
        return (silos[1 - bIndex], silos[bIndex]);
    }

    /// <summary>A customer asking a minute ago: the shop's live picture lists the conversation as waiting.</summary>
    private static ChatEvent Asked(string conversation) => new()
    {
        Type = EventType.Message, Id = "m-" + conversation, Shop = Shop, Conversation = conversation, Customer = "u-" + conversation,
        Sender = Sender.Customer, Kind = MessageKind.Text, Text = "在吗?", At = DateTimeOffset.UtcNow.AddMinutes(-1).ToOffset(TimeSpan.FromHours(8)),
    };

    private static async Task<long> Push(ServerProcess silo, ChatEvent[] events)
    {
        using var stream = new MemoryStream();
        EventWriter.Write(stream, EventFileFormat.JsonLines, events);
        using var response = await silo.Client.PostAsync("/api/v1/events", new StringContent(Encoding.UTF8.GetString(stream.ToArray()), Encoding.UTF8, "application/x-ndjson"));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK) throw new HttpRequestException($"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("accepted").GetInt64();
    }

    private static async Task<long> PushUntilAnswered(ServerProcess silo, ChatEvent[] events)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try { return await Push(silo, events); }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && DateTime.UtcNow < deadline) { await Task.Delay(500); }
        }
    }

    /// <summary>Until the silo that is left sees itself alone and active (the lost one dead).</summary>
    private static async Task Settled(ServerProcess silo)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var silos = JsonDocument.Parse(await silo.Client.GetStringAsync("/api/v1/cluster")).RootElement.GetProperty("silos").EnumerateArray()
                .Select(s => s.GetProperty("status").GetString()).ToList();
            if (silos.Count(s => s == "active") == 1 && silos.Count(s => s == "dead") == 1) return;
            Assert.True(DateTime.UtcNow < deadline, "the cluster did not settle within two minutes");
            await Task.Delay(500);
        }
    }

    private static async Task<HashSet<string>> Waiting(ServerProcess silo)
    {
        var state = JsonDocument.Parse(await silo.Client.GetStringAsync($"/api/v1/shops/{Shop}/live")).RootElement;
        return [.. state.GetProperty("waiting").EnumerateArray().Select(w => w.GetProperty("conversation").GetString()!)];
    }

    /// <summary>The shop's changes stream on one silo (GET …/changes), read in the background.</summary>
    private sealed class Watcher : IAsyncDisposable
    {
        private readonly HttpClient _client;
        private readonly CancellationTokenSource _stop = new();
        private readonly Channel<string> _changed = Channel.CreateUnbounded<string>();
        private Task _reading = Task.CompletedTask;

        private Watcher(HttpClient client) => _client = client;

        public static async Task<Watcher> Open(ServerProcess silo, string shop)
        {
            var client = new HttpClient { BaseAddress = silo.Client.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", KefuServer.Key);
            var watcher = new Watcher(client);
            var response = await client.GetAsync($"/api/v1/shops/{shop}/changes", HttpCompletionOption.ResponseHeadersRead, watcher._stop.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            var reader = new StreamReader(await response.Content.ReadAsStreamAsync(watcher._stop.Token));
            var ready = new TaskCompletionSource();
            watcher._reading = Task.Run(async () =>
            {
                using (response)
                {
                    string? kind = null;
                    try
                    {
                        while (await reader.ReadLineAsync(watcher._stop.Token) is { } line)
                        {
                            if (line.StartsWith("event: ", StringComparison.Ordinal)) kind = line["event: ".Length..];
                            else if (line.StartsWith("data: ", StringComparison.Ordinal) && kind == "ready") ready.TrySetResult();
                            else if (line.StartsWith("data: ", StringComparison.Ordinal) && kind == "changed") watcher._changed.Writer.TryWrite(line["data: ".Length..]);
                        }
                    }
                    catch (OperationCanceledException) { }
                    catch (IOException) { }
                    finally { watcher._changed.Writer.TryComplete(); }
                }
            });
            // "ready" comes once the silo has subscribed to the shop's grain.
            await ready.Task.WaitAsync(TimeSpan.FromMinutes(1));
            return watcher;
        }

        /// <summary>The next "changed" for the shop; fails after <paramref name="timeout"/>.</summary>
        public async Task Next(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            string data;
            try { data = await _changed.Reader.ReadAsync(cts.Token); }
            catch (OperationCanceledException) { throw new TimeoutException($"no change notified within {timeout}"); }
            var root = JsonDocument.Parse(data).RootElement;
            Assert.Equal(Shop, root.GetProperty("shop").GetString());
            Assert.NotEmpty(root.GetProperty("what").EnumerateArray());
        }

        /// <summary>Takes notifications until none arrives for <paramref name="quiet"/>; how many it took.</summary>
        public async Task<int> Quiet(TimeSpan quiet)
        {
            var n = 0;
            while (true)
            {
                using var cts = new CancellationTokenSource(quiet);
                try { await _changed.Reader.ReadAsync(cts.Token); n++; }
                catch (OperationCanceledException) { return n; }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _reading;
            _client.Dispose();
            _stop.Dispose();
        }
    }
}
