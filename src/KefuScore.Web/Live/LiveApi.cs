using System.Globalization;
using System.Text.Json;
using KefuScore.App.Live;
using KefuScore.App.Storage;
using KefuScore.Engine.Live;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.Web.Live;

/// <summary>
/// <c>GET /api/v1/shops/{shop}/live</c>: who waits, agents' load, today's metrics and projections, alerts.
/// <c>GET/PUT …/alert-rules</c>; <c>GET/POST/DELETE …/webhooks</c>; <c>GET …/webhooks/dead-letters</c> and
/// <c>POST …/webhooks/dead-letters/{id}/retry</c>. Every one checks that the key covers the shop (docs/live.md).
/// </summary>
internal static class LiveApi
{
    public static void MapLiveApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/shops/{shop}/live", Live)
            .RequireNeed(Need.ReadOwn).WithName("ShopLive").WithSummary("The shop now: waiting customers, agents' load, today's metrics with projections, open alerts")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces<ApiError>(StatusCodes.Status403Forbidden).Produces<ApiError>(StatusCodes.Status404NotFound);
        api.MapGet("/shops/{shop}/changes", Changes)
            .RequireNeed(Need.ReadOwn).WithName("ShopChanges").WithSummary("Server-sent events: one `changed` event each time the shop's events or live picture change (coalesced), after a first `ready`")
            .WithDescription("text/event-stream. `ready` once the server will report the shop's changes; then `changed` with {\"shop\",\"what\":[\"events\"|\"live\"]}: read the report or /live again. At most a few a second; on a cluster, from whichever silo the stream is open on.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .Produces<ApiError>(StatusCodes.Status403Forbidden).Produces<ApiError>(StatusCodes.Status404NotFound);
        api.MapGet("/shops/{shop}/alert-rules", GetRules)
            .RequireNeed(Need.ReadShop).WithName("GetAlertRules").WithSummary("The shop's alert rules and quiet hours (the defaults until changed)")
            .Produces(StatusCodes.Status200OK, contentType: "application/json");
        api.MapPut("/shops/{shop}/alert-rules", PutRules)
            .RequireNeed(Need.ManageShop).WithName("PutAlertRules").WithSummary("Replace the shop's alert rules and quiet hours")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").Produces(StatusCodes.Status400BadRequest);
        api.MapGet("/shops/{shop}/webhooks", ListWebhooks)
            .RequireNeed(Need.ManageShop).WithName("ListWebhooks").WithSummary("The shop's webhooks (secrets are never shown again)").Produces<List<WebhookItem>>();
        api.MapPost("/shops/{shop}/webhooks", AddWebhook)
            .RequireNeed(Need.ManageShop).WithName("AddWebhook").WithSummary("Subscribe a URL to the shop's alerts; the answer shows the signing secret once")
            .Produces<NewWebhook>(StatusCodes.Status201Created).Produces<ApiError>(StatusCodes.Status400BadRequest);
        api.MapDelete("/shops/{shop}/webhooks/{id:long}", DeleteWebhook)
            .RequireNeed(Need.ManageShop).WithName("DeleteWebhook").WithSummary("Remove a webhook").Produces(StatusCodes.Status204NoContent).Produces<ApiError>(StatusCodes.Status404NotFound);
        api.MapGet("/shops/{shop}/webhooks/dead-letters", DeadLetters)
            .RequireNeed(Need.ManageShop).WithName("WebhookDeadLetters").WithSummary("Deliveries that failed every attempt").Produces<List<DeadLetterItem>>();
        api.MapPost("/shops/{shop}/webhooks/dead-letters/{id:long}/retry", Retry)
            .RequireNeed(Need.ManageShop).WithName("RetryDeadLetter").WithSummary("Send a dead letter again").Produces(StatusCodes.Status202Accepted).Produces<ApiError>(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> Live(HttpContext http, LiveMonitor monitor, string shop)
    {
        if (!ApiKeyFilter.Grant(http).Covers(shop)) return ApiKeyFilter.Forbidden(shop);
        var state = await Cluster.ClusterLive.State(http.RequestServices, monitor, shop);
        if (state is null) return NotFound($"shop '{shop}' is not known");
        // An agent's sign-in: their own status row and the alerts about them; no queue, no shop figures (as the live page).
        if (ApiKeyFilter.Grant(http).AgentIn(shop) is { } own)
            state = state with
            {
                Waiting = [], HeadingForNotServed = [], TodayMetrics = [],
                Agents = state.Agents.Where(a => a.Agent == own).ToList(), Alerts = state.Alerts.Where(a => a.Agent == own).ToList(),
            };
        return Results.Bytes(LiveJson.Write(state, monitor.ProfileOf(shop)!.Zone), "application/json; charset=utf-8");
    }

    /// <summary>
    /// The shop's changes as server-sent events, through the notifier the dashboard's pages watch
    /// (<see cref="ShopChanges"/>): integrations redraw as the pages do, and the cluster tests watch a silo with it.
    /// </summary>
    private static async Task<IResult> Changes(HttpContext http, ShopChanges changes, KefuDb db, string shop, CancellationToken ct)
    {
        if (!ApiKeyFilter.Grant(http).Covers(shop)) return ApiKeyFilter.Forbidden(shop);
        if (!await db.Shops.AnyAsync(s => s.Id == shop, ct)) return NotFound($"shop '{shop}' is not known");
        return TypedResults.ServerSentEvents(ChangeStream(http.RequestServices, changes, shop, ct));
    }

    private static async IAsyncEnumerable<System.Net.ServerSentEvents.SseItem<string>> ChangeStream(IServiceProvider services, ShopChanges changes, string shop,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var queue = System.Threading.Channels.Channel.CreateUnbounded<ShopChange>(new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });
        using var live = changes.Watch(shop, _ => queue.Writer.TryWrite(ShopChange.Live), ShopChange.Live);
        using var events = changes.Watch(shop, _ => queue.Writer.TryWrite(ShopChange.Events), ShopChange.Events);
        // On a cluster "ready" waits for this silo's subscription to the shop's grain (once; it is renewed in the background).
        if (services.GetService<Cluster.ShopSubscriptions>() is { } subscriptions) await subscriptions.Subscribe(shop, ct);
        yield return new("{}", "ready");
        while (await queue.Reader.WaitToReadAsync(ct))
        {
            // One raise of both kinds reaches both watches: what is queued now goes out as one event.
            var what = ShopChange.None;
            while (queue.Reader.TryRead(out var w)) what |= w;
            var kinds = string.Join(",", new[] { (ShopChange.Events, "\"events\""), (ShopChange.Live, "\"live\"") }.Where(k => what.HasFlag(k.Item1)).Select(k => k.Item2));
            yield return new($"{{\"shop\":{JsonSerializer.Serialize(shop)},\"what\":[{kinds}]}}", "changed");
        }
    }

    private static IResult GetRules(HttpContext http, LiveMonitor monitor, string shop)
    {
        if (!ApiKeyFilter.Grant(http).Covers(shop)) return ApiKeyFilter.Forbidden(shop);
        var rules = monitor.Rules(shop);
        return rules is null ? NotFound($"shop '{shop}' is not known") : Results.Text(AlertRulesJson.Write(rules), "application/json; charset=utf-8");
    }

    private static async Task<IResult> PutRules(HttpContext http, LiveMonitor monitor, KefuDb db, TimeProvider time, string shop, CancellationToken ct)
    {
        if (!ApiKeyFilter.Grant(http).Covers(shop)) return ApiKeyFilter.Forbidden(shop);
        var profile = monitor.ProfileOf(shop);
        if (profile is null) return NotFound($"shop '{shop}' is not known");
        using var reader = new StreamReader(http.Request.Body);
        var text = await reader.ReadToEndAsync(ct);
        if (text.Length > 64 * 1024) return BadRequest("the rule set is larger than 64 KiB");
        var (json, errors) = await LiveSettings.SaveRules(db, monitor, time, profile, shop, text, ct);
        if (json is null) return Results.Json(new { errors = errors.Select(e => new { field = e.Field, reason = e.Reason }) }, statusCode: StatusCodes.Status400BadRequest);
        return Results.Text(json, "application/json; charset=utf-8");
    }

    private static async Task<IResult> ListWebhooks(HttpContext http, KefuDb db, string shop, CancellationToken ct)
    {
        if (!ApiKeyFilter.Grant(http).Covers(shop)) return ApiKeyFilter.Forbidden(shop);
        var rows = await LiveSettings.Webhooks(db, shop, ct);
        return Results.Ok(rows.Select(r => new WebhookItem(r.Id, r.Url, new DateTimeOffset(r.CreatedTicks, TimeSpan.Zero), r.Kind)).ToList());
    }

    private static async Task<IResult> AddWebhook(HttpContext http, KefuDb db, WebhookDispatcher webhooks, LiveMonitor monitor, TimeProvider time, string shop, NewWebhookRequest? request, CancellationToken ct)
    {
        if (!ApiKeyFilter.Grant(http).Covers(shop)) return ApiKeyFilter.Forbidden(shop);
        if (monitor.ProfileOf(shop) is null) return NotFound($"shop '{shop}' is not known");
        var kind = WebhookKind.Kefu;
        if (request?.Kind is { } k && !GroupRobot.TryParse(k, out kind)) return BadRequest($"kind: '{k}' is not one of kefu, wecom, dingtalk, feishu");
        if (LiveSettings.CheckRobotSecret(request?.Secret) is { } bad) return BadRequest("secret: " + bad);
        var (uri, refused) = await LiveSettings.CheckWebhookUrl(webhooks, request?.Url, ct);
        if (uri is null) return BadRequest("url: " + refused);
        var (row, secret) = await LiveSettings.AddWebhook(db, webhooks, time, shop, uri, kind, request?.Secret, ct);
        return Results.Json(new NewWebhook(row.Id, row.Url, secret, row.Kind), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> DeleteWebhook(HttpContext http, KefuDb db, WebhookDispatcher webhooks, string shop, long id, CancellationToken ct)
    {
        if (!ApiKeyFilter.Grant(http).Covers(shop)) return ApiKeyFilter.Forbidden(shop);
        return !await LiveSettings.DeleteWebhook(db, webhooks, shop, id, ct) ? NotFound($"webhook {id} of shop '{shop}' does not exist") : Results.NoContent();
    }

    private static async Task<IResult> DeadLetters(HttpContext http, KefuDb db, string shop, CancellationToken ct)
    {
        if (!ApiKeyFilter.Grant(http).Covers(shop)) return ApiKeyFilter.Forbidden(shop);
        var rows = await LiveSettings.DeadLetters(db, shop, ct);
        return Results.Ok(rows.Select(r => new DeadLetterItem(r.Id, r.WebhookId, r.Url, r.Attempts, r.LastError,
            new DateTimeOffset(r.FailedTicks, TimeSpan.Zero), JsonDocument.Parse(r.Payload).RootElement)).ToList());
    }

    private static async Task<IResult> Retry(HttpContext http, WebhookDispatcher webhooks, string shop, long id, CancellationToken ct)
    {
        if (!ApiKeyFilter.Grant(http).Covers(shop)) return ApiKeyFilter.Forbidden(shop);
        return await webhooks.Retry(shop, id, ct)
            ? Results.Accepted()
            : NotFound($"dead letter {id} of shop '{shop}' does not exist (or its webhook was removed)");
    }

    private static IResult BadRequest(string message) => Results.Json(new ApiError(message), statusCode: StatusCodes.Status400BadRequest);

    private static IResult NotFound(string message) => Results.Json(new ApiError(message), statusCode: StatusCodes.Status404NotFound);
}

/// <param name="Kind">kefu (default: signed JSON), wecom, dingtalk or feishu (a group robot's message).</param>
/// <param name="Secret">A 钉钉 or 飞书 robot's signing secret (加签 / 签名校验), when it has one.</param>
internal sealed record NewWebhookRequest(string? Url, string? Kind = null, string? Secret = null);

/// <summary>A new webhook: its secret appears here once and never again.</summary>
internal sealed record NewWebhook(long Id, string Url, string? Secret, string Kind);

internal sealed record WebhookItem(long Id, string Url, DateTimeOffset Created, string Kind);

internal sealed record DeadLetterItem(long Id, long Webhook, string Url, int Attempts, string LastError, DateTimeOffset Failed, JsonElement Payload);

/// <summary>The <c>/live</c> JSON, instants in the profile's zone.</summary>
internal static class LiveJson
{
    public static byte[] Write(LiveState s, TimeZoneInfo zone)
    {
        string Time(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("at", Time(s.At));
            w.WriteStartArray("waiting");
            foreach (var x in s.Waiting)
            {
                w.WriteStartObject();
                w.WriteString("conversation", x.Conversation);
                if (x.Customer is null) w.WriteNull("customer");
                else w.WriteString("customer", x.Customer);
                w.WriteString("since", Time(x.Since));
                w.WriteNumber("seconds", Math.Round(x.Seconds, 3));
                w.WriteNumber("messages", x.Messages);
                if (x.CountedSince is { } counted) w.WriteString("counted_since", Time(counted));
                else w.WriteNull("counted_since");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("agents");
            foreach (var a in s.Agents)
            {
                w.WriteStartObject();
                w.WriteString("agent", a.Agent);
                w.WriteString("status", a.Status);
                w.WriteNumber("active", a.Active);
                w.WriteNumber("capacity", a.Capacity);
                w.WriteNumber("saturation", Math.Round(a.Saturation, 4));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("today");
            foreach (var m in s.TodayMetrics)
            {
                w.WriteStartObject(m.Metric);
                Number(w, "value", m.Value);
                Number(w, "projected", m.Projected);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteStartArray("alerts");
            foreach (var a in s.Alerts)
            {
                w.WriteStartObject();
                w.WriteString("rule", a.Rule);
                if (a.Conversation is null) w.WriteNull("conversation");
                else w.WriteString("conversation", a.Conversation);
                w.WriteString("since", Time(a.Since));
                w.WriteString("state", a.State == AlertState.Open ? "open" : "quiet");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) w.WriteNumber(name, Math.Round(v, 6));
        else w.WriteNull(name);
    }
}
