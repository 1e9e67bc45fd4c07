using KefuScore.App.Storage;

namespace KefuScore.Web.Shops;

/// <summary><c>GET/PUT /api/v1/shops/{shop}/roster</c>: the shop's agents with display names and groups (客服名册).</summary>
internal static class RosterApi
{
    public static void MapRosterApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/shops/{shop}/roster", async (KefuDb db, string shop, CancellationToken ct) => Results.Ok(await AgentRoster.Get(db, shop, ct)))
            .RequireNeed(Need.ReadShop).WithName("AgentRoster").WithSummary("The shop's agents: id, display name, group").Produces<List<RosterEntry>>();
        api.MapPut("/shops/{shop}/roster", Replace)
            .RequireNeed(Need.ManageShop).WithName("ReplaceAgentRoster").WithSummary("Replace the shop's roster with the list given")
            .Produces<List<RosterEntry>>().Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> Replace(HttpContext http, KefuDb db, string shop, CancellationToken ct)
    {
        if (await db.Shops.FindAsync([shop], ct) is null) return Results.Json(new ApiError($"shop '{shop}' is not known"), statusCode: StatusCodes.Status404NotFound);
        List<RosterEntry>? entries;
        try
        {
            entries = await http.Request.ReadFromJsonAsync<List<RosterEntry>>(ct);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            return Results.Json(new ApiError("body: a JSON array of {\"agent\",\"name\",\"group\"}"), statusCode: StatusCodes.Status400BadRequest);
        }
        if (entries is null || entries.Any(e => e is null))
            return Results.Json(new ApiError("body: a JSON array of {\"agent\",\"name\",\"group\"}"), statusCode: StatusCodes.Status400BadRequest);
        if (AgentRoster.Problems(entries).ToList() is { Count: > 0 } problems)
            return Results.Json(new ApiError(string.Join("; ", problems.Take(10))), statusCode: StatusCodes.Status400BadRequest);
        await AgentRoster.Replace(db, shop, entries, ct);
        return Results.Ok(await AgentRoster.Get(db, shop, ct));
    }
}
