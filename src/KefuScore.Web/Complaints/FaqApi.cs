using KefuScore.App.Complaints;
using KefuScore.App.Faq;
using KefuScore.App.Learning;
using KefuScore.App.Storage;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.Web.Complaints;

/// <summary>
/// FAQ auto-replies: <c>PUT /api/v1/shops/{shop}/faq</c> (the knowledge base as CSV), <c>POST …/faq/ask</c> (match a
/// question and decide by the shop's policy and calendar; with <c>send</c> the answer is stored as a <c>bot</c>
/// <c>auto</c> message in the conversation) and <c>GET …/faq/answered?from=&amp;to=</c> (customers answered per day).
/// </summary>
internal static class FaqApi
{
    public sealed record AskBody(string? Question, string? Conversation, string? Customer, DateTimeOffset? At, int? Waiting, bool? AllAtCapacity, bool? Send);

    public static void MapFaqApi(this IEndpointRouteBuilder api)
    {
        var g = api.MapGroup("/shops/{shop}/faq");
        g.MapPut("", Put).RequireNeed(Need.ManageShop).WithName("PutFaq").WithSummary("Replace the shop's FAQ knowledge base (CSV: question,answer,keywords)").Accepts<string>("text/csv");
        g.MapPost("/ask", Ask).RequireNeed(Need.ReadOwn).WithName("AskFaq").WithSummary("The FAQ's best answer to a question and whether the policy sends it");
        g.MapGet("/answered", Answered).RequireNeed(Need.ReadShop).WithName("FaqAnswered").WithSummary("Customers the FAQ answered per day");
        // Mined wordings (issue 18): customers' chats are the shop's, so listing and deciding is the manager's.
        g.MapPost("/paraphrases/mine", Mine).RequireNeed(Need.ManageShop).WithName("MineFaqParaphrases").WithSummary("Find candidate wordings of FAQ questions in the conversations of a period");
        g.MapGet("/paraphrases", Paraphrases).RequireNeed(Need.ManageShop).WithName("FaqParaphrases").WithSummary("The mined wordings (state=pending|accepted|rejected)");
        g.MapPost("/paraphrases/{id:long}/accept", (HttpContext http, KefuDb db, TimeProvider clock, string shop, long id, CancellationToken ct) => Decide(http, db, clock, shop, id, true, ct))
            .RequireNeed(Need.ManageShop).WithName("AcceptFaqParaphrase").WithSummary("Accept a mined wording: the shop's FAQ matches it from now on");
        g.MapPost("/paraphrases/{id:long}/reject", (HttpContext http, KefuDb db, TimeProvider clock, string shop, long id, CancellationToken ct) => Decide(http, db, clock, shop, id, false, ct))
            .RequireNeed(Need.ManageShop).WithName("RejectFaqParaphrase").WithSummary("Reject a mined wording: it is not used and not proposed again");
    }

    public sealed record MineBody(string? From, string? To);

    private static async Task<IResult> Mine(HttpContext http, KefuDb db, TimeProvider clock, string shop, MineBody body, CancellationToken ct) =>
        await ComplaintsApi.Guarded(http, db, shop, async () =>
        {
            if (!Date(body.From, out var f) || !Date(body.To, out var t) || f is not { } from || t is not { } to) return ComplaintsApi.Error(400, "from, to: required dates like 2026-11-20");
            var (found, added) = await ParaphraseBook.Mine(db, shop, from, to, clock.GetUtcNow().UtcTicks, ct);
            return Results.Json(new { found, added }, ComplaintJson.Options);
        }, ct);

    private static async Task<IResult> Paraphrases(HttpContext http, KefuDb db, string shop, string? state, CancellationToken ct) =>
        await ComplaintsApi.Guarded(http, db, shop, async () =>
            Results.Json((await ParaphraseBook.List(db, shop, state, ct)).Select(Json), ComplaintJson.Options), ct);

    private static async Task<IResult> Decide(HttpContext http, KefuDb db, TimeProvider clock, string shop, long id, bool accept, CancellationToken ct) =>
        await ComplaintsApi.Guarded(http, db, shop, async () =>
        {
            var row = await ParaphraseBook.Decide(db, shop, id, accept, ApiAccess.Author(ApiKeyFilter.Grant(http)), clock.GetUtcNow().UtcTicks, ct);
            return Results.Json(Json(row), ComplaintJson.Options);
        }, ct);

    private static object Json(FaqParaphraseRow r) => new
    {
        id = r.Id, entry = r.Entry, text = r.Text, state = r.State, similarity = r.Similarity, conversation = r.Conversation,
        message = r.Message, reply = r.Reply, agent = r.Agent,
        at = new DateTimeOffset(r.AtTicks, TimeSpan.Zero).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        decided_by = r.DecidedBy,
    };

    private static async Task<IResult> Put(HttpContext http, KefuDb db, TimeProvider clock, string shop, CancellationToken ct) =>
        await ComplaintsApi.Guarded(http, db, shop, async () =>
        {
            var text = await ComplaintsApi.ReadText(http, ct);
            if (text is null) return ComplaintsApi.Error(413, "the knowledge base is larger than 2 MiB");
            IReadOnlyList<FaqEntry> entries;
            try
            {
                entries = FaqCsv.Parse(text, "faq.csv");
            }
            catch (FaqException e)
            {
                return Results.Json(new { error = e.Message, problems = e.Problems.Select(p => new { line = p.Line, field = p.Field, reason = p.Reason }) }, ComplaintJson.Options, statusCode: 400);
            }
            await ShopSettings.Put(db, shop, ShopSettings.Faq, text, clock.GetUtcNow().UtcTicks, ct);
            return Results.Json(new { entries = entries.Count }, ComplaintJson.Options);
        }, ct);

    private static async Task<IResult> Ask(HttpContext http, KefuDb db, TimeProvider clock, FaqLibrary library, EventStore store, string shop, AskBody body, CancellationToken ct) =>
        await ComplaintsApi.Guarded(http, db, shop, async () =>
        {
            if (string.IsNullOrWhiteSpace(body.Question)) return ComplaintsApi.Error(400, "question: is required");
            if (body.Waiting is < 0) return ComplaintsApi.Error(400, "waiting: must not be negative");
            // Asking is reading; sending writes a bot message into a conversation, which needs the shop managed.
            if (body.Send == true && !ApiAccess.Allows(ApiKeyFilter.Grant(http), shop, Need.ManageShop))
                return Results.Json(new ApiError("send: an agent's sign-in may ask but not send (sending needs a supervisor, an admin or a key)"), statusCode: StatusCodes.Status403Forbidden);
            if (body.Send == true && string.IsNullOrWhiteSpace(body.Conversation)) return ComplaintsApi.Error(400, "conversation: is required to send the answer");
            var index = await library.For(db, shop, ct);
            if (index is null) return ComplaintsApi.Error(404, $"shop '{shop}' has no FAQ knowledge base (PUT /api/v1/shops/{shop}/faq)");
            var at = body.At ?? clock.GetUtcNow();
            var calendar = await ShopSettings.CalendarOf(db, shop, ct);
            var policyText = await ShopSettings.Get(db, shop, ShopSettings.FaqPolicy, ct);
            var policy = policyText is null ? new FaqPolicy() : FaqPolicyLoader.Parse(policyText, $"shop {shop} faq policy");
            var open = FaqPolicy.IsOpen(calendar, at);
            // A shop's trained model answers when it has one for the current knowledge base (issue 18); BM25 otherwise.
            var trained = await ShopModels.FaqModelFor(db, shop, index.Entries, ct);
            var matches = index.Search(body.Question, 3);
            var ranked = trained is { } t ? t.Model.Rank(body.Question, 3) : [];
            var decision = trained is { } m
                ? policy.Decide(open, body.Waiting ?? 0, body.AllAtCapacity ?? false, ranked.Count > 0 ? ranked[0] : null, m.Model.Threshold)
                : policy.Decide(open, body.Waiting ?? 0, body.AllAtCapacity ?? false, matches.Count > 0 ? matches[0] : null);
            string? sent = null;
            if (decision.Answer && body.Send == true)
            {
                var answer = trained is null ? matches[0].Entry.Answer : ranked[0].Entry.Answer;
                var reply = FaqPolicy.Reply($"faq-{body.Conversation}-{at.UtcTicks}", shop, body.Conversation!, body.Customer, answer, at);
                await store.Ingest([reply], ct);
                sent = reply.Id;
            }
            return Results.Json(new
            {
                question = body.Question,
                open,
                answer = decision.Answer,
                reason = decision.Reason,
                sent_event = sent,
                matcher = trained is null ? "bm25" : "model",
                model_version = trained?.Version,
                threshold = trained?.Model.Threshold,
                matches = trained is null
                    ? matches.Select(m => (object)new { question = m.Entry.Question, answer = m.Entry.Answer, line = m.Entry.Line, score = Math.Round(m.Score, 3), coverage = Math.Round(m.Coverage, 3) })
                    : ranked.Select(a => (object)new { question = a.Entry.Question, answer = a.Entry.Answer, line = a.Entry.Line, probability = Math.Round(a.Confidence, 4) }),
            }, ComplaintJson.Options);
        }, ct);

    private static async Task<IResult> Answered(HttpContext http, KefuDb db, string shop, string? from, string? to, CancellationToken ct) =>
        await ComplaintsApi.Guarded(http, db, shop, async () =>
        {
            var calendar = await ShopSettings.CalendarOf(db, shop, ct);
            if (!Date(from, out var f) || !Date(to, out var t)) return ComplaintsApi.Error(400, "from, to: dates like 2026-11-20");
            long Start(DateOnly d) => new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), calendar.Zone.GetUtcOffset(d.ToDateTime(TimeOnly.MinValue))).UtcTicks;
            var fromTicks = f is { } fd ? Start(fd) : 0;
            var toTicks = t is { } td ? Start(td.AddDays(1)) : long.MaxValue;
            var days = await FaqAnswered.PerDay(db, shop, fromTicks, toTicks, calendar.Zone, ct);
            return Results.Json(days.Select(d => new { date = d.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), customers = d.Customers }), ComplaintJson.Options);
        }, ct);

    private static bool Date(string? text, out DateOnly? date)
    {
        date = null;
        if (text is null) return true;
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", out var d)) return false;
        date = d;
        return true;
    }
}
