using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using KefuScore.App.Live;
using KefuScore.App.Storage;
using KefuScore.Engine.Live;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.Web.Live;

/// <summary>Delivery settings: attempts per delivery, the first retry's delay (doubling after each failure), the request timeout.</summary>
public sealed record WebhookOptions(int MaxAttempts, TimeSpan FirstRetry, TimeSpan Timeout)
{
    public static WebhookOptions From(IConfiguration config) => new(
        int.TryParse(config["KEFU_WEBHOOK_ATTEMPTS"], CultureInfo.InvariantCulture, out var a) && a > 0 ? a : 6,
        TimeSpan.FromMilliseconds(double.TryParse(config["KEFU_WEBHOOK_FIRST_RETRY_MS"], CultureInfo.InvariantCulture, out var ms) && ms >= 0 ? ms : 1000),
        TimeSpan.FromSeconds(10));
}

/// <summary>
/// Posts alert transitions to the shop's webhooks: the body signed with HMAC-SHA256 under the subscription's secret
/// (<c>X-Kefu-Signature: sha256=&lt;hex&gt;</c>; the body carries its own timestamp, repeated in <c>X-Kefu-Timestamp</c>),
/// retried with exponential backoff on any non-2xx answer or network error, and kept in <c>webhook_dead_letters</c>
/// after the last attempt. Waits use the <see cref="TimeProvider"/>. Deliveries waiting for a retry live in memory:
/// a restart drops them (docs/live.md).
/// </summary>
public sealed class WebhookDispatcher : BackgroundService
{
    public const string Purpose = "KefuScore.Webhooks.Secret.v1";

    private sealed record Subscription(long Id, string Url, byte[] Secret, WebhookKind Kind, TimeZoneInfo Zone);

    private sealed record Delivery(string Shop, Subscription To, string Alert, int Attempt);

    private readonly Channel<(string Shop, string Alert)> _alerts = Channel.CreateUnbounded<(string, string)>();
    private readonly Channel<Delivery> _deliveries = Channel.CreateUnbounded<Delivery>();
    private readonly ConcurrentDictionary<string, IReadOnlyList<Subscription>> _subscriptions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly DbContextOptions<KefuDb> _db;
    private readonly IDataProtector _protector;
    private readonly ILogger<WebhookDispatcher> _log;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _parallel = new(64);

    public WebhookDispatcher(TimeProvider time, DbContextOptions<KefuDb> db, IDataProtectionProvider protection, WebhookOptions options, ILogger<WebhookDispatcher> log,
        WebhookTargets? targets = null)
    {
        _time = time;
        _db = db;
        _protector = protection.CreateProtector(Purpose);
        _log = log;
        Options = options;
        Targets = targets ?? new WebhookTargets([]);
        // Every connection resolves, screens and connects through the screen (against DNS rebinding); no redirects.
        _http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false, UseProxy = false, ConnectCallback = Targets.ConnectAsync,
        }) { Timeout = options.Timeout };
    }

    public WebhookOptions Options { get; }

    /// <summary>The screen every webhook target passes when it is added and at every delivery.</summary>
    public WebhookTargets Targets { get; }

    /// <summary>Deliveries that succeeded, with the attempt that made it (for tests and the benchmark).</summary>
    public event Action<string, int>? Delivered;

    /// <summary>Queues the transitions for every webhook of the shop; returns at once.</summary>
    public void Enqueue(string shop, IReadOnlyList<AlertTransition> transitions)
    {
        foreach (var t in transitions) _alerts.Writer.TryWrite((shop, AlertJson(shop, t)));
    }

    /// <summary>Forgets the cached subscriptions of a shop after they changed.</summary>
    public void Invalidate(string shop) => _subscriptions.TryRemove(shop, out _);

    /// <summary>Sends a dead letter again from its first attempt; false when there is no such letter or webhook.</summary>
    public async Task<bool> Retry(string shop, long deadLetter, CancellationToken ct)
    {
        await using var db = new KefuDb(_db);
        var row = await db.Set<WebhookDeadLetterRow>().SingleOrDefaultAsync(d => d.Id == deadLetter && d.Shop == shop, ct);
        if (row is null) return false;
        var to = (await SubscriptionsOf(shop, ct)).FirstOrDefault(s => s.Id == row.WebhookId);
        if (to is null) return false;
        db.Remove(row);
        await db.SaveChangesAsync(ct);
        _deliveries.Writer.TryWrite(new Delivery(shop, to, row.Payload, 1));
        return true;
    }

    /// <summary>The secret a new webhook signs with: 32 random bytes, shown once.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public string Protect(string secret) => _protector.Protect(secret);

    /// <summary>The signature header's value for a body: <c>sha256=</c> and the lower-case hex HMAC-SHA256 of the body's bytes.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Fanout(stoppingToken), Send(stoppingToken));

    /// <summary>One delivery per webhook of the alert's shop.</summary>
    private async Task Fanout(CancellationToken ct)
    {
        try
        {
            await foreach (var (shop, alert) in _alerts.Reader.ReadAllAsync(ct))
            {
                try
                {
                    foreach (var to in await SubscriptionsOf(shop, ct))
                        _deliveries.Writer.TryWrite(new Delivery(shop, to, alert, 1));
                }
                catch (Exception e) when (e is DbUpdateException or InvalidOperationException or CryptographicException)
                {
                    _log.LogError(e, "webhooks of shop {Shop} could not be read", shop);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    private async Task Send(CancellationToken ct)
    {
        try
        {
            await foreach (var d in _deliveries.Reader.ReadAllAsync(ct))
            {
                await _parallel.WaitAsync(ct);
                _ = Task.Run(async () =>
                {
                    try { await Attempt(d, ct); }
                    finally { _parallel.Release(); }
                }, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    /// <summary>The shop's roster as id → display name, read at each robot delivery (alerts are few; a renamed agent reads right at once).</summary>
    private async Task<IReadOnlyDictionary<string, string>> RosterNames(string shop, CancellationToken ct)
    {
        await using var db = new KefuDb(_db);
        return (await AgentRoster.Get(db, shop, ct)).ToDictionary(e => e.Agent, e => e.Name, StringComparer.Ordinal);
    }

    private async Task Attempt(Delivery d, CancellationToken ct)
    {
        string error;
        try
        {
            var sent = _time.GetUtcNow();
            using var request = d.To.Kind == WebhookKind.Kefu
                ? KefuRequest(d, sent)
                : GroupRobot.Request(d.To.Kind, d.To.Url, Encoding.UTF8.GetString(d.To.Secret), d.Alert, sent, d.To.Zone, await RosterNames(d.Shop, ct));
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            // A robot refuses with 200 and an error code in its answer (read up to 4 KiB): a failed attempt too.
            var refused = response.IsSuccessStatusCode && d.To.Kind != WebhookKind.Kefu ? GroupRobot.Refusal(await Head(response, ct)) : null;
            if (response.IsSuccessStatusCode && refused is null)
            {
                Delivered?.Invoke(d.Shop, d.Attempt);
                return;
            }
            // The status code only: the reason phrase and the body are the target's words, and a dead letter must
            // not tell its reader what an internal service answered.
            error = refused ?? $"HTTP {(int)response.StatusCode}";
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or WebhookTargetRefusedException)
        {
            error = Reason(e);
        }

        if (d.Attempt < Options.MaxAttempts)
        {
            // 1 s, 2 s, 4 s, … after the first, second, third failure.
            var wait = Options.FirstRetry * Math.Pow(2, d.Attempt - 1);
            try { await Task.Delay(wait, _time, ct); }
            catch (OperationCanceledException) { return; }
            _deliveries.Writer.TryWrite(d with { Attempt = d.Attempt + 1 });
            return;
        }
        try
        {
            await using var db = new KefuDb(_db);
            db.Add(new WebhookDeadLetterRow
            {
                WebhookId = d.To.Id, Shop = d.Shop, Url = d.To.Url, Payload = d.Alert, Attempts = d.Attempt,
                LastError = error.Length > 500 ? error[..500] : error, FailedTicks = _time.GetUtcNow().UtcTicks,
            });
            await db.SaveChangesAsync(ct);
            _log.LogWarning("webhook {Webhook} of shop {Shop}: dead letter after {Attempts} attempts ({Error})", d.To.Id, d.Shop, d.Attempt, error);
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or OperationCanceledException)
        {
            _log.LogError(e, "webhook {Webhook}: the dead letter could not be stored", d.To.Id);
        }
    }

    private static HttpRequestMessage KefuRequest(Delivery d, DateTimeOffset sent)
    {
        var body = Body(d.Alert, sent, d.Attempt);
        var request = new HttpRequestMessage(HttpMethod.Post, d.To.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("X-Kefu-Signature", Sign(body, Encoding.UTF8.GetString(d.To.Secret)));
        request.Headers.Add("X-Kefu-Timestamp", sent.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-Kefu-Attempt", d.Attempt.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-Kefu-Delivery", DeliveryId(d.To.Id, d.Alert));
        return request;
    }

    /// <summary>The first 4 KiB of an answer, as text.</summary>
    private static async Task<string> Head(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[4096];
        var n = 0;
        while (n < buffer.Length && await stream.ReadAsync(buffer.AsMemory(n), ct) is var read and > 0) n += read;
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    /// <summary>A short, fixed reason for a failed attempt ("timeout", "connection refused", …), never the exception's own text.</summary>
    internal static string Reason(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is WebhookTargetRefusedException refused) return "refused by the target screen: " + refused.Message;
        if (e is TaskCanceledException) return "timeout";
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is SocketException s)
                return s.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.TimedOut => "timeout",
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
                    SocketError.HostUnreachable or SocketError.NetworkUnreachable => "unreachable",
                    SocketError.ConnectionReset => "connection reset",
                    _ => "network error",
                };
        if (e is HttpRequestException h)
            return h.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => "host not found",
                HttpRequestError.ConnectionError => "connection failed",
                HttpRequestError.SecureConnectionError => "TLS failure",
                HttpRequestError.ResponseEnded => "connection closed before an answer",
                HttpRequestError.InvalidResponse or HttpRequestError.HttpProtocolError => "invalid answer",
                _ => "network error",
            };
        return "network error";
    }

    private async Task<IReadOnlyList<Subscription>> SubscriptionsOf(string shop, CancellationToken ct)
    {
        if (_subscriptions.TryGetValue(shop, out var cached)) return cached;
        await using var db = new KefuDb(_db);
        var rows = await db.Set<WebhookRow>().AsNoTracking().Where(w => w.Shop == shop).ToListAsync(ct);
        // Robots' messages give times in the shop's zone.
        var profile = await db.Shops.Where(s => s.Id == shop).Select(s => s.Profile).SingleOrDefaultAsync(ct);
        var zone = rows.Count == 0 || profile is null ? TimeZoneInfo.Utc : (await KefuScore.App.Profiles.StoredProfiles.Compile(db, profile, ct)).Zone;
        var list = rows.Select(r => new Subscription(r.Id, r.Url, Encoding.UTF8.GetBytes(r.ProtectedSecret.Length == 0 ? "" : _protector.Unprotect(r.ProtectedSecret)),
            GroupRobot.TryParse(r.Kind, out var kind) ? kind : WebhookKind.Kefu, zone)).ToList();
        _subscriptions[shop] = list;
        return list;
    }

    /// <summary>The alert part of a webhook body (kept in dead letters as it is).</summary>
    /// <summary>
    /// The id receivers deduplicate on (<c>X-Kefu-Delivery</c>): the same for every attempt, a dead letter sent again,
    /// and the same transition sent again by another silo after a shop's grain moved (docs/scale.md), because it is
    /// drawn from the webhook and the alert body without its evaluation instant <c>at</c>, which is all data: the
    /// shop, opened or cleared, rule, cause and the instant the cause began. 32 lower-case hex characters.
    /// </summary>
    internal static string DeliveryId(long webhook, string alert)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(alert)!.AsObject();
        node.Remove("at");
        var text = webhook.ToString(CultureInfo.InvariantCulture) + "\n" + node.ToJsonString();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }

    internal static string AlertJson(string shop, AlertTransition t)
    {
        var a = t.Alert;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("event", t.Opened ? "alert.opened" : "alert.cleared");
            w.WriteString("shop", shop);
            w.WriteString("at", t.At.ToString("O", CultureInfo.InvariantCulture));
            w.WriteStartObject("alert");
            w.WriteString("rule", a.Rule);
            w.WriteString("kind", AlertRule.KindName(a.Kind));
            w.WriteString("cause", a.Cause);
            WriteOrNull(w, "conversation", a.Conversation);
            WriteOrNull(w, "agent", a.Agent);
            WriteOrNull(w, "metric", a.Metric);
            w.WriteString("since", a.Since.ToString("O", CultureInfo.InvariantCulture));
            w.WriteString("due", a.DueAt.ToString("O", CultureInfo.InvariantCulture));
            if (a.Value is { } v) w.WriteNumber("value", Math.Round(v, 6));
            else w.WriteNull("value");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The body of one attempt: the alert with the sending instant, so the signature covers the timestamp.</summary>
    internal static byte[] Body(string alert, DateTimeOffset sent, int attempt)
    {
        // {"event":…} + ,"sent_at":…,"attempt":n}
        var tail = $",\"sent_at\":\"{sent.ToString("O", CultureInfo.InvariantCulture)}\",\"attempt\":{attempt.ToString(CultureInfo.InvariantCulture)}}}";
        return Encoding.UTF8.GetBytes(string.Concat(alert.AsSpan(0, alert.Length - 1), tail));
    }

    private static void WriteOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    public override void Dispose()
    {
        _http.Dispose();
        _parallel.Dispose();
        base.Dispose();
    }
}
