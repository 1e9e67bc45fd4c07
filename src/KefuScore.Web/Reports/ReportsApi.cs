using KefuScore.App.Profiles;
using KefuScore.App.Reports;
using KefuScore.App.Storage;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.Web.Reports;

/// <summary>
/// <c>GET /api/v1/shops/{shop}/report</c>: exactly the JSON of <c>kefu report</c> for that shop, from storage;
/// <c>GET /api/v1/shops/{shop}/conversations/{id}/explain</c>: exactly the JSON of <c>kefu explain</c>.
/// </summary>
internal static class ReportsApi
{
    public static void MapReportsApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/shops/{shop}/report", Report)
            .RequireNeed(Need.ReadOwn).WithName("ShopReport").WithSummary("Every metric and verdict of the shop per period (the JSON of kefu report)")
            .ProducesShopJson();
        api.MapGet("/shops/{shop}/conversations/{id}/explain", Explain)
            .RequireNeed(Need.ReadOwn).WithName("ExplainConversation").WithSummary("How each customer message of a conversation counted, and why (the JSON of kefu explain)")
            .ProducesShopJson();
    }

    private static async Task<IResult> Report(HttpContext http, KefuDb db, string shop, string? profile, string? from, string? to, string? by, bool? agents, CancellationToken ct)
    {
        var grant = ApiKeyFilter.Grant(http);
        if (!grant.Covers(shop)) return ApiKeyFilter.Forbidden(shop);
        // An agent's sign-in gets their own figures only: no shop totals, no other agent.
        var onlyAgent = grant.AgentIn(shop);
        if (onlyAgent is not null) agents = true;
        if (profile is not null && !await App.Profiles.StoredProfiles.Exists(db, profile, ct)) return BadRequest($"profile: '{profile}' is neither a built-in profile ({string.Join(", ", App.Profiles.ProfileCatalog.BuiltInIds)}) nor a stored version (id@version)");
        PeriodKind? period = by switch { null => null, "day" => PeriodKind.Day, "week" => PeriodKind.Week, "month" => PeriodKind.Month, _ => (PeriodKind)(-1) };
        if (period == (PeriodKind)(-1)) return BadRequest($"by: '{by}' is not one of day, week, month");
        if (!TryDate(from, out var fromDate)) return BadRequest($"from: '{from}' is not a date like 2026-11-20");
        if (!TryDate(to, out var toDate)) return BadRequest($"to: '{to}' is not a date like 2026-11-20");

        var stored = await StoredReports.Build(db, shop, profile, new ReportRequest(period, fromDate, toDate, agents ?? false), ct);
        if (stored is null) return NotFound($"shop '{shop}' is not known");
        var report = onlyAgent is null ? stored.Report : Dashboard.Access.OnlyAgent(stored.Report, onlyAgent);
        using var buffer = new MemoryStream();
        ReportJson.Write(buffer, report, stored.Run);
        return Results.Bytes(buffer.ToArray(), "application/json; charset=utf-8");
    }

    private static async Task<IResult> Explain(HttpContext http, KefuDb db, string shop, string id, string? profile, string? metric, CancellationToken ct)
    {
        var grant = ApiKeyFilter.Grant(http);
        if (!grant.Covers(shop)) return ApiKeyFilter.Forbidden(shop);
        // An agent sees only conversations they took part in; another's is answered as not found, revealing nothing.
        if (grant.AgentIn(shop) is { } agent && !await db.Events.AnyAsync(e => e.Shop == shop && e.Conversation == id && e.Agent == agent, ct))
            return NotFound($"conversation '{id}' of shop '{shop}' is not stored");
        if (profile is not null && !await App.Profiles.StoredProfiles.Exists(db, profile, ct)) return BadRequest($"profile: '{profile}' is neither a built-in profile ({string.Join(", ", App.Profiles.ProfileCatalog.BuiltInIds)}) nor a stored version (id@version)");
        // Default: the profile the shop's facts are kept under, as for the report.
        var shopProfile = await db.Shops.Where(s => s.Id == shop).Select(s => s.Profile).SingleOrDefaultAsync(ct);
        if (shopProfile is null) return NotFound($"shop '{shop}' is not known");
        var compiled = await StoredProfiles.Compile(db, profile ?? shopProfile, ct);
        IReadOnlyList<Explanation> explanations;
        try
        {
            explanations = await StoredReports.Explain(db, shop, id, compiled, metric, ct);
        }
        catch (ArgumentException e)
        {
            return BadRequest(e.Message);
        }
        if (explanations.Count == 0) return NotFound($"conversation '{id}' of shop '{shop}' is not stored");
        using var buffer = new MemoryStream();
        ExplainJson.Write(buffer, compiled.Id, explanations);
        return Results.Bytes(buffer.ToArray(), "application/json; charset=utf-8");
    }

    private static bool TryDate(string? text, out DateOnly? date)
    {
        date = null;
        if (text is null) return true;
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", out var d)) return false;
        date = d;
        return true;
    }

    private static IResult BadRequest(string message) => Results.Json(new ApiError(message), statusCode: StatusCodes.Status400BadRequest);

    private static IResult NotFound(string message) => Results.Json(new ApiError(message), statusCode: StatusCodes.Status404NotFound);
}
