using KefuScore.App.Reconciliation;
using KefuScore.App.Score;
using KefuScore.App.Storage;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reconciliation;
using KefuScore.Engine.Reports;
using KefuScore.Engine.Score;

namespace KefuScore.Web.Score;

/// <summary>
/// <c>GET /api/v1/shops/{shop}/score</c>: the JSON of <c>kefu score</c> from stored events (with <c>diagnose=1</c> the
/// diagnosis, with <c>history=1</c> one score per day); <c>POST /api/v1/shops/{shop}/reconcile</c>: the platform's
/// daily figures (CSV body) beside ours.
/// </summary>
internal static class ScoreApi
{
    public static void MapScoreApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/shops/{shop}/score", Score)
            .RequireNeed(Need.ReadShop).WithName("ShopScore").WithSummary("The experience score (体验分) with dimensions and indicators; diagnose=1 explains a change; history=1 gives one score a day")
            .ProducesShopJson();
        api.MapPost("/shops/{shop}/reconcile", Reconcile)
            .RequireNeed(Need.ReadShop).WithName("ShopReconcile").WithSummary("The platform's daily figures (CSV body: date,metric,value) beside ours, with the difference")
            .Accepts<string>("text/csv")
            .ProducesShopJson().Produces<ApiError>(StatusCodes.Status413PayloadTooLarge);
    }

    private static async Task<IResult> Score(HttpContext http, KefuDb db, string shop, string? profile, string? version, string? industry,
        string? to, string? from, string? against, string? diagnose, string? history,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "what_if")] string[]? whatIf, CancellationToken ct)
    {
        if (!ApiKeyFilter.Grant(http).Covers(shop)) return ApiKeyFilter.Forbidden(shop);
        if (profile is not null && !await App.Profiles.StoredProfiles.Exists(db, profile, ct)) return BadRequest($"profile: '{profile}' is neither a built-in profile ({string.Join(", ", App.Profiles.ProfileCatalog.BuiltInIds)}) nor a stored version (id@version)");
        if (!TryDate(to, out var toDate)) return BadRequest($"to: '{to}' is not a date like 2026-11-20");
        if (!TryDate(from, out var fromDate)) return BadRequest($"from: '{from}' is not a date like 2026-11-20");
        if (!TryDate(against, out var againstDate)) return BadRequest($"against: '{against}' is not a date like 2026-11-20");
        var compiled = await StoredScores.Profile(db, shop, profile, ct);
        if (compiled is null) return NotFound($"shop '{shop}' is not known");
        try
        {
            var probe = new ScoreQuery(compiled, new IndicatorDays());
            var v = probe.Version(version);
            var ind = probe.Industry(v, industry);
            var what = probe.ParseWhatIf(whatIf ?? []);
            var end = toDate ?? await StoredScores.LastDate(db, compiled, shop, ct) ?? DateOnly.FromDateTime(DateTime.UnixEpoch);
            using var buffer = new MemoryStream();
            if (diagnose is "1" or "true")
            {
                if (againstDate is not { } before) return BadRequest("diagnose needs against=DATE (the last day of the earlier window)");
                var start = fromDate ?? ScoreCalculator.Window(v, end).From;
                if (start > end) return BadRequest("from is after to");
                var length = end.DayNumber - start.DayNumber;
                var query = await StoredScores.Query(db, compiled, shop, Min(before.AddDays(-length), start), Max(before, end), ct);
                ScoreJson.WriteDiagnosis(buffer, compiled.Id, shop, query.Diagnose(shop, v, ind, before, end, fromDate));
            }
            else if (history is "1" or "true")
            {
                var start = fromDate ?? end.AddDays(-29);
                if (start > end) return BadRequest("from is after to");
                if (end.DayNumber - start.DayNumber > 400) return BadRequest("history covers at most 400 days");
                ScoreJson.WriteHistory(buffer, compiled.Id, shop, await StoredScores.History(db, compiled, shop, v.Id, ind, start, end, ct));
            }
            else
            {
                var window = ScoreCalculator.Window(v, end);
                var query = await StoredScores.Query(db, compiled, shop, window.From, window.To, ct);
                ScoreJson.Write(buffer, compiled.Id, shop, query.Score(shop, v, ind, end, what));
            }
            return Results.Bytes(buffer.ToArray(), "application/json; charset=utf-8");
        }
        catch (ScoreException e)
        {
            return BadRequest(e.Message.Replace("--", "", StringComparison.Ordinal));
        }
    }

    private static async Task<IResult> Reconcile(HttpContext http, KefuDb db, string shop, string? profile, double? tolerance, CancellationToken ct)
    {
        if (!ApiKeyFilter.Grant(http).Covers(shop)) return ApiKeyFilter.Forbidden(shop);
        if (profile is not null && !await App.Profiles.StoredProfiles.Exists(db, profile, ct)) return BadRequest($"profile: '{profile}' is neither a built-in profile ({string.Join(", ", App.Profiles.ProfileCatalog.BuiltInIds)}) nor a stored version (id@version)");
        IReadOnlyList<PlatformFigure> figures;
        try
        {
            var text = await Complaints.ComplaintsApi.ReadText(http, ct);
            // 2 MiB is some 70,000 figures; the answer is about six times the body.
            if (text is null) return Results.Json(new ApiError("the request body is larger than 2 MiB (limit: 2 MiB of platform figures per request)"), statusCode: StatusCodes.Status413PayloadTooLarge);
            using var body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
            figures = PlatformFigures.Read(body, "body");
        }
        catch (PlatformFiguresException e)
        {
            return BadRequest(e.Message);
        }
        var mine = figures.Where(f => f.Shop is null || f.Shop == shop).ToList();
        var stored = await StoredReports.Build(db, shop, profile, new ReportRequest(PeriodKind.Day), ct);
        if (stored is null) return NotFound($"shop '{shop}' is not known");
        try
        {
            var ours = PlatformFigures.Ours(stored.Profile, stored.Run, shop, mine, "body");
            var (rows, metrics) = Reconciler.Compare(mine, ours, ReconcileJson.Tolerance(stored.Profile, tolerance));
            using var buffer = new MemoryStream();
            ReconcileJson.Write(buffer, stored.Profile.Id, shop, rows, metrics);
            return Results.Bytes(buffer.ToArray(), "application/json; charset=utf-8");
        }
        catch (PlatformFiguresException e)
        {
            return BadRequest(e.Message);
        }
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

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
