using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using KefuScore.App.Reading;
using KefuScore.App.Writing;
using KefuScore.Engine.Events;
using KefuScore.Engine.Simulation;

namespace KefuScore.Bench.EndToEnd;

/// <summary>
/// <c>ingest --url URL[,URL…] --key KEY --events N [--batch 5000] [--clients 4] [--shops 30]</c>: a bounded HTTP load
/// run against a running server (<c>kefu serve</c>), or the silos of a cluster (bench/cluster-run.sh). Simulated events in time order (as live integrations send them) are
/// cut into NDJSON requests before the clock starts; <c>--clients</c> connections post them as fast as the server
/// answers. <c>--skip S</c> leaves out the stream's first S events (a warm-up run sent them with <c>--stream</c>, the same simulated stream's length). Prints events/s over the whole run and request latency percentiles; fails unless every request is 200.
/// <c>--rate R</c>: request i is due at i × batch ÷ R seconds (an open loop at R events a second offered, up to
/// <c>--clients</c> requests in flight), and its latency counts from when it was due, so a server or client that falls
/// behind shows as latency rather than as a slower schedule (latency below saturation, where the closed loop only
/// measures a full queue).
/// </summary>
public static class IngestCommand
{
    /// <summary>A simulated shop day holds about this many events.</summary>
    private const long EventsPerShopDay = 1_600;

    /// <summary>
    /// The stream's events SKIP to SKIP+N in time order, from enough simulated days. With many shops a day holds far
    /// more than the run sends (30,000 shops: about 48M events; the process was at 15 GB when stopped), so the simulation is cut at an hour
    /// (<see cref="SimulationOptions.Hours"/>), doubled until it holds enough: a cut run's events are the whole run's
    /// first ones, so the stream is the same whatever the cut.
    /// </summary>
    private static (SimulationOptions Sim, List<ChatEvent> Events) Generate(Options options)
    {
        var needed = Math.Max(options.Stream, options.Skip + options.Events);
        var perDay = options.Shops * EventsPerShopDay;
        var sim = new SimulationOptions { Shops = options.Shops, Days = Math.Max(1, (int)(needed / perDay) + 1), Seed = options.Seed };
        // The whole run when it is not much larger than what is needed; else an hour count from the average rate,
        // four times over (traffic is low at night, when a day starts).
        int? hours = perDay * sim.Days > 4 * needed ? (int)Math.Clamp(4 * needed * 24 / perDay + 1, 1, sim.Days * 24L) : null;
        while (true)
        {
            var cut = sim with { Hours = hours };
            var events = Simulator.Generate(cut).OrderBy(e => e.At).Skip((int)options.Skip).Take((int)options.Events).ToList();
            if (hours is not { } h || events.Count == options.Events || h == sim.Days * 24) return (cut, events);
            hours = Math.Min(h * 2, sim.Days * 24);
        }
    }

    public static async Task<int> Run(Options options)
    {
        if (options.Url is null || options.Key is null || options.Events <= 0)
            throw new ArgumentException("ingest needs --url, --key and --events");
        var (sim, events) = Generate(options);
        var bodies = new List<byte[]>();
        foreach (var chunk in events.Chunk(options.Batch))
        {
            using var buffer = new MemoryStream();
            EventWriter.Write(buffer, EventFileFormat.JsonLines, chunk);
            bodies.Add(buffer.ToArray());
        }
        Console.Error.WriteLine($"{events.Count:N0} events ({sim.Shops} shops, from {events[0].At:yyyy-MM-dd} to {events[^1].At:yyyy-MM-dd}) in {bodies.Count} requests of up to {options.Batch}; {options.Clients} clients");

        // --url A,B,C: the servers of a cluster; client k starts on server k mod N, and a request that fails (a silo
        // gone, or a 5xx while the cluster notices) is sent again to the next server, for up to two minutes.
        var urls = options.Url.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var https = urls.Select(u =>
        {
            var h = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Clients }) { BaseAddress = new Uri(u), Timeout = TimeSpan.FromMinutes(2) };
            h.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Key);
            return h;
        }).ToList();
        var latencies = new double[bodies.Count];
        var failures = 0;
        var retries = 0;
        var busy = 0;
        long accepted = 0, duplicates = 0;
        var next = -1;
        var watch = Stopwatch.StartNew();
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(async client =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Count)
            {
                var started = Stopwatch.GetTimestamp();
                if (options.Rate > 0)
                {
                    started = start + (long)((double)i * options.Batch / options.Rate * Stopwatch.Frequency);
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), started);
                    if (wait > TimeSpan.Zero) await Task.Delay(wait);
                }
                var server = client % https.Count;
                var deadline = DateTime.UtcNow.AddMinutes(2);
                while (true)
                {
                    string? error;
                    try
                    {
                        using var content = new ByteArrayContent(bodies[i]);
                        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                        using var response = await https[server].PostAsync("/api/v1/events", content);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            using var answer = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                            Interlocked.Add(ref accepted, answer.RootElement.GetProperty("accepted").GetInt64());
                            Interlocked.Add(ref duplicates, answer.RootElement.GetProperty("duplicates").GetInt64());
                            break;
                        }
                        error = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                        // A server whose ingestion queue is full (503), or a key past its rate (429), says when to
                        // come back: the same request is sent again then, to the next server, within the two minutes.
                        if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests
                            && response.Headers.RetryAfter?.Delta is { } wait && DateTime.UtcNow + wait < deadline)
                        {
                            Interlocked.Increment(ref busy);
                            server = (server + 1) % https.Count;
                            await Task.Delay(wait);
                            continue;
                        }
                        if ((int)response.StatusCode < 500 || https.Count == 1)
                        {
                            Interlocked.Increment(ref failures);
                            Console.Error.WriteLine($"request {i}: {error}");
                            break;
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException && https.Count > 1) { error = e.Message; }
                    if (DateTime.UtcNow > deadline)
                    {
                        Interlocked.Increment(ref failures);
                        Console.Error.WriteLine($"request {i}: gave up after two minutes ({error})");
                        break;
                    }
                    Interlocked.Increment(ref retries);
                    server = (server + 1) % https.Count;
                    await Task.Delay(200);
                }
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        watch.Stop();
        foreach (var h in https) h.Dispose();
        Array.Sort(latencies);
        double P(double q) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(q * latencies.Length) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{events.Count:N0} events in {watch.Elapsed.TotalSeconds:F2} s: {events.Count / watch.Elapsed.TotalSeconds:N0} events/s{(options.Rate > 0 ? $" (offered {options.Rate:N0})" : "")}; " +
            $"request latency p50 {P(0.5):F0} ms, p99 {P(0.99):F0} ms, max {latencies[^1]:F0} ms; {accepted:N0} accepted, {duplicates:N0} duplicates, {failures} failed requests, {retries} sent again, {busy} answered busy (503/429) and sent after Retry-After"));
        return failures == 0 ? 0 : 1;
    }
}
