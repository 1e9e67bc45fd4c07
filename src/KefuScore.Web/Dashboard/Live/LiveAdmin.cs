using System.Text.Json;
using KefuScore.App.Live;
using KefuScore.App.Storage;
using KefuScore.Engine.Live;
using KefuScore.Engine.Profiles;
using KefuScore.Web.Live;
using Microsoft.EntityFrameworkCore;
using KefuScore.Engine.Text;

namespace KefuScore.Web.Dashboard.Live;

/// <summary>
/// What the live pages do besides watching, for a signed-in supervisor over the circuit: the API's own steps
/// (<see cref="LiveSettings"/>), so the page and the API store and refuse exactly the same things.
/// </summary>
public static class LiveAdmin
{
    /// <summary>Admins and the shop's supervisors: a grant covering the shop and not limited to one agent.</summary>
    public static bool MayManage(ApiKeyGrant grant, string shop) => grant.Covers(shop) && grant.AgentIn(shop) is null;

    /// <summary>Checks, stores and applies a rule set; the errors (nothing stored) when it is refused.</summary>
    public static async Task<IReadOnlyList<AlertRuleError>> SaveRules(KefuDb db, LiveMonitor monitor, TimeProvider time, string shop, string json, CancellationToken ct = default)
    {
        var profile = monitor.ProfileOf(shop);
        if (profile is null) return [new AlertRuleError("", new Msg(Codes.AlertUnknownShop, shop))];
        return (await LiveSettings.SaveRules(db, monitor, time, profile, shop, json, ct)).Errors;
    }

    public sealed record Hook(long Id, string Url, DateTimeOffset Created, WebhookKind Kind);

    public sealed record DeadLetter(long Id, long Webhook, string Url, int Attempts, string LastError, DateTimeOffset Failed, string Event, string Rule);

    public static async Task<IReadOnlyList<Hook>> Webhooks(KefuDb db, string shop, CancellationToken ct = default)
    {
        var rows = await LiveSettings.Webhooks(db, shop, ct);
        return rows.Select(r => new Hook(r.Id, r.Url, new DateTimeOffset(r.CreatedTicks, TimeSpan.Zero), GroupRobot.TryParse(r.Kind, out var k) ? k : WebhookKind.Kefu)).ToList();
    }

    /// <summary>Adds a webhook; the secret (shown once) or the reason the URL is refused.</summary>
    public static async Task<(string? Secret, string? Error)> AddWebhook(KefuDb db, WebhookDispatcher webhooks, TimeProvider time, string shop, string? url,
        WebhookKind kind = WebhookKind.Kefu, string? robotSecret = null, CancellationToken ct = default)
    {
        if (LiveSettings.CheckRobotSecret(robotSecret) is { } bad) return (null, bad);
        var (uri, refused) = await LiveSettings.CheckWebhookUrl(webhooks, url, ct);
        if (uri is null) return (null, refused);
        var (_, secret) = await LiveSettings.AddWebhook(db, webhooks, time, shop, uri, kind, robotSecret, ct);
        return (secret, null);
    }

    public static Task<bool> DeleteWebhook(KefuDb db, WebhookDispatcher webhooks, string shop, long id, CancellationToken ct = default) =>
        LiveSettings.DeleteWebhook(db, webhooks, shop, id, ct);

    public static async Task<IReadOnlyList<DeadLetter>> DeadLetters(KefuDb db, string shop, CancellationToken ct = default)
    {
        var rows = await LiveSettings.DeadLetters(db, shop, ct);
        return rows.Select(r =>
        {
            // The stored body is the dispatcher's own JSON; a damaged one still lists, with blanks.
            string ev = "", rule = "";
            try
            {
                using var doc = JsonDocument.Parse(r.Payload);
                if (doc.RootElement.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.String) ev = e.GetString() ?? "";
                if (doc.RootElement.TryGetProperty("alert", out var a) && a.ValueKind == JsonValueKind.Object && a.TryGetProperty("rule", out var ru) && ru.ValueKind == JsonValueKind.String) rule = ru.GetString() ?? "";
            }
            catch (JsonException) { }
            return new DeadLetter(r.Id, r.WebhookId, r.Url, r.Attempts, r.LastError, new DateTimeOffset(r.FailedTicks, TimeSpan.Zero), ev, rule);
        }).ToList();
    }

    /// <summary>The threshold (seconds) from which a waiting customer shows amber: the first enabled waiting rule's.</summary>
    public static double AmberSeconds(AlertRuleSet? rules) =>
        rules?.Rules.FirstOrDefault(r => r.Kind == AlertKind.Waiting && r.Enabled)?.Threshold ?? 120;
}
