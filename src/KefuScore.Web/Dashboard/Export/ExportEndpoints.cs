using KefuScore.App.Storage;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;
using KefuScore.Web.Dashboard.Agents;
using KefuScore.Web.Dashboard.Conversations;
using KefuScore.Web.Dashboard.Overview;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.Web.Dashboard.Export;

/// <summary>
/// <c>GET /export/{shop}/{table}.{csv|xlsx}</c> for a signed-in user: every table of the dashboard as a file, with the
/// same access rules as the pages (an agent's export holds only their own figures).
/// </summary>
internal static class ExportEndpoints
{
    public static void MapExportEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/export/{shop}/{file}", Export).RequireAuthorization().ExcludeFromDescription();

    private static async Task<IResult> Export(HttpContext http, string shop, string file, string? filter, int? weekday, int? hour, KefuDb db, TimeProvider clock, CancellationToken ct)
    {
        var dot = file.LastIndexOf('.');
        if (dot <= 0) return Results.NotFound();
        var (table, format) = (file[..dot], file[(dot + 1)..]);
        if (format is not ("csv" or "xlsx")) return Results.BadRequest("format: csv or xlsx");
        var grant = await Access.GrantOf(http.RequestServices, http.User, ct);
        var context = await ShopContext.Load(db, grant, shop, clock, ct);
        if (context is null) return Results.NotFound();
        var lang = Lang.From(http);
        ExportTable? result = table switch
        {
            "overview" => await Overview(db, grant, context, lang, ct),
            "conversations" => await Conversations(db, grant, context, ConversationQuery.Parse(filter), weekday, hour, ct),
            "agents" => await AgentsTable(db, grant, context, lang, clock.GetUtcNow(), ct),
            "complaints" => await Quality.QualityQuery.ComplaintsTable(db, grant, context, lang, clock.GetUtcNow(), ct),
            "incentives" => await Quality.QualityQuery.IncentivesTable(db, grant, context, lang, http, clock.GetUtcNow(), ct),
            _ => null,
        };
        if (result is null) return Results.NotFound();
        var name = $"{shop}-{table}-{context.Today:yyyyMMdd}.{format}";
        return format == "csv"
            ? Results.File(result.ToCsv(), "text/csv; charset=utf-8", name)
            : Results.File(result.ToXlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
    }

    /// <summary>Every metric of every day of the last 30, as the trend shows them.</summary>
    private static async Task<ExportTable> Overview(KefuDb db, ApiKeyGrant grant, ShopContext shop, Lang l, CancellationToken ct)
    {
        var days = await shop.Days(db, grant, shop.Today.AddDays(-(OverviewQuery.TrendLength - 1)), shop.Today, PeriodKind.Day, ct);
        var metrics = shop.Profile.Metrics;
        var rules = shop.Profile.VersionOn(shop.Today).Assessments;
        var columns = new List<string> { l.T("日期", "date") };
        columns.AddRange(metrics.Select(m => m.Id));
        columns.AddRange(rules.Select(r => "verdict:" + r.Id));
        var rows = days.Select(p =>
        {
            var row = new List<object?> { p.Start };
            row.AddRange(metrics.Select(m => (object?)OverviewQuery.ValueOf(p, m)));
            row.AddRange(rules.Select(r => (object?)(p.Verdicts.FirstOrDefault(v => v.Rule == r.Id)?.Status.ToString().ToLowerInvariant() ?? "none")));
            return row.ToArray();
        }).ToList();
        return new ExportTable("overview", columns, rows);
    }

    /// <summary>Conversations, one row each.</summary>
    private static async Task<ExportTable> Conversations(KefuDb db, ApiKeyGrant grant, ShopContext shop, ConversationFilter filter, int? weekday, int? hour, CancellationToken ct)
    {
        var items = await ConversationQuery.List(db, grant, shop, filter, shop.Today.AddDays(-(OverviewQuery.TrendLength - 1)), shop.Today, weekday, hour, int.MaxValue, ct);
        return new ExportTable("conversations", ["conversation", "agent", "first_hour", "counted", "late", "unanswered", "dissatisfied"],
            items.Select(i => new object?[] { i.Conversation, i.Agent, i.FirstLocal, i.Counted, i.Late, i.Unanswered, i.Dissatisfied }).ToList());
    }

    private static async Task<ExportTable> AgentsTable(KefuDb db, ApiKeyGrant grant, ShopContext shop, Lang l, DateTimeOffset now, CancellationToken ct)
    {
        var cards = await AgentQuery.Scorecards(db, grant, shop, now, ct: ct);
        return new ExportTable("agents", ["rank", "agent", "replies", "reply_rate", "avg_reply_seconds", "satisfaction_rate", "dissatisfied", "grade"],
            cards.Select((c, i) => new object?[] { i + 1, c.Agent, c.Replies, c.ReplyRate, c.AverageSeconds, c.Satisfaction, c.Dissatisfied, c.GradeName(l) }).ToList());
    }
}
