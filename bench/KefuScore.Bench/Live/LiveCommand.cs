using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace KefuScore.Bench.Live;

/// <summary>
/// <c>live --shops 1000 --rate 5000 --seconds 30</c>: starts the built server (Release) on loopback with a fresh SQLite
/// folder, subscribes a local webhook receiver for every shop, sets each shop's waiting alert to 5 s, then posts
/// events at the rate for the duration: customers writing, agents answering after 1–3 s, one conversation in ten answered
/// only after 12 s (so its waiting alert opens at 5 s and clears at 12 s). Measures when each opened alert reached the
/// receiver against the instant it became due (the payload's <c>due</c>), and how long after a probe event is sent the
/// shop's <c>/live</c> shows it.
/// </summary>
public static class LiveCommand
{
    private const string Key = "kefu_bench_live_key_0123456789";
    private const double WaitingSeconds = 5;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static int Run(string[] args)
    {
        int shops = 1000, rate = 5000, seconds = 30;
        string? server = null;
        var liveOff = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--shops": shops = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--rate": rate = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--server": server = Value(); break;
                case "--live-off": liveOff = true; break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        return RunAsync(shops, rate, seconds, server ?? FindServer(), liveOff).GetAwaiter().GetResult();
    }

    private static string FindServer()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var dll = Path.Combine(dir.FullName, "src", "KefuScore.Web", "bin", "Release", "net10.0", "KefuScore.Web.dll");
            if (File.Exists(dll)) return dll;
        }
        throw new ArgumentException("KefuScore.Web.dll (Release) not found: run `dotnet build src/KefuScore.Web -c Release` first, or pass --server PATH");
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static async Task<int> RunAsync(int shops, int rate, int seconds, string serverDll, bool liveOff)
    {
        var data = Path.Combine(Path.GetTempPath(), "kefu-bench-live-" + Guid.NewGuid().ToString("N"));
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var psi = new ProcessStartInfo("dotnet", [serverDll, "--urls", baseUrl]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["KEFU_DATA"] = data;
        psi.Environment["KEFU_BOOTSTRAP_API_KEY"] = Key;
        psi.Environment["KEFU_DEMO"] = "off";
        psi.Environment["KEFU_ADMIN_PASSWORD"] = "bench-admin-password";
        // The receiver listens on 127.0.0.1, which the webhook screen refuses unless an operator allows it.
        psi.Environment["Kefu__Webhooks__AllowedHosts"] = "127.0.0.1";
        if (liveOff) psi.Environment["KEFU_LIVE"] = "off";
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("the server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"server: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var receiver = new Receiver();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        try
        {
            await WaitHealthy(http);
            Console.Error.WriteLine($"live bench: server up on {baseUrl}; creating {shops} shops with a webhook each");
            var now = DateTimeOffset.UtcNow;
            var setup = new StringBuilder();
            for (var s = 0; s < shops; s++)
                setup.Append(CultureInfo.InvariantCulture, $$"""{"type":"agent_status","id":"st0","shop":"s{{s}}","agent":"a1","status":"online","capacity":50,"at":"{{now:O}}"}""").Append('\n');
            (await http.PostAsync("/api/v1/events", new StringContent(setup.ToString(), Encoding.UTF8, "application/x-ndjson"))).EnsureSuccessStatusCode();
            var rules = $$"""{"quiet_hours":null,"rules":[{"id":"waiting","kind":"waiting","threshold":{{WaitingSeconds}}}]}""";
            if (!liveOff) await Parallel.ForAsync(0, shops, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (s, ct) =>
            {
                (await http.PutAsync($"/api/v1/shops/s{s}/alert-rules", new StringContent(rules, Encoding.UTF8, "application/json"), ct)).EnsureSuccessStatusCode();
                (await http.PostAsync($"/api/v1/shops/s{s}/webhooks", new StringContent($$"""{"url":"{{receiver.Url}}"}""", Encoding.UTF8, "application/json"), ct)).EnsureSuccessStatusCode();
            });

            Console.Error.WriteLine($"live bench: posting {rate} events/s for {seconds} s");
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            var load = Load(http, shops, rate, cts.Token);
            var probes = liveOff ? Task.FromResult(Array.Empty<double>()) : Probes(http, shops, cts.Token);
            var (sent, failed, requests) = await load;
            var probeLatencies = await probes;
            // Alerts of the last conversations are due up to 5 s after the load stops.
            if (!liveOff) await Task.Delay(TimeSpan.FromSeconds(WaitingSeconds + 3));

            var latencies = receiver.Latencies.ToArray();
            Array.Sort(latencies);
            Array.Sort(probeLatencies);
            var posts = PostMilliseconds.ToArray();
            Array.Sort(posts);
            var result = new
            {
                shops, rate_asked = rate, seconds, live_monitor = !liveOff,
                events_sent = sent, post_ms = Stats(posts), events_per_second = Math.Round(sent / (double)seconds), requests, failed_requests = failed,
                webhook_alerts_received = latencies.Length,
                due_to_delivered_ms = Stats(latencies),
                live_probes = probeLatencies.Length,
                sent_to_visible_on_live_ms = Stats(probeLatencies),
            };
            Console.WriteLine(JsonSerializer.Serialize(result, Indented));
            return 0;
        }
        finally
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private static object Stats(double[] sorted) => sorted.Length == 0 ? new { p50 = (double?)null, p99 = (double?)null, max = (double?)null } : new
    {
        p50 = (double?)Math.Round(sorted[(int)(0.50 * (sorted.Length - 1))], 1),
        p99 = (double?)Math.Round(sorted[(int)(0.99 * (sorted.Length - 1))], 1),
        max = (double?)Math.Round(sorted[^1], 1),
    };

    private static async Task WaitHealthy(HttpClient http)
    {
        for (var i = 0; i < 600; i++)
        {
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new InvalidOperationException("the server did not answer /healthz within 60 s");
    }

    /// <summary>Every 100 ms one request with a tenth of a second's events: due replies first, then new customers.</summary>
    private static readonly ConcurrentBag<double> PostMilliseconds = [];

    private static async Task<(long Sent, long Failed, long Requests)> Load(HttpClient http, int shops, int rate, CancellationToken ct)
    {
        var random = new Random(5);
        var replies = new PriorityQueue<(int Shop, long Conversation), DateTimeOffset>();
        long conversation = 0, sent = 0, failed = 0, requests = 0, id = 0;
        var perTick = Math.Max(1, rate / 10);
        var inFlight = new List<Task>();
        var tick = TimeSpan.FromMilliseconds(100);
        var next = DateTimeOffset.UtcNow;
        while (!ct.IsCancellationRequested)
        {
            var now = DateTimeOffset.UtcNow;
            var body = new StringBuilder(perTick * 200);
            var n = 0;
            while (n < perTick && replies.TryPeek(out var r, out var due) && due <= now)
            {
                replies.Dequeue();
                body.Append(CultureInfo.InvariantCulture, $$"""{"type":"message","id":"e{{++id}}","shop":"s{{r.Shop}}","conversation":"c{{r.Conversation}}","sender":"agent","agent":"a1","at":"{{now:O}}"}""").Append('\n');
                n++;
            }
            while (n < perTick)
            {
                var shop = random.Next(shops);
                var c = ++conversation;
                body.Append(CultureInfo.InvariantCulture, $$"""{"type":"message","id":"e{{++id}}","shop":"s{{shop}}","conversation":"c{{c}}","customer":"u{{c}}","sender":"customer","at":"{{now:O}}"}""").Append('\n');
                var delay = random.NextDouble() < 0.1 ? 12.0 : 1 + 2 * random.NextDouble();
                replies.Enqueue((shop, c), now.AddSeconds(delay));
                n++;
            }
            var count = n;
            inFlight.RemoveAll(t => t.IsCompleted);
            if (inFlight.Count >= 8) await Task.WhenAny(inFlight);
            inFlight.Add(Task.Run(async () =>
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.PostAsync("/api/v1/events", new StringContent(body.ToString(), Encoding.UTF8, "application/x-ndjson"), CancellationToken.None);
                    PostMilliseconds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    if (response.IsSuccessStatusCode) Interlocked.Add(ref sent, count);
                    else Interlocked.Increment(ref failed);
                }
                catch (HttpRequestException) { Interlocked.Increment(ref failed); }
                Interlocked.Increment(ref requests);
            }, CancellationToken.None));
            next += tick;
            var wait = next - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                try { await Task.Delay(wait, ct); }
                catch (OperationCanceledException) { break; }
            }
        }
        await Task.WhenAll(inFlight);
        return (sent, failed, requests);
    }

    /// <summary>Twice a second: one customer message for a random shop, then <c>/live</c> until it lists the customer.</summary>
    private static async Task<double[]> Probes(HttpClient http, int shops, CancellationToken ct)
    {
        var random = new Random(7);
        var latencies = new List<double>();
        var n = 0;
        while (!ct.IsCancellationRequested)
        {
            var shop = $"s{random.Next(shops)}";
            var conversation = $"probe{++n}";
            var watch = Stopwatch.StartNew();
            var line = $$"""{"type":"message","id":"{{conversation}}","shop":"{{shop}}","conversation":"{{conversation}}","customer":"p{{n}}","sender":"customer","at":"{{DateTimeOffset.UtcNow:O}}"}""";
            try
            {
                var post = http.PostAsync("/api/v1/events", new StringContent(line, Encoding.UTF8, "application/x-ndjson"), CancellationToken.None);
                // Poll the page while the push is still on its way: the figure is from sending to the page showing it.
                while (watch.Elapsed < TimeSpan.FromSeconds(30))
                {
                    var live = await http.GetStringAsync($"/api/v1/shops/{shop}/live", CancellationToken.None);
                    if (live.Contains($"\"{conversation}\"", StringComparison.Ordinal))
                    {
                        latencies.Add(watch.Elapsed.TotalMilliseconds);
                        break;
                    }
                    await Task.Delay(5, CancellationToken.None);
                }
                (await post).Dispose();
            }
            catch (HttpRequestException) { }
            try { await Task.Delay(500, ct); }
            catch (OperationCanceledException) { break; }
        }
        return latencies.ToArray();
    }

    /// <summary>The webhook receiver: answers 200 and notes, for each opened alert, receipt − due in milliseconds.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;

        public Receiver()
        {
            Url = $"http://127.0.0.1:{FreePort()}/hook/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _loop = Task.Run(Loop);
        }

        public string Url { get; }
        public ConcurrentBag<double> Latencies { get; } = [];

        private async Task Loop()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
                var received = DateTimeOffset.UtcNow;
                _ = Task.Run(async () =>
                {
                    using var body = new MemoryStream();
                    await ctx.Request.InputStream.CopyToAsync(body);
                    ctx.Response.StatusCode = 200;
                    ctx.Response.Close();
                    using var doc = JsonDocument.Parse(body.ToArray());
                    var root = doc.RootElement;
                    if (root.GetProperty("event").GetString() != "alert.opened") return;
                    var due = root.GetProperty("alert").GetProperty("due").GetDateTimeOffset();
                    Latencies.Add((received - due).TotalMilliseconds);
                });
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
        }
    }
}
