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

    private static async Task<IResult> Export(HttpContext http, string shop, string file, string? filter, int? weekday, int? hour, string? q, KefuDb db, TimeProvider clock, CancellationToken ct)
    {
        var dot = file.LastIndexOf('.');
        if (dot <= 0) return Results.NotFound();
        var (table, format) = (file[..dot], file[(dot + 1)..]);
        if (format is not ("csv" or "xlsx")) return Results.BadRequest("format: csv or xlsx");
        var grant = await Access.GrantOf(http.RequestServices, http.User, ct);
        var context = await ShopContext.Load(db, grant, shop, clock, ct);
        if (context is null) return Results.NotFound();
        var lang = Lang.From(http);
        var search = ConversationSearch.Parse(q, out var tooLong);
        if (tooLong) return Results.BadRequest(lang.T($"搜索词最多 {ConversationSearch.MaxLength} 个字", $"q: at most {ConversationSearch.MaxLength} characters"));
        ExportTable? result = table switch
        {
            "overview" => await Overview(db, grant, context, lang, ct),
            "conversations" => await Conversations(db, grant, context, lang, ConversationQuery.Parse(filter), weekday, hour, search, ct),
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
        var columns = new List<ExportColumn> { l.T("日期", "Date") };
        columns.AddRange(metrics.Select(m => new ExportColumn(l.Name(m.Names, m.Id), m.Shape == MetricShape.Rate ? ExportKind.Share : ExportKind.Text)));
        columns.AddRange(rules.Select(r => new ExportColumn(l.T($"考核：{l.Name(r.Names, r.Id)}", $"Verdict: {l.Name(r.Names, r.Id)}"))));
        var rows = days.Select(p =>
        {
            var row = new List<object?> { p.Start };
            row.AddRange(metrics.Select(m => (object?)OverviewQuery.ValueOf(p, m)));
            row.AddRange(rules.Select(r => (object?)l.Status(p.Verdicts.FirstOrDefault(v => v.Rule == r.Id)?.Status ?? VerdictStatus.None)));
            return row.ToArray();
        }).ToList();
        return new ExportTable("overview", columns, rows);
    }

    /// <summary>Conversations, one row each.</summary>
    private static async Task<ExportTable> Conversations(KefuDb db, ApiKeyGrant grant, ShopContext shop, Lang l, ConversationFilter filter, int? weekday, int? hour,
        ConversationSearch? search, CancellationToken ct)
    {
        var (wd, h) = (weekday is >= 0 and <= 6 ? weekday : null, hour is >= 0 and <= 23 ? hour : null);
        var items = await ConversationQuery.List(db, grant, shop, filter, shop.Today.AddDays(-(OverviewQuery.TrendLength - 1)), shop.Today, wd, h,
            limit: int.MaxValue, search: search, ct: ct);
        var names = await AgentNames.Load(db, shop.Id, ct);
        return new ExportTable("conversations",
            [l.T("会话", "Conversation"), l.T("客服", "Agent"), l.T("首条消息时间", "First message"), l.T("计入消息数", "Counted"), l.T("超时数", "Late"), l.T("未回复数", "Unanswered"), l.T("不满意数", "Dissatisfied")],
            items.Select(i => new object?[] { i.Conversation, names.Name(i.Agent), i.FirstLocal, i.Counted, i.Late, i.Unanswered, i.Dissatisfied }).ToList());
    }

    private static async Task<ExportTable> AgentsTable(KefuDb db, ApiKeyGrant grant, ShopContext shop, Lang l, DateTimeOffset now, CancellationToken ct)
    {
        var cards = await AgentQuery.Scorecards(db, grant, shop, now, ct: ct);
        var names = await AgentNames.Load(db, shop.Id, ct);
        return new ExportTable("agents",
            [
                l.T("排名", "Rank"), l.T("客服", "Agent"), l.T("回复数", "Replies"), new(l.T("3分钟回复率", "3-minute reply rate"), ExportKind.Share),
                l.T("平均响应（秒）", "Average reply (s)"), new(l.T("满意率", "Satisfaction rate"), ExportKind.Share), l.T("不满意数", "Dissatisfied"), l.T("评级", "Grade"),
            ],
            cards.Select((c, i) => new object?[] { i + 1, names.Name(c.Agent), c.Replies, c.ReplyRate, c.AverageSeconds, c.Satisfaction, c.Dissatisfied, c.GradeName(l) }).ToList());
    }
}
