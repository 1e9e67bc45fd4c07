using System.Globalization;
using KefuScore.App.Profiles;
using KefuScore.App.Staffing;
using KefuScore.App.Storage;

namespace KefuScore.Web.Staffing;

/// <summary><c>GET /api/v1/shops/{shop}/plan</c>: exactly the JSON of <c>kefu plan</c> for that shop, from its stored messages.</summary>
internal static class PlanApi
{
    public static void MapPlanApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/shops/{shop}/plan", Plan)
            .RequireNeed(Need.ReadShop).WithName("StaffingPlan").WithSummary("Forecast, agents per 15 minutes, roster, gap and the replayed rate for a date (the JSON of kefu plan)")
            .ProducesShopJson();
    }

    private static async Task<IResult> Plan(HttpContext http, KefuDb db, string shop, string? date, string? target, string? profile,
        double? uplift, double? shrinkage, int? concurrency, string? handle, CancellationToken ct)
    {
        if (!ApiKeyFilter.Grant(http).Covers(shop)) return ApiKeyFilter.Forbidden(shop);
        if (profile is not null && !await App.Profiles.StoredProfiles.Exists(db, profile, ct)) return BadRequest($"profile: '{profile}' is neither a built-in profile ({string.Join(", ", App.Profiles.ProfileCatalog.BuiltInIds)}) nor a stored version (id@version)");
        if (date is null || !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return BadRequest($"date: '{date}' is not a date like 2027-02-01");
        double? handleSeconds = null;
        if (handle is not null)
        {
            if (!double.TryParse(handle.TrimEnd('s'), NumberStyles.Float, CultureInfo.InvariantCulture, out var h)) return BadRequest($"handle: '{handle}' is not a number of seconds like 240s");
            handleSeconds = h;
        }
        var request = new PlanRequest
        {
            Date = day, Target = target ?? "reply_rate_3min=0.97", Uplift = uplift, Shrinkage = shrinkage ?? 0,
            Concurrency = concurrency, HandleSeconds = handleSeconds,
        };
        StaffingPlan? plan;
        try
        {
            plan = await StoredPlans.Plan(db, shop, profile, request, ct);
        }
        catch (PlanException e)
        {
            return BadRequest(e.Message);
        }
        if (plan is null) return Results.Json(new ApiError($"shop '{shop}' is not known"), statusCode: StatusCodes.Status404NotFound);
        using var buffer = new MemoryStream();
        PlanJson.Write(buffer, plan);
        return Results.Bytes(buffer.ToArray(), "application/json; charset=utf-8");
    }

    private static IResult BadRequest(string message) => Results.Json(new ApiError(message), statusCode: StatusCodes.Status400BadRequest);
}
