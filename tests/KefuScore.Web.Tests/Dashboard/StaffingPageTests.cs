using Bunit;
using KefuScore.App.Profiles;
using KefuScore.App.Staffing;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Engine.Simulation;
using KefuScore.Engine.Staffing;
using KefuScore.Web.Dashboard;
using KefuScore.Web.Dashboard.Staffing;

namespace KefuScore.Web.Tests.Dashboard;

/// <summary>
/// The 排班 page over a real store: two simulated weeks (2026-11-16 … 29, seed 5), planned for the next day
/// 2026-11-30. The page must show what <c>kefu plan</c> computes from the same events.
/// </summary>
public sealed class StaffingPageTests : ShopWidePageContext
{
    private static readonly List<ChatEvent> Events =
        Simulator.Generate(new SimulationOptions { Shops = 1, Days = 14, Seed = 5, Start = new DateOnly(2026, 11, 16) }).Select(e => FirstStart.InShop(e, "plan")).ToList();

    /// <summary>2026-11-29 evening in Shanghai: the page proposes 2026-11-30.</summary>
    private static readonly DateTimeOffset Evening = new(2026, 11, 29, 20, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task The_next_day_is_planned_with_progress_and_shows_the_plan_of_kefu_plan()
    {
        await Store(Events);
        await SignIn(Roles.Supervisor, Evening, shop: "plan");
        var cut = Render<StaffingPage>(p => p.Add(x => x.ShopId, "plan").AddCascadingValue(new Lang(false)));
        Assert.Equal("2026-11-30", cut.Find("#plan-date").GetAttribute("value"));
        Assert.Equal("97%", cut.Find("#plan-target").GetAttribute("value"));
        cut.Find("#plan-concurrency").Change("3");
        cut.Find("#plan-run").Click();
        // The plan runs off the circuit: the progress bar shows until it is done.
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#plan-intervals")), TimeSpan.FromSeconds(120));
        Assert.Empty(cut.FindAll("#plan-busy"));

        var profile = ProfileCatalog.Compile("douyin");
        var expected = StaffingPlanner.Plan(ConsultationHistory.From(Events, profile.Zone, "plan"), profile,
            new PlanRequest { Date = new DateOnly(2026, 11, 30), Concurrency = 3 }, "plan");

        // Each interval row: its needed and rostered agents and the gap, as the planner has them.
        var shown = cut.FindAll("#plan-intervals tbody tr");
        Assert.NotEmpty(shown);
        foreach (var row in shown)
        {
            var i = expected.Intervals.Single(x => x.Start == row.GetAttribute("data-interval"));
            var cells = row.QuerySelectorAll("td");
            Assert.Equal(i.Agents.ToString(System.Globalization.CultureInfo.InvariantCulture), cells[1].TextContent);
            Assert.Equal(i.Rostered.ToString(System.Globalization.CultureInfo.InvariantCulture), cells[2].TextContent);
            Assert.Equal(i.Short, (row.GetAttribute("style") ?? "").Contains("#b71c1c", StringComparison.Ordinal));
        }
        // 09:00–19:00 is assessed: each of its intervals is listed.
        Assert.Contains(shown, r => r.GetAttribute("data-interval") == "09:00");
        Assert.Contains(shown, r => r.GetAttribute("data-interval") == "18:45");

        Assert.Equal(expected.Roster.Shifts.Count, cut.FindAll("#plan-shifts tbody tr").Count);
        Assert.Equal(expected.Roster.Shifts.Sum(s => s.Agents), cut.FindAll("#plan-shifts tbody tr").Sum(r => int.Parse(r.QuerySelectorAll("td")[3].TextContent, System.Globalization.CultureInfo.InvariantCulture)));

        // Replayed rate per hour, green at or above 97%, red below.
        var hours = cut.FindAll("#plan-hours tbody tr");
        Assert.Equal(expected.Replay.Hours.Count(h => h.Counted > 0), hours.Count);
        foreach (var row in hours)
        {
            var h = expected.Replay.Hours.Single(x => x.Hour.ToString(System.Globalization.CultureInfo.InvariantCulture) == row.GetAttribute("data-hour"));
            Assert.Equal(h.Rate >= 0.97 ? "pass" : "fail", row.QuerySelector(".kefu-verdict")!.GetAttribute("data-status"));
        }
        Assert.Equal(expected.MeetsTarget ? "pass" : "fail", cut.Find("#plan-rate").GetAttribute("data-status"));
        // The gap counts every interval short of agents or replayed below the line: never "缺口 0" beside a red hour.
        Assert.Equal($"缺口 {expected.ShortIntervals} 个时段", cut.Find("#plan-gap").TextContent);
        if (expected.Replay.Hours.Any(h => h.Counted > 0 && h.Rate < 0.97)) Assert.NotEqual(0, expected.ShortIntervals);
    }

    [Fact]
    public async Task A_bad_target_or_uplift_is_named_and_no_plan_is_shown()
    {
        await Store(Events.Where(e => e.At < new DateTimeOffset(2026, 11, 18, 0, 0, 0, TimeSpan.Zero)));
        await SignIn(Roles.Admin, Evening);
        var cut = Render<StaffingPage>(p => p.Add(x => x.ShopId, "plan").AddCascadingValue(new Lang(false)));
        // Two days are too little history.
        cut.Find("#plan-run").Click();
        cut.WaitForAssertion(() => Assert.Contains("历史数据不足", cut.Find("#plan-error").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        // Issue 16: "97%" was refused as "not METRIC=SHARE"; now a rate is typed as 97% or 0.97, never 97.
        cut.Find("#plan-target").Change("97");
        cut.Find("#plan-run").Click();
        cut.WaitForAssertion(() => Assert.Equal("目标：“97”不是比率：百分数请带 %（如 97%），或写成小数（如 0.97）", cut.Find("#plan-error").TextContent), TimeSpan.FromSeconds(60));
        cut.Find("#plan-target").Change("100%");
        cut.Find("#plan-run").Click();
        cut.WaitForAssertion(() => Assert.Equal("目标：须大于 0% 且小于 100%", cut.Find("#plan-error").TextContent), TimeSpan.FromSeconds(60));
        cut.Find("#plan-target").Change("97%");

        cut.Find("#plan-uplift").Change("-2");
        cut.Find("#plan-run").Click();
        cut.WaitForAssertion(() => Assert.Contains("流量倍数", cut.Find("#plan-error").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Empty(cut.FindAll("#plan-intervals"));
    }

    [Fact]
    public async Task An_agent_is_refused_the_plan()
    {
        await Store(Events.Take(100));
        await SignIn(Roles.Agent, Evening, shop: "plan", agent: "plan-a1");
        var cut = Render<StaffingPage>(p => p.Add(x => x.ShopId, "plan").AddCascadingValue(new Lang(false)));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#no-access")), TimeSpan.FromSeconds(10));
        Assert.Empty(cut.FindAll("#plan-run"));
    }
}
