using KefuScore.App.Incentives;
using KefuScore.App.Storage;
using KefuScore.Engine.Incentives;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;

namespace KefuScore.Web.Dashboard.Agents;

/// <summary>An agent's figures over a period, and the grade the shop's incentive rules give them (null: no standing).</summary>
public sealed record Scorecard(string Agent, long Replies, double? ReplyRate, double? AverageSeconds, double? Satisfaction, long Ratings, long Dissatisfied, Grade? Grade)
{
    public string GradeName(Lang l) => GradeText.Name(l, Grade);
}

public static class AgentQuery
{
    /// <summary>Every agent's scorecard over <paramref name="from"/>…<paramref name="to"/> (default: this month), best first.</summary>
    /// <remarks>Grades are the 培训与激励 page's: <see cref="IncentiveBook"/> over the same period, the one grading system.</remarks>
    public static async Task<IReadOnlyList<Scorecard>> Scorecards(KefuDb db, ApiKeyGrant grant, ShopContext shop, DateTimeOffset now,
        DateOnly? from = null, DateOnly? to = null, CancellationToken ct = default)
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
        var book = await IncentiveBook.Evaluate(db, shop.Id, start, end, now, ct);
        var grades = book is { } b ? b.Standings.ToDictionary(x => x.Agent, x => x.Grade, StringComparer.Ordinal) : [];
        var cards = new List<Scorecard>();
        foreach (var a in agents.Where(a => a.Agent.Length > 0))
        {
            var periods = a.Periods.Where(p => p.Start >= start && p.Start <= end).ToList();
            var r = Sum(periods, reply);
            var t = Sum(periods, time);
            var s = Sum(periods, satisfied);
            var d = Sum(periods, dissatisfied);
            cards.Add(new Scorecard(a.Agent, r.Denominator, Rate(r), t.Count > 0 ? (double)t.SumTicks / t.Count / TimeSpan.TicksPerSecond : null,
                Rate(s), s.Denominator, d.Numerator, grades.GetValueOrDefault(a.Agent)));
        }
        return cards.OrderByDescending(c => c.ReplyRate ?? -1).ThenByDescending(c => c.Satisfaction ?? -1).ThenBy(c => c.Agent, StringComparer.Ordinal).ToList();
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
