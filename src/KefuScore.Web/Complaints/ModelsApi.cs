using KefuScore.App.Complaints;
using KefuScore.App.Learning;
using KefuScore.App.Storage;

namespace KefuScore.Web.Complaints;

/// <summary>
/// A shop's own text models (issue 18): <c>GET /api/v1/shops/{shop}/models</c> lists every stored version;
/// <c>POST …/models/inspection</c> trains the inspection model from the labelled messages in the body (JSON Lines) or,
/// with an empty body, from the shop's review verdicts; <c>POST …/models/faq</c> trains the FAQ model from the customer
/// questions in the body (lines <c>question⇥expected FAQ question</c>) and the accepted mined wordings, or from those
/// alone. The newest version is used by the shop's inspection and FAQ from the next request. Training reads the
/// whole shop's chats and changes what every agent is judged by, so all of it needs the shop managed.
/// </summary>
internal static class ModelsApi
{
    public static void MapModelsApi(this IEndpointRouteBuilder api)
    {
        var g = api.MapGroup("/shops/{shop}/models");
        g.MapGet("", List).RequireNeed(Need.ManageShop).WithName("ShopModels").WithSummary("The shop's trained models, every version, newest first");
        g.MapPost("/inspection", (HttpContext http, KefuDb db, TimeProvider clock, string shop, CancellationToken ct) => Train(http, db, clock, shop, ShopModels.Inspection, ct))
            .RequireNeed(Need.ManageShop).WithName("TrainInspectionModel").WithSummary("Train the shop's inspection model: labelled messages (JSON Lines) in the body, or the review verdicts with an empty body")
            .Accepts<string>("application/x-ndjson");
        g.MapPost("/faq", (HttpContext http, KefuDb db, TimeProvider clock, string shop, CancellationToken ct) => Train(http, db, clock, shop, ShopModels.Faq, ct))
            .RequireNeed(Need.ManageShop).WithName("TrainFaqModel").WithSummary("Train the shop's FAQ model: customer questions (question<TAB>expected) in the body and the accepted mined wordings")
            .Accepts<string>("text/tab-separated-values", "text/plain");
    }

    private static async Task<IResult> List(HttpContext http, KefuDb db, string shop, CancellationToken ct) =>
        await ComplaintsApi.Guarded(http, db, shop, async () =>
            Results.Json((await ShopModels.List(db, shop, ct)).Select(Json), ComplaintJson.Options), ct);

    private static async Task<IResult> Train(HttpContext http, KefuDb db, TimeProvider clock, string shop, string kind, CancellationToken ct) =>
        await ComplaintsApi.Guarded(http, db, shop, async () =>
        {
            var text = await ComplaintsApi.ReadText(http, ct);
            if (text is null) return ComplaintsApi.Error(413, "the examples are larger than 2 MiB");
            var body = string.IsNullOrWhiteSpace(text) ? null : text;
            var by = ApiAccess.Author(ApiKeyFilter.Grant(http));
            var now = clock.GetUtcNow().UtcTicks;
            try
            {
                var info = kind == ShopModels.Inspection
                    ? await ShopModels.TrainInspection(db, shop, body, by, now, ct)
                    : await ShopModels.TrainFaq(db, shop, body, by, now, ct);
                return Results.Json(Json(info), ComplaintJson.Options, statusCode: StatusCodes.Status201Created);
            }
            catch (ShopModelException e)
            {
                return ComplaintsApi.Error(e.Status, e.Message);
            }
        }, ct);

    private static object Json(ShopModelInfo m) => new
    {
        kind = m.Kind, version = m.Version,
        trained_at = new DateTimeOffset(m.TrainedTicks, TimeSpan.Zero).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        trained_by = m.TrainedBy, examples = m.Examples, source = m.Source,
    };
}
