using System.Globalization;
using KefuScore.App.Complaints;
using KefuScore.App.Review;
using KefuScore.App.Storage;
using KefuScore.App.Training;

namespace KefuScore.Web.Complaints;

/// <summary>
/// 培训 and 人工复核: <c>GET /api/v1/shops/{shop}/training/courses</c>, <c>GET/POST …/agents/{agent}/training</c>,
/// <c>GET …/training/suggestions?from=&amp;to=</c>; <c>POST …/review/sample</c> (draw or fetch the period's sample) and
/// <c>POST …/review/items/{id}/verdicts</c>; <c>GET …/incentives?from=&amp;to=</c> (grades and rewards from storage).
/// </summary>
internal static class TrainingApi
{
    public sealed record RecordBody(string? Course, string? Status, DateTimeOffset? At, double? Score, string? Note);

    public sealed record SampleBody(string? From, string? To, int? PerAgent, double? FlaggedShare, int? Seed);

    /// <summary><c>reviewer</c> is accepted and ignored: the reviewer is the signed-in user or the key (<see cref="ApiAccess.Author"/>).</summary>
    public sealed record VerdictBody(string? Rule, string? Message, string? Verdict, string? Comment, string? Reviewer);

    public static void MapTrainingApi(this IEndpointRouteBuilder api)
    {
        var g = api.MapGroup("/shops/{shop}");
        g.MapGet("/training/courses", Courses).RequireNeed(Need.ReadOwn).WithName("TrainingCourses").WithSummary("The training courses and what points to them");
        g.MapGet("/agents/{agent}/training", Records).RequireNeed(Need.ReadOwn).WithName("AgentTraining").WithSummary("An agent's training records");
        g.MapPost("/agents/{agent}/training", Add).RequireNeed(Need.ManageShop).WithName("AddAgentTraining").WithSummary("Record a planned or completed course");
        g.MapGet("/training/suggestions", Suggestions).RequireNeed(Need.ReadOwn).WithName("TrainingSuggestions").WithSummary("Courses suggested from findings and complaints in a period");
        g.MapGet("/incentives", Incentives).RequireNeed(Need.ReadOwn).WithName("ShopIncentives").WithSummary("Each agent's grade, contest rank and reward for a period (as kefu grade)");
        g.MapPost("/review/sample", Sample).RequireNeed(Need.ManageShop).WithName("ReviewSample").WithSummary("The period's manual-review sample (drawn once, then stored)");
        g.MapGet("/review/labels", Labels).RequireNeed(Need.ManageShop).WithName("ReviewLabels").WithSummary("The review verdicts on findings as labelled messages (JSON Lines for kefu inspect train --labels)");
        g.MapPost("/review/items/{id:long}/verdicts", Verdict).RequireNeed(Need.ManageShop).WithName("ReviewVerdict").WithSummary("A reviewer's verdict on a finding or a conversation");
    }

    private static async Task<IResult> Courses(HttpContext http, KefuDb db, string shop, CancellationToken ct) =>
        await ComplaintsApi.Guarded(http, db, shop, () =>
        {
            var c = TrainingLoader.BuiltIn();
            return Task.FromResult(Results.Json(new
            {
                courses = c.Courses.Select(x => new { id = x.Id, name = x.Name, en = x.English }),
                rules = c.ForRule,
                complaints = c.ForComplaint,
            }, ComplaintJson.Options));
        }, ct);

    private static async Task<IResult> Records(HttpContext http, KefuDb db, string shop, string agent, CancellationToken ct) =>
        await ComplaintsApi.Guarded(http, db, shop, async () =>
            Results.Json((await TrainingBook.Records(db, shop, agent, ct)).Select(Json), ComplaintJson.Options), ct);

    private static async Task<IResult> Add(HttpContext http, KefuDb db, TimeProvider clock, string shop, string agent, RecordBody body, CancellationToken ct) =>
        await ComplaintsApi.Guarded(http, db, shop, async () =>
        {
            var row = await TrainingBook.Add(db, shop, agent, body.Course ?? "", body.Status ?? "done", body.At ?? clock.GetUtcNow(), body.Score, body.Note, ct);
            return Results.Json(Json(row), ComplaintJson.Options, statusCode: StatusCodes.Status201Created);
        }, ct);

    private static async Task<IResult> Suggestions(HttpContext http, KefuDb db, string shop, string? from, string? to, CancellationToken ct) =>
        await ComplaintsApi.Guarded(http, db, shop, async () =>
        {
            if (!TryDate(from, out var f) || !TryDate(to, out var t)) return ComplaintsApi.Error(400, "from, to: required dates like 2026-11-20");
            var calendar = await ShopSettings.CalendarOf(db, shop, ct);
            long Start(DateOnly d) => new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), calendar.Zone.GetUtcOffset(d.ToDateTime(TimeOnly.MinValue))).UtcTicks;
            var list = await TrainingBook.Suggestions(db, shop, Start(f), Start(t.AddDays(1)), ct);
            var own = ApiKeyFilter.Grant(http).AgentIn(shop);
            return Results.Json(list.Where(s => own is null || s.Agent == own).Select(s => new { agent = s.Agent, course = s.Course.Id, name = s.Course.Name, because = s.Because }), ComplaintJson.Options);
        }, ct);

    private static async Task<IResult> Incentives(HttpContext http, KefuDb db, TimeProvider clock, string shop, string? from, string? to, CancellationToken ct) =>
        await ComplaintsApi.Guarded(http, db, shop, async () =>
        {
            if (!TryDate(from, out var f) || !TryDate(to, out var t)) return ComplaintsApi.Error(400, "from, to: required dates like 2026-11-20");
            var result = await App.Incentives.IncentiveBook.Evaluate(db, shop, f, t, clock.GetUtcNow(), ct);
            if (result is not { } r) return ComplaintsApi.Error(404, $"shop '{shop}' is not known");
            // An agent's sign-in: their own row only (rank and reward, never a colleague's), as the training page.
            var own = ApiKeyFilter.Grant(http).AgentIn(shop);
            return Results.Json(new
            {
                from, to,
                agents = r.Standings.Where(x => own is null || x.Agent == own).Select(x => new
                {
                    agent = x.Agent, grade = x.Grade.Id, grade_name = x.Grade.Name, rank = x.Rank, reward = x.Reward,
                    @base = x.Base, bonus = x.Bonus, deduction = x.Deduction, prize = x.Prize,
                    figures = r.Figures.First(g => g.Agent == x.Agent).Values.OrderBy(v => v.Key, StringComparer.Ordinal).ToDictionary(v => v.Key, v => Math.Round(v.Value, 4)),
                }),
            }, ComplaintJson.Options);
        }, ct);

    private static async Task<IResult> Sample(HttpContext http, KefuDb db, string shop, SampleBody body, CancellationToken ct) =>
        await ComplaintsApi.Guarded(http, db, shop, async () =>
        {
            if (!TryDate(body.From, out var f) || !TryDate(body.To, out var t)) return ComplaintsApi.Error(400, "from, to: required dates like 2026-11-20");
            if (body.FlaggedShare is < 0 or > 1) return ComplaintsApi.Error(400, "flagged_share: must be from 0 to 1");
            var items = await ReviewBook.Draw(db, shop, f, t, body.PerAgent ?? 5, body.FlaggedShare ?? 0.6, body.Seed ?? 1, ct);
            return Results.Json(new { period = ReviewBook.Period(f, t), items = items.Select(Json) }, ComplaintJson.Options);
        }, ct);

    private static async Task<IResult> Labels(HttpContext http, KefuDb db, string shop, CancellationToken ct) =>
        await ComplaintsApi.Guarded(http, db, shop, async () =>
        {
            var text = ReviewLabels.Write(await ReviewLabels.Of(db, shop, ct), shop);
            http.Response.Headers.ContentDisposition = "attachment; filename=\"review-labels.jsonl\"";
            return Results.Text(text, "application/x-ndjson; charset=utf-8");
        }, ct);

    private static async Task<IResult> Verdict(HttpContext http, KefuDb db, TimeProvider clock, string shop, long id, VerdictBody body, CancellationToken ct) =>
        await ComplaintsApi.Guarded(http, db, shop, async () =>
        {
            var reviewer = ApiAccess.Author(ApiKeyFilter.Grant(http));
            var item = await ReviewBook.AddVerdict(db, shop, id, body.Rule, body.Message, body.Verdict ?? "", body.Comment, reviewer, clock.GetUtcNow().UtcTicks, ct);
            return Results.Json(Json(item), ComplaintJson.Options);
        }, ct);

    private static object Json(TrainingRecordRow r) => new
    {
        id = r.Id, agent = r.Agent, course = r.Course, status = r.Status,
        at = new DateTimeOffset(r.AtTicks, TimeSpan.Zero).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), score = r.Score, note = r.Note,
    };

    private static object Json(ReviewItem i) => new
    {
        id = i.Row.Id, agent = i.Row.Agent, conversation = i.Row.Conversation, stratum = i.Row.Stratum,
        findings = i.Findings.Select(f => new { message = f.Message, rule = f.Rule, evidence = f.Evidence }),
        verdicts = i.Verdicts.Select(v => new { rule = v.Rule, message = v.Message, verdict = v.Verdict, comment = v.Comment, reviewer = v.Reviewer }),
    };

    private static bool TryDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}
