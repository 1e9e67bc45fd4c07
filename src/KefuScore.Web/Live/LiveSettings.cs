using KefuScore.App.Live;
using KefuScore.App.Storage;
using KefuScore.Engine.Live;
using KefuScore.Engine.Profiles;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.Web.Live;

/// <summary>
/// The steps behind the alert-rule and webhook settings, shared by the API (<see cref="LiveApi"/>) and the dashboard's
/// live pages, so both store, apply and refuse exactly the same things. Callers check access first.
/// </summary>
public static class LiveSettings
{
    /// <summary>Checks a rule set (<see cref="AlertRulesJson.Read"/>), stores and applies it: its stored JSON, or the errors (nothing stored).</summary>
    public static async Task<(string? Json, IReadOnlyList<AlertRuleError> Errors)> SaveRules(
        KefuDb db, LiveMonitor monitor, TimeProvider time, CompiledProfile profile, string shop, string json, CancellationToken ct = default)
    {
        var (set, errors) = AlertRulesJson.Read(json, profile);
        if (set is null) return (null, errors);
        var text = AlertRulesJson.Write(set);
        var row = await db.Set<AlertRulesRow>().SingleOrDefaultAsync(r => r.Shop == shop, ct);
        if (row is null) db.Add(new AlertRulesRow { Shop = shop, Json = text, UpdatedTicks = time.GetUtcNow().UtcTicks });
        else
        {
            row.Json = text;
            row.UpdatedTicks = time.GetUtcNow().UtcTicks;
        }
        await db.SaveChangesAsync(ct);
        monitor.SetRules(shop, set);
        // Stored first: a grain that activates later reads them from the table anyway.
        if (monitor.RulesStored is { } tell) await tell(shop, text);
        return (text, []);
    }

    public static Task<List<WebhookRow>> Webhooks(KefuDb db, string shop, CancellationToken ct = default) =>
        db.Set<WebhookRow>().AsNoTracking().Where(w => w.Shop == shop).OrderBy(w => w.Id).ToListAsync(ct);

    /// <summary>
    /// A webhook URL as the screen sees it (<see cref="WebhookTargets"/>): absolute http(s), no credentials, every
    /// address of its host public or the host allowed by the operator. The URL, or the reason it is refused.
    /// </summary>
    public static Task<(Uri? Uri, string? Error)> CheckWebhookUrl(WebhookDispatcher webhooks, string? url, CancellationToken ct = default) =>
        webhooks.Targets.Check(url?.Trim(), ct);

    /// <summary>
    /// Stores a webhook and returns the row and the secret to show once: for <see cref="WebhookKind.Kefu"/> a new one,
    /// for a group robot the robot's own signing secret as given (empty when it does not sign), shown as nothing.
    /// The secret is kept protected.
    /// </summary>
    public static async Task<(WebhookRow Row, string? Secret)> AddWebhook(KefuDb db, WebhookDispatcher webhooks, TimeProvider time, string shop, Uri url,
        WebhookKind kind = WebhookKind.Kefu, string? robotSecret = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(webhooks);
        ArgumentNullException.ThrowIfNull(url);
        var secret = kind == WebhookKind.Kefu ? WebhookDispatcher.NewSecret() : GroupRobot.Signs(kind) ? robotSecret?.Trim() ?? "" : "";
        var row = new WebhookRow
        {
            Shop = shop, Url = url.ToString(), ProtectedSecret = secret.Length == 0 ? "" : webhooks.Protect(secret),
            CreatedTicks = time.GetUtcNow().UtcTicks, Kind = GroupRobot.Name(kind),
        };
        db.Add(row);
        await db.SaveChangesAsync(ct);
        webhooks.Invalidate(shop);
        return (row, kind == WebhookKind.Kefu ? secret : null);
    }

    /// <summary>A robot's signing secret as the platforms issue them: at most 200 characters, printable ASCII. The reason, or null.</summary>
    public static string? CheckRobotSecret(string? secret) =>
        secret is null || secret.Trim().Length == 0 ? null
        : secret.Trim().Length > 200 || secret.Trim().Any(c => c < '!' || c > '~') ? "at most 200 printable ASCII characters" : null;

    /// <summary>Removes a webhook; false when the shop has no such webhook.</summary>
    public static async Task<bool> DeleteWebhook(KefuDb db, WebhookDispatcher webhooks, string shop, long id, CancellationToken ct = default)
    {
        var n = await db.Set<WebhookRow>().Where(w => w.Shop == shop && w.Id == id).ExecuteDeleteAsync(ct);
        webhooks.Invalidate(shop);
        return n > 0;
    }

    /// <summary>The shop's newest 500 dead letters.</summary>
    public static Task<List<WebhookDeadLetterRow>> DeadLetters(KefuDb db, string shop, CancellationToken ct = default) =>
        db.Set<WebhookDeadLetterRow>().AsNoTracking().Where(d => d.Shop == shop).OrderByDescending(d => d.Id).Take(500).ToListAsync(ct);
}
