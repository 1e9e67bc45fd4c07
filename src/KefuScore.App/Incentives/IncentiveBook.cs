using KefuScore.App.Complaints;
using KefuScore.App.Storage;
using KefuScore.Engine.Incentives;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;

namespace KefuScore.App.Incentives;

/// <summary>
/// Grades and rewards of a shop's agents for a period from storage: the stored report's agent figures and the stored
/// complaints with their clocks (so <c>complaints_breached</c> and <c>complaints_in_time_rate</c> are known), under the
/// shop's incentive rules (<c>shop_settings</c> kind <c>incentives</c>) or the built-in ones.
/// </summary>
public static class IncentiveBook
{
    public static async Task<(IReadOnlyList<AgentFigures> Figures, IReadOnlyList<Standing> Standings)?> Evaluate(
        KefuDb db, string shop, DateOnly from, DateOnly to, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var stored = await StoredReports.Build(db, shop, null, new ReportRequest(PeriodKind.Day, from, to, Agents: true), ct);
        if (stored is null) return null;
        var text = await ShopSettings.Get(db, shop, ShopSettings.Incentives, ct);
        var rules = text is null ? IncentivesLoader.BuiltIn() : IncentivesLoader.Parse(text, $"shop {shop} incentives");
        var (complaints, _) = await ComplaintBook.List(db, shop, now, ct: ct);
        var zone = stored.Profile.Zone;
        var inPeriod = complaints.Where(c =>
        {
            var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(ComplaintBook.Times(c.Row).Created, zone).DateTime);
            return day >= from && day <= to;
        }).Select(c => (c.Row.Agent, c.Clock));
        var figures = AgentFiguresBuilder.Build(stored.Report, AgentFiguresBuilder.FromClocks(inPeriod));
        return (figures, IncentiveCalculator.Evaluate(rules, figures));
    }
}
