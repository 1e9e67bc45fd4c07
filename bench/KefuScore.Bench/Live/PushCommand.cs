using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace KefuScore.Bench.Live;

/// <summary>
/// <c>push --urls A,B --silo-ports SA,SB --key KEY [--events 200] [--gap-ms 300]</c> against two running silos of one
/// cluster (bench/push-run.sh starts them): creates a shop, finds the silo its grain went to (the "grain silo"), opens
/// the shop's changes stream on the other silo (the "watching silo"), then pushes one event at a time through the grain
/// silo and measures when the stream says the shop changed, from the push's acknowledgement and from its sending
/// (decisions §52). Events are spaced by the gap (longer than the grain's 250 ms coalescing interval, so each is
/// notified on its own).
/// </summary>
public static class PushCommand
{
    public static async Task<int> Run(string[] args)
    {
        string[] urls = [], siloPorts = [];
        string? key = null;
        int events = 200, gapMs = 300;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--urls": urls = Value().Split(','); break;
                case "--silo-ports": siloPorts = Value().Split(','); break;
                case "--key": key = Value(); break;
                case "--events": events = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--gap-ms": gapMs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        if (urls.Length != 2 || siloPorts.Length != 2 || key is null) throw new ArgumentException("push needs --urls A,B --silo-ports SA,SB --key KEY");
        var shop = "push-" + DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        await Push(http, urls[0], shop, "first");
        var cluster = JsonDocument.Parse(await http.GetStringAsync(urls[0] + "/api/v1/cluster")).RootElement;
        var holder = cluster.GetProperty("silos").EnumerateArray().Where(s => s.GetProperty("shops").GetInt32() > 0)
            .Select(s => s.GetProperty("address").GetString()!).ToList();
        var grainIndex = holder.Any(a => a.EndsWith(":" + siloPorts[0], StringComparison.Ordinal)) ? 0 : 1;
        var (grainSilo, watchingSilo) = (urls[grainIndex], urls[1 - grainIndex]);
        Console.Error.WriteLine($"shop {shop}: grain on {grainSilo}, watched on {watchingSilo}");

        using var stop = new CancellationTokenSource();
        var changed = Channel.CreateUnbounded<long>();
        var ready = new TaskCompletionSource();
        var response = await http.GetAsync($"{watchingSilo}/api/v1/shops/{shop}/changes", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var reading = Task.Run(async () =>
        {
            string? kind = null;
            try
            {
                while (await reader.ReadLineAsync(stop.Token) is { } line)
                {
                    if (line.StartsWith("event: ", StringComparison.Ordinal)) kind = line[7..];
                    else if (line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        if (kind == "ready") ready.TrySetResult();
                        else changed.Writer.TryWrite(Stopwatch.GetTimestamp());
                    }
                }
            }
            catch (OperationCanceledException) { }
        });
        await ready.Task.WaitAsync(TimeSpan.FromMinutes(1));

        var fromAck = new List<double>();
        var fromSend = new List<double>();
        var missed = 0;
        for (var i = 0; i < events; i++)
        {
            await Task.Delay(gapMs);
            while (changed.Reader.TryRead(out _)) { }
            var sent = Stopwatch.GetTimestamp();
            await Push(http, grainSilo, shop, "c" + i.ToString(CultureInfo.InvariantCulture));
            var acked = Stopwatch.GetTimestamp();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                var at = await changed.Reader.ReadAsync(wait.Token);
                fromAck.Add((at - acked) * 1000.0 / Stopwatch.Frequency);
                fromSend.Add((at - sent) * 1000.0 / Stopwatch.Frequency);
            }
            catch (OperationCanceledException) { missed++; }
        }
        await stop.CancelAsync();
        response.Dispose();
        await reading;

        Console.WriteLine($"{events} events pushed one at a time through the grain's silo, {gapMs} ms apart; {fromAck.Count} notified on the other silo, {missed} not within 30 s");
        Console.WriteLine($"acknowledgement -> notification: {Summary(fromAck)} (negative: the notification came first)");
        Console.WriteLine($"push sent -> notification:       {Summary(fromSend)}");
        return missed == 0 ? 0 : 1;
    }

    private static string Summary(List<double> ms)
    {
        if (ms.Count == 0) return "none";
        var s = ms.Order().ToList();
        double At(double q) => s[Math.Min(s.Count - 1, (int)Math.Ceiling(q * s.Count) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"median {At(0.5):0.0} ms, p99 {At(0.99):0.0} ms, min {s[0]:0.0} ms, max {s[^1]:0.0} ms");
    }

    private static async Task Push(HttpClient http, string url, string shop, string conversation)
    {
        var at = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
        var line = $$"""{"type":"message","id":"m-{{conversation}}","shop":"{{shop}}","at":"{{at}}","conversation":"{{conversation}}","customer":"u-{{conversation}}","sender":"customer","kind":"text","text":"在吗"}""";
        using var response = await http.PostAsync(url + "/api/v1/events", new StringContent(line + "\n", Encoding.UTF8, "application/x-ndjson"));
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"push to {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
