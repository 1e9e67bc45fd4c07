using Bunit;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;
using KefuScore.Web.Dashboard;
using KefuScore.Web.Dashboard.Layout;
using KefuScore.Web.Dashboard.Overview;
using Microsoft.AspNetCore.Components;
using MudBlazor.Services;

namespace KefuScore.Web.Tests.Dashboard;

/// <summary>The dashboard's small components, rendered with bUnit: colours, consequences, heatmap links, the menu.</summary>
public sealed class ComponentTests : BunitContext
{
    private IRenderedComponent<T> RenderIn<T>(bool english, Action<ComponentParameterCollectionBuilder<T>> parameters) where T : IComponent =>
        Render<T>(p =>
        {
            parameters(p);
            p.AddCascadingValue(new Lang(english));
        });

    [Fact]
    public void A_failed_verdict_is_red_and_says_what_it_costs_in_Chinese_and_English()
    {
        var fine = new Consequence { Kind = "fine", Amount = 1000 };
        var zh = RenderIn<VerdictChip>(false, p => p.Add(x => x.Status, VerdictStatus.Fail).Add(x => x.Consequence, fine));
        Assert.Equal("不达标", zh.Find(".kefu-verdict").TextContent);
        Assert.Contains("background:#b71c1c", zh.Find(".kefu-verdict").GetAttribute("style"));
        Assert.Equal("罚款 1000 元", zh.Find(".kefu-consequence").TextContent.Trim());

        var en = RenderIn<VerdictChip>(true, p => p.Add(x => x.Status, VerdictStatus.Fail).Add(x => x.Consequence, new Consequence { Kind = "points", Points = 5 }));
        Assert.Equal("Fail", en.Find(".kefu-verdict").TextContent);
        Assert.Equal("5 points deducted", en.Find(".kefu-consequence").TextContent.Trim());
    }

    [Fact]
    public void A_passed_verdict_is_green_and_no_data_is_grey_and_neither_shows_a_cost()
    {
        var ban = new Consequence { Kind = "campaign_ban" };
        var pass = RenderIn<VerdictChip>(false, p => p.Add(x => x.Status, VerdictStatus.Pass).Add(x => x.Consequence, ban));
        Assert.Equal("达标", pass.Find(".kefu-verdict").TextContent);
        Assert.Contains("background:#1b5e20", pass.Find(".kefu-verdict").GetAttribute("style"));
        Assert.Empty(pass.FindAll(".kefu-consequence"));

        var none = RenderIn<VerdictChip>(false, p => p.Add(x => x.Status, VerdictStatus.None));
        Assert.Equal("无数据", none.Find(".kefu-verdict").TextContent);
        Assert.Contains("background:#616161", none.Find(".kefu-verdict").GetAttribute("style"));
    }

    [Theory]
    [InlineData("campaign_ban", "不能参加平台活动")]
    [InlineData("restriction", "限制部分功能")]
    public void Every_consequence_kind_has_plain_words(string kind, string words) =>
        Assert.Equal(words, new Lang(false).Consequence(new Consequence { Kind = kind }));

    [Fact]
    public void The_heatmap_links_each_non_empty_cell_to_the_late_conversations_of_that_weekday_and_hour()
    {
        var late = new long[7, 24];
        late[(int)DayOfWeek.Monday, 10] = 4;
        late[(int)DayOfWeek.Sunday, 18] = 1;
        var cut = RenderIn<LateHeatmap>(false, p => p.Add(x => x.Late, late).Add(x => x.Shop, "demo"));

        var links = cut.FindAll("a[data-late]");
        Assert.Equal(2, links.Count);
        Assert.Equal("shops/demo/conversations?filter=late&weekday=1&hour=10", links[0].GetAttribute("href"));
        Assert.Equal("4", links[0].TextContent);
        Assert.Equal("周一 10点: 4 条迟回复", links[0].GetAttribute("title"));
        // Monday is the first row and Sunday the last: 7 rows of 24 hours.
        Assert.Equal(7, cut.FindAll("tbody tr").Count);
        Assert.Equal("周日", cut.FindAll("tbody tr")[6].QuerySelector("th")!.TextContent);
        Assert.Equal("shops/demo/conversations?filter=late&weekday=0&hour=18", links[1].GetAttribute("href"));
        // The busiest cell is the strongest red, and never so strong that black digits become hard to read.
        Assert.Contains("rgba(211, 47, 47, 0.55)", links[0].ParentElement!.GetAttribute("style"));
        Assert.Equal(24 * 7, cut.FindAll("tbody td").Count);
    }

    [Fact]
    public void The_menu_links_the_shop_pages_of_the_current_shop_and_hides_admin_pages_from_others()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        var supervisor = RenderIn<NavMenu>(false, p => p.Add(x => x.Shop, "north").Add(x => x.Admin, false));
        var hrefs = supervisor.FindAll("a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains("shops/north", hrefs);
        Assert.Contains("shops/north/conversations", hrefs);
        Assert.DoesNotContain("settings", hrefs);
        Assert.Contains("profiles", hrefs);

        var admin = RenderIn<NavMenu>(true, p => p.Add(x => x.Shop, "north").Add(x => x.Admin, true));
        Assert.Contains("settings", admin.FindAll("a").Select(a => a.GetAttribute("href")));
        Assert.Contains("Overview", admin.Markup);
    }
}
