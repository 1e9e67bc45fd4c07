using System.Globalization;
using Bunit;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Web.Dashboard;
using KefuScore.Web.Dashboard.Overview;
using Microsoft.Extensions.DependencyInjection;

namespace KefuScore.Web.Tests.Dashboard;

/// <summary>
/// The overview and the calendar in the Spring Festival 2026 (2026-02-10…24, douyin's standard line 90% instead of
/// 97%), on 2026-02-11 at 20:00: a day judged at 90% says so, the trend breaks where there is no data.
/// </summary>
public sealed class OverviewAndCalendarTests : ShopWidePageContext
{
    private static readonly DateTimeOffset Evening = new(2026, 2, 11, 20, 0, 0, TimeSpan.FromHours(8));

    /// <summary>On <paramref name="day"/> from 10:00, one customer a minute: the first <paramref name="onTime"/> answered by a1 in 60 s, the rest by a2 in 400 s.</summary>
    private static IEnumerable<ChatEvent> Day(string day, int customers, int onTime)
    {
        var start = DateTimeOffset.Parse($"{day}T10:00:00+08:00", CultureInfo.InvariantCulture);
        for (var i = 0; i < customers; i++)
        {
            var c = $"{day}-c{i}";
            var at = start.AddMinutes(i * 10);
            var late = i >= onTime;
            yield return new ChatEvent { Type = EventType.Message, Id = c + "-q", Shop = "t", Conversation = c, Customer = "u" + i, Sender = Sender.Customer, Kind = MessageKind.Text, Text = "在吗", At = at };
            yield return new ChatEvent { Type = EventType.Message, Id = c + "-r", Shop = "t", Conversation = c, Sender = Sender.Agent, Agent = late ? "a2" : "a1", Kind = MessageKind.Text, Text = "在的", At = at.AddSeconds(late ? 400 : 60) };
        }
    }

    /// <summary>02-05: 1 of 1 on time; 02-06…08 nothing; 02-09 (97% line): 9 of 10; 02-10 (festival, 90%): 9 of 10; 02-11: 1 of 2.</summary>
    private async Task Festival()
    {
        await Store(Day("2026-02-05", 1, 1).Concat(Day("2026-02-09", 10, 9)).Concat(Day("2026-02-10", 10, 9)).Concat(Day("2026-02-11", 2, 1)));
        Services.AddSingleton<OverviewCache>();
        await SignIn(Roles.Admin, Evening);
    }

    [Fact]
    public async Task The_overview_explains_today_and_yesterday_by_the_festival_line()
    {
        await Festival();
        var cut = Render<Overview>(p => p.Add(x => x.ShopId, "t").AddCascadingValue(new Lang(false)));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#verdicts")), TimeSpan.FromSeconds(10));

        var standard = cut.Find("#verdicts tr[data-rule=standard]");
        Assert.Equal("今天：3分钟人工回复率 50.0% 低于 90.0%（2026春节(±7天)，按节日考核线）", standard.QuerySelector("[data-day=today]")!.TextContent);
        Assert.Equal("昨天：3分钟人工回复率 90.0% 不低于 90.0%（2026春节(±7天)，按节日考核线）", standard.QuerySelector("[data-day=yesterday]")!.TextContent);
        var floor = cut.Find("#verdicts tr[data-rule=activity_floor]");
        Assert.Equal("今天：3分钟人工回复率 50.0% 不低于 50.0%", floor.QuerySelector("[data-day=today]")!.TextContent);
        // The lines column holds today's lines: 90% (festival) and 50%, no 97%.
        Assert.Equal("< 90.0%；< 50.0%", cut.FindAll("#metrics tr[data-metric=reply_rate_3min] td")[2].TextContent);
    }

    [Fact]
    public async Task The_trend_has_a_percent_axis_the_days_line_as_a_step_and_gaps_for_days_without_data()
    {
        await Festival();
        var cut = Render<Overview>(p => p.Add(x => x.ShopId, "t").AddCascadingValue(new Lang(false)));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#trend-chart")), TimeSpan.FromSeconds(10));

        // Lowest value 50%: the axis runs 40%…100% in 20% steps.
        Assert.Equal(["40", "60", "80", "100"], cut.FindAll("#trend-chart [data-tick]").Select(t => t.GetAttribute("data-tick")));
        Assert.Equal(["40%", "60%", "80%", "100%"], cut.FindAll("#trend-chart [data-tick]").Select(t => t.TextContent));
        // 02-05 alone (a point), then 02-06…08 without data (a gap, not zeros), then 02-09…11 (one line of three points).
        var reply = cut.FindAll("#trend-chart polyline[data-metric=reply_rate_3min]");
        Assert.Equal(3, Assert.Single(reply).GetAttribute("points")!.Split(' ').Length);
        Assert.Single(cut.FindAll("#trend-chart circle[data-metric=reply_rate_3min]"));
        // The line steps from 97% to 90% on 02-10: two heights on one dashed path.
        var path = cut.Find("#trend-chart path.kefu-trend-line[data-metric=reply_rate_3min]").GetAttribute("d")!;
        var heights = path.Split(' ').Select(p => p.Split(',')[1]).Distinct().ToList();
        Assert.Equal(2, heights.Count);
        // Festival days in the window (02-10, 02-11) are shaded.
        Assert.Equal(["2026-02-10", "2026-02-11"], cut.FindAll("#trend-chart rect.kefu-trend-festival").Select(r => r.GetAttribute("data-date")));
    }

    [Fact]
    public async Task Late_replies_are_listed_by_agent_most_first()
    {
        await Festival();
        var cut = Render<Overview>(p => p.Add(x => x.ShopId, "t").AddCascadingValue(new Lang(false)));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#late-by-agent")), TimeSpan.FromSeconds(10));

        // a2 answered 02-09, 02-10 and 02-11's late customers (3 of 3 late); a1 the other 20, all on time.
        var rows = cut.FindAll("#late-by-agent tbody tr");
        Assert.Equal(["a2", "a1"], rows.Select(r => r.GetAttribute("data-agent")));
        Assert.Equal(["3", "3", "0.0%"], rows[0].QuerySelectorAll("td").Select(td => td.TextContent));
        Assert.Equal(["0", "20", "100.0%"], rows[1].QuerySelectorAll("td").Select(td => td.TextContent));
    }

    [Fact]
    public async Task The_calendar_marks_festival_days_and_labels_the_line_that_applied()
    {
        await Festival();
        var cut = Render<KefuScore.Web.Dashboard.Assessments.Assessments>(p => p.Add(x => x.ShopId, "t").AddCascadingValue(new Lang(false)));
        // The clock is in February 2026: the calendar opens on it.
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#calendar")), TimeSpan.FromSeconds(10));

        var festivalDay = cut.Find("#calendar td[data-date='2026-02-10']");
        Assert.Contains("kefu-festival", festivalDay.ClassName);
        Assert.Equal("2026春节(±7天)", festivalDay.QuerySelector(".kefu-festival-tag")!.TextContent);
        var standard = festivalDay.QuerySelector("[data-rule=standard]")!;
        Assert.Equal("pass", standard.QuerySelector(".kefu-verdict")!.GetAttribute("data-status"));
        Assert.Contains("达标线 90.0%", standard.TextContent);
        Assert.DoesNotContain("97%", festivalDay.TextContent);

        // 02-09 is before the festival: 9 of 10 fails the profile's own 97% standard, named as the profile names it.
        var before = cut.Find("#calendar td[data-date='2026-02-09']");
        Assert.Null(before.QuerySelector(".kefu-festival-tag"));
        Assert.Contains("3分钟回复率达标(97%)", before.QuerySelector("[data-rule=standard]")!.TextContent);
        Assert.Equal("fail", before.QuerySelector("[data-rule=standard] .kefu-verdict")!.GetAttribute("data-status"));
        // Every day of 02-10…24 is marked, 02-25 is not.
        Assert.Equal(15, cut.FindAll("#calendar td.kefu-festival").Count);
    }
}
