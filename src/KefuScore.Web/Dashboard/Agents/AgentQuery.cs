using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;

namespace KefuScore.Web.Dashboard.Agents;

/// <summary>An agent's figures over a period, and the grade they earn.</summary>
public sealed record Scorecard(string Agent, long Replies, double? ReplyRate, double? AverageSeconds, double? Satisfaction, long Ratings, long Dissatisfied, string GradeId)
{
    public string Grade(Lang l) => GradeId switch { "A" => l.T("优秀", "Excellent"), "B" => l.T("良好", "Good"), "C" => l.T("合格", "Fair"), _ => l.T("待改进", "Needs work") };
}

/// <summary>
/// 客服评定 (the seeds: "by ratings and complaint handling"): the first grade whose every line the agent meets.
/// The lines are configuration (<c>Dashboard:Grades</c>); these are the defaults.
/// </summary>
public sealed record GradeLine(string Grade, double MinSatisfaction, double MaxDissatisfiedShare, double MinReplyRate);

public static class AgentQuery
{
    public static readonly IReadOnlyList<GradeLine> DefaultGrades =
    [
        new("A", 0.95, 0.02, 0.97),
        new("B", 0.85, 0.05, 0.90),
        new("C", 0.70, 0.10, 0.80),
    ];

    /// <summary>Every agent's scorecard over <paramref name="from"/>…<paramref name="to"/> (default: this month), best first.</summary>
    public static async Task<IReadOnlyList<Scorecard>> Scorecards(KefuDb db, ApiKeyGrant grant, ShopContext shop,
        DateOnly? from = null, DateOnly? to = null, IReadOnlyList<GradeLine>? grades = null, CancellationToken ct = default)
    {
        var start = from ?? new DateOnly(shop.Today.Year, shop.Today.Month, 1);
        var end = to ?? shop.Today;
        var stored = await StoredReports.Build(db, shop.Id, null, new ReportRequest(PeriodKind.Day, start, end, Agents: true), ct);
        IReadOnlyList<AgentReport> agents = stored is { Report.Shops.Count: > 0 } ? stored.Report.Shops[0].Agents : [];
        if (grant.AgentIn(shop.Id) is { } only) agents = agents.Where(a => a.Agent == only).ToList();

        var profile = shop.Profile;
        var reply = shop.ReplyMetric;
        var time = profile.Roles.ReplyTime;
        var satisfied = profile.Roles.Satisfied;
        var dissatisfied = profile.Roles.Dissatisfied;
        var cards = new List<Scorecard>();
        foreach (var a in agents.Where(a => a.Agent.Length > 0))
        {
            var periods = a.Periods.Where(p => p.Start >= start && p.Start <= end).ToList();
            var r = Sum(periods, reply);
            var t = Sum(periods, time);
            var s = Sum(periods, satisfied);
            var d = Sum(periods, dissatisfied);
            var card = new Scorecard(a.Agent, r.Denominator, Rate(r), t.Count > 0 ? (double)t.SumTicks / t.Count / TimeSpan.TicksPerSecond : null,
                Rate(s), s.Denominator, d.Numerator, "");
            cards.Add(card with { GradeId = GradeOf(card, grades ?? DefaultGrades) });
        }
        return cards.OrderByDescending(c => c.ReplyRate ?? -1).ThenByDescending(c => c.Satisfaction ?? -1).ThenBy(c => c.Agent, StringComparer.Ordinal).ToList();
    }

    public static string GradeOf(Scorecard c, IReadOnlyList<GradeLine> grades)
    {
        var dissatisfiedShare = c.Ratings > 0 ? (double)c.Dissatisfied / c.Ratings : 0;
        foreach (var g in grades)
            if ((c.Satisfaction ?? 0) >= g.MinSatisfaction && dissatisfiedShare <= g.MaxDissatisfiedShare && (c.ReplyRate ?? 0) >= g.MinReplyRate)
                return g.Grade;
        return "D";
    }

    private static double? Rate(MetricCell c) => c.Denominator > 0 ? (double)c.Numerator / c.Denominator : null;

    private static MetricCell Sum(IEnumerable<PeriodReport> periods, MetricDefinition? metric)
    {
        var sum = default(MetricCell);
        if (metric is null) return sum;
        foreach (var p in periods)
            if (p.Metrics.FirstOrDefault(v => v.Metric.Id == metric.Id) is { } v) sum.Add(v.Cell);
        return sum;
    }
}
