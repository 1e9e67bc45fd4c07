using System.Globalization;
using KefuScore.App.Complaints;
using KefuScore.App.Incentives;
using KefuScore.App.Review;
using KefuScore.App.Storage;
using KefuScore.Engine.Complaints;
using KefuScore.Engine.Incentives;
using KefuScore.Engine.Quality;
using KefuScore.Web.Dashboard.Export;

namespace KefuScore.Web.Dashboard.Quality;

/// <summary>
/// What the quality pages read (complaints, findings, incentives), cut to what the grant may see: an agent's grant
/// gets their own complaints, findings and standing only; a supervisor's or admin's the whole shop.
/// </summary>
public static class QualityQuery
{
    /// <summary>The shop's complaints (complaint events become complaints on this read) and its deadline policy.</summary>
    public static async Task<(IReadOnlyList<ComplaintView> Complaints, ComplaintPolicy Policy)> Complaints(KefuDb db, ApiKeyGrant grant, ShopContext shop, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(shop);
        var (list, _) = await ComplaintBook.List(db, shop.Id, now, ct: ct);
        var policy = await ShopSettings.ComplaintPolicyOf(db, shop.Id, ct);
        return (grant.AgentIn(shop.Id) is { } agent ? list.Where(c => c.Row.Agent == agent).ToList() : list, policy);
    }

    /// <summary>True when the grant may see this complaint (an agent: only their own).</summary>
    public static bool MaySee(ApiKeyGrant grant, string shop, ComplaintRow row) =>
        grant.AgentIn(shop) is not { } agent || row.Agent == agent;

    /// <summary>The deadline the complaint is waiting on: the response until it is taken up, then the resolution; none once closed.</summary>
    public static Deadline? Pending(ComplaintClock clock) =>
        clock.Respond.Done is null ? clock.Respond : clock.Resolve is { Done: null } r ? r : null;

    /// <summary>Business time left as <c>1:59:30</c>; overdue as <c>-0:00:30</c>; days as hours (<c>49:00:00</c>).</summary>
    public static string Countdown(TimeSpan left)
    {
        var t = left.Duration();
        return (left < TimeSpan.Zero ? "-" : "") + string.Create(CultureInfo.InvariantCulture, $"{(long)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}");
    }

    // Labels of identifiers live in the dashboard's resources (Dashboard/Text/Messages*.resx), one place for every page.
    public static string StateName(Lang l, string state) => l.Term("complaintstate", state);

    public static string CategoryName(Lang l, string category) => l.Term("complaint", category);

    public static string RuleName(Lang l, string rule) => l.Label(KefuScore.Engine.Text.RefKind.QualityRule, rule);

    /// <summary>The built-in inspection of the conversations that begin in the period, with only the grant's findings.</summary>
    public static async Task<IReadOnlyList<Finding>> Findings(KefuDb db, ApiKeyGrant grant, ShopContext shop, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(shop);
        var (inspection, _) = await ReviewBook.Inspect(db, shop.Id, from, to, ct);
        return grant.AgentIn(shop.Id) is { } agent ? inspection.Findings.Where(f => f.Agent == agent).ToList() : inspection.Findings;
    }

    /// <summary>The period's grades, contest ranks and rewards (<see cref="IncentiveBook"/>); an agent gets their own row only.</summary>
    public static async Task<IReadOnlyList<(Standing Standing, AgentFigures Figures)>> Incentives(KefuDb db, ApiKeyGrant grant, ShopContext shop, DateOnly from, DateOnly to, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(shop);
        var result = await IncentiveBook.Evaluate(db, shop.Id, from, to, now, ct);
        if (result is not { } r) return [];
        var figures = r.Figures.ToDictionary(f => f.Agent, StringComparer.Ordinal);
        var agent = grant.AgentIn(shop.Id);
        return r.Standings.Where(s => agent is null || s.Agent == agent)
            .OrderBy(s => s.Rank ?? int.MaxValue).ThenBy(s => s.Agent, StringComparer.Ordinal)
            .Select(s => (s, figures.TryGetValue(s.Agent, out var f) ? f : new AgentFigures(s.Agent, new Dictionary<string, double>()))).ToList();
    }

    /// <summary>A figure of an agent, or null when it is not known for them.</summary>
    public static double? Figure(AgentFigures f, string id) => f.Values.TryGetValue(id, out var v) ? v : null;

    /// <summary>The period from the query string (<c>from</c>, <c>to</c> as 2026-11-20), else the month so far.</summary>
    public static (DateOnly From, DateOnly To) Period(ShopContext shop, string? from, string? to)
    {
        ArgumentNullException.ThrowIfNull(shop);
        var t = DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var x) ? x : shop.Today;
        var f = DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var y) ? y : new DateOnly(t.Year, t.Month, 1);
        return f <= t ? (f, t) : (t, f);
    }

    /// <summary>The export of the complaints table (every complaint the grant may see, with its countdown now).</summary>
    public static async Task<ExportTable> ComplaintsTable(KefuDb db, ApiKeyGrant grant, ShopContext shop, Lang l, DateTimeOffset now, CancellationToken ct)
    {
        var (list, _) = await Complaints(db, grant, shop, now, ct);
        var names = await AgentNames.Load(db, shop.Id, ct);
        return new ExportTable("complaints",
            [
                l.T("编号", "No."), l.T("类别", "Category"), l.T("状态", "State"), l.T("客服", "Agent"), l.T("会话", "Conversation"), l.T("创建时间", "Created"),
                l.T("截止时间", "Due"), l.T("剩余（秒）", "Left (s)"), l.T("已超时", "Overdue"), l.T("升级级别", "Escalation level"),
            ],
            list.Select(c => new object?[]
            {
                c.Row.Id, CategoryName(l, c.Row.Category), StateName(l, c.Row.State), c.Row.Agent is { } agent ? names.Name(agent) : null, c.Row.Conversation,
                ComplaintBook.Times(c.Row).Created.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture),
                Pending(c.Clock)?.Due.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture),
                Pending(c.Clock) is { } d ? (long)d.Left.TotalSeconds : null, c.Clock.Breached ? l.T("是", "Yes") : l.T("否", "No"), c.Clock.Escalation,
            }).ToList());
    }

    /// <summary>The export of the incentives table for the period in the query string.</summary>
    public static async Task<ExportTable> IncentivesTable(KefuDb db, ApiKeyGrant grant, ShopContext shop, Lang l, HttpContext http, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var (from, to) = Period(shop, http.Request.Query["from"], http.Request.Query["to"]);
        var rows = await Incentives(db, grant, shop, from, to, now, ct);
        var names = await AgentNames.Load(db, shop.Id, ct);
        return new ExportTable("incentives",
            [
                l.T("排名", "Rank"), l.T("客服", "Agent"), l.T("评定", "Grade"), l.T("基础奖励（元）", "Base (yuan)"), l.T("加分奖励（元）", "Bonus (yuan)"),
                l.T("扣减（元）", "Deduction (yuan)"), l.T("竞赛奖金（元）", "Prize (yuan)"), l.T("合计（元）", "Reward (yuan)"), new(l.T("3分钟回复率", "3-minute reply rate"), ExportKind.Share),
                new(l.T("满意率", "Satisfaction rate"), ExportKind.Share), l.T("投诉数", "Complaints"), l.T("超时投诉数", "Overdue complaints"),
            ],
            rows.Select(r => new object?[]
            {
                r.Standing.Rank, names.Name(r.Standing.Agent), l.Grade(r.Standing.Grade.Id), r.Standing.Base, r.Standing.Bonus, r.Standing.Deduction,
                r.Standing.Prize, r.Standing.Reward, Figure(r.Figures, "reply_rate_3min"), Figure(r.Figures, "satisfaction_rate"),
                Figure(r.Figures, "complaints"), Figure(r.Figures, "complaints_breached"),
            }).ToList());
    }
}
