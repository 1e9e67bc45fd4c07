using KefuScore.App.Complaints;
using KefuScore.App.Storage;
using KefuScore.App.Yaml;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.Web.Complaints;

/// <summary>
/// 投诉: <c>GET/POST /api/v1/shops/{shop}/complaints</c>, <c>GET …/complaints/{id}</c>,
/// <c>POST …/complaints/{id}/transitions</c> and <c>…/notes</c>; and the shop's documents
/// <c>GET/PUT /api/v1/shops/{shop}/settings/{kind}</c> (calendar, complaints, faq_policy as YAML). Escalations found
/// while reading are logged as warnings (category <c>KefuScore.Complaints</c>) for whoever watches the log.
/// </summary>
internal static class ComplaintsApi
{
    public sealed record CreateBody(string? Category, string? Conversation, string? Order, string? Customer, string? Agent, string? Text, DateTimeOffset? At);

    /// <summary><c>author</c> is accepted and ignored: the author is the signed-in user or the key (<see cref="ApiAccess.Author"/>).</summary>
    public sealed record TransitionBody(string? To, string? Note, string? Author);

    /// <summary><c>author</c> is accepted and ignored, as in <see cref="TransitionBody"/>.</summary>
    public sealed record NoteBody(string? Text, string? Author);

    public static void MapComplaintsApi(this IEndpointRouteBuilder api)
    {
        var g = api.MapGroup("/shops/{shop}");
        g.MapGet("/complaints", List).RequireNeed(Need.ReadOwn).WithName("ListComplaints").WithSummary("The shop's complaints with their countdowns (complaint events become complaints here)");
        g.MapPost("/complaints", Create).RequireNeed(Need.ManageShop).WithName("CreateComplaint").WithSummary("Make a complaint by hand");
        g.MapGet("/complaints/{id:long}", Get).RequireNeed(Need.ReadOwn).WithName("GetComplaint").WithSummary("One complaint with notes and evidence");
        g.MapPost("/complaints/{id:long}/transitions", Move).RequireNeed(Need.ManageShop).WithName("MoveComplaint").WithSummary("Move a complaint: investigating, resolved, rejected");
        g.MapPost("/complaints/{id:long}/notes", Note).RequireNeed(Need.ManageShop).WithName("AddComplaintNote").WithSummary("Add a note to a complaint");
        g.MapGet("/settings/{kind}", GetSetting).RequireNeed(Need.ReadShop).WithName("GetShopSetting").WithSummary("A shop document: calendar, complaints, faq, faq_policy");
        g.MapPut("/settings/{kind}", PutSetting).RequireNeed(Need.ManageShop).WithName("PutShopSetting").WithSummary("Replace a shop document (checked first; nothing stored when it has a problem)")
            .Accepts<string>("text/plain");
    }

    private static async Task<IResult> List(HttpContext http, KefuDb db, TimeProvider clock, ILoggerFactory logs, string shop, string? state, bool? breached, CancellationToken ct) =>
        await Guarded(http, db, shop, async () =>
        {
            var (complaints, escalated) = await ComplaintBook.List(db, shop, clock.GetUtcNow(), state, ct);
            Log(logs, escalated);
            // An agent's sign-in: their own complaints only (as the complaints page).
            var own = ApiKeyFilter.Grant(http).AgentIn(shop);
            var mine = complaints.Where(c => own is null || c.Row.Agent == own).ToList();
            var ids = mine.Select(c => c.Row.Id).ToHashSet();
            var shown = mine.Where(c => breached is null || c.Clock.Breached == breached).Select(ComplaintJson.Of).ToList();
            return Results.Json(new { complaints = shown, escalated = escalated.Where(e => own is null || ids.Contains(e.Complaint)).Select(ComplaintJson.Of).ToList() }, ComplaintJson.Options);
        }, ct);

    private static async Task<IResult> Create(HttpContext http, KefuDb db, TimeProvider clock, string shop, CreateBody body, CancellationToken ct) =>
        await Guarded(http, db, shop, async () =>
        {
            var view = await ComplaintBook.Create(db, shop, new NewComplaint(body.Category ?? "", body.Conversation, body.Order, body.Customer, body.Agent, body.Text, body.At), clock.GetUtcNow(), ct);
            return Results.Json(ComplaintJson.Of(view), ComplaintJson.Options, statusCode: StatusCodes.Status201Created);
        }, ct);

    private static async Task<IResult> Get(HttpContext http, KefuDb db, TimeProvider clock, ILoggerFactory logs, string shop, long id, CancellationToken ct) =>
        await Guarded(http, db, shop, async () =>
        {
            var (view, escalated) = await ComplaintBook.Get(db, shop, id, clock.GetUtcNow(), ct);
            Log(logs, escalated);
            // A colleague's complaint is answered as a missing one, revealing nothing.
            if (!Dashboard.Quality.QualityQuery.MaySee(ApiKeyFilter.Grant(http), shop, view.Row)) return Error(404, $"complaint {id} of shop '{shop}' does not exist");
            return Results.Json(ComplaintJson.Of(view), ComplaintJson.Options);
        }, ct);

    private static async Task<IResult> Move(HttpContext http, KefuDb db, TimeProvider clock, string shop, long id, TransitionBody body, CancellationToken ct) =>
        await Guarded(http, db, shop, async () =>
        {
            var view = await ComplaintBook.Move(db, shop, id, body.To ?? "", ApiAccess.Author(ApiKeyFilter.Grant(http)), body.Note, clock.GetUtcNow(), ct);
            return Results.Json(ComplaintJson.Of(view), ComplaintJson.Options);
        }, ct);

    private static async Task<IResult> Note(HttpContext http, KefuDb db, TimeProvider clock, string shop, long id, NoteBody body, CancellationToken ct) =>
        await Guarded(http, db, shop, async () =>
        {
            var view = await ComplaintBook.AddNote(db, shop, id, ApiAccess.Author(ApiKeyFilter.Grant(http)), body.Text ?? "", clock.GetUtcNow(), ct);
            return Results.Json(ComplaintJson.Of(view), ComplaintJson.Options);
        }, ct);

    private static async Task<IResult> GetSetting(HttpContext http, KefuDb db, string shop, string kind, CancellationToken ct) =>
        await Guarded(http, db, shop, async () =>
        {
            if (!ShopSettings.Kinds.Contains(kind)) return Error(400, $"kind: '{kind}' is not one of {string.Join(", ", ShopSettings.Kinds)}");
            var text = await ShopSettings.Get(db, shop, kind, ct);
            return text is null ? Error(404, $"shop '{shop}' has no {kind} of its own (the built-in one applies)") : Results.Text(text, "text/plain; charset=utf-8");
        }, ct);

    private static async Task<IResult> PutSetting(HttpContext http, KefuDb db, TimeProvider clock, string shop, string kind, CancellationToken ct) =>
        await Guarded(http, db, shop, async () =>
        {
            if (!ShopSettings.Kinds.Contains(kind)) return Error(400, $"kind: '{kind}' is not one of {string.Join(", ", ShopSettings.Kinds)}");
            var text = await ReadText(http, ct);
            if (text is null) return Error(413, "the document is larger than 2 MiB");
            try
            {
                ShopSettings.Check(kind, text, kind);
            }
            catch (YamlFileException e)
            {
                return Error(400, e.Message);
            }
            catch (App.Faq.FaqException e)
            {
                return Error(400, e.Message);
            }
            await ShopSettings.Put(db, shop, kind, text, clock.GetUtcNow().UtcTicks, ct);
            return Results.NoContent();
        }, ct);

    /// <summary>The request body as UTF-8 text, or null when over 2 MiB.</summary>
    internal static async Task<string?> ReadText(HttpContext http, CancellationToken ct)
    {
        const int limit = 2 << 20;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > limit) return null;
            buffer.Write(chunk, 0, n);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
    }

    /// <summary>Checks the key covers the shop and the shop exists; turns <see cref="ComplaintException"/> into 400/404.</summary>
    internal static async Task<IResult> Guarded(HttpContext http, KefuDb db, string shop, Func<Task<IResult>> action, CancellationToken ct)
    {
        if (!ApiKeyFilter.Grant(http).Covers(shop)) return ApiKeyFilter.Forbidden(shop);
        if (!await db.Shops.AnyAsync(s => s.Id == shop, ct)) return Error(404, $"shop '{shop}' is not known");
        try
        {
            return await action();
        }
        catch (ComplaintException e)
        {
            return Error(e.NotFound ? 404 : 400, e.Message);
        }
    }

    internal static IResult Error(int status, string message) => Results.Json(new ApiError(message), statusCode: status);

    private static void Log(ILoggerFactory logs, IReadOnlyList<ComplaintEscalated> escalated)
    {
        if (escalated.Count == 0) return;
        var log = logs.CreateLogger("KefuScore.Complaints");
        foreach (var e in escalated)
            log.LogWarning("Complaint {Complaint} of shop {Shop} ({Category}) escalated from level {From} to {To}; deadline {Due:O}", e.Complaint, e.Shop, e.Category, e.From, e.To, e.Due);
    }
}
