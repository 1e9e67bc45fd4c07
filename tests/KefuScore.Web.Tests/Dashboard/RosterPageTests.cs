using Bunit;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Web.Dashboard;
using KefuScore.Web.Dashboard.Agents;
using Microsoft.Extensions.DependencyInjection;

namespace KefuScore.Web.Tests.Dashboard;

/// <summary>The 客服名册 page: agents in the data get a name and a group, and the agents page shows the name.</summary>
public sealed class RosterPageTests : ShopWidePageContext
{
    private static readonly DateTimeOffset Evening = new(2026, 11, 20, 20, 0, 0, TimeSpan.FromHours(8));

    private static ChatEvent Message(string id, string conversation, Sender sender, string agent, string at) => new()
    {
        Type = EventType.Message, Id = id, Shop = "t", Conversation = conversation, Customer = "c-" + conversation,
        Sender = sender, Agent = sender == Sender.Agent ? agent : null, Kind = MessageKind.Text, Text = "在的",
        At = DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture),
    };

    private static readonly ChatEvent[] Events =
    [
        Message("m1", "c1", Sender.Customer, "", "2026-11-20T10:00:00+08:00"), Message("m2", "c1", Sender.Agent, "t-a1", "2026-11-20T10:01:00+08:00"),
        Message("m3", "c2", Sender.Customer, "", "2026-11-20T11:00:00+08:00"), Message("m4", "c2", Sender.Agent, "t-a2", "2026-11-20T11:01:00+08:00"),
    ];

    [Fact]
    public async Task Agents_in_the_data_are_named_and_grouped_and_the_agents_page_shows_the_names()
    {
        await Store(Events);
        await SignIn(Roles.Supervisor, Evening, shop: "t");
        var cut = Render<RosterPage>(p => p.Add(x => x.ShopId, "t").AddCascadingValue(new Lang(false)));
        Assert.Empty(cut.FindAll("#roster tbody tr"));
        Assert.Equal("加入数据中未登记的客服（2 个）", cut.Find("#roster-unnamed").TextContent.Trim());

        cut.Find("#roster-unnamed").Click();
        Assert.Equal(["t-a1", "t-a2"], cut.FindAll(".kefu-roster-agent").Select(i => i.GetAttribute("value")));
        // A row without a name is refused, in Chinese, and nothing is stored.
        await cut.Find("#roster-save").ClickAsync(new());
        Assert.Equal("第 1 行：客服账号和显示名都要填写", cut.Find("#roster-error").TextContent);
        await using (var db = new KefuDb(Options)) Assert.Empty(await AgentRoster.Get(db, "t"));

        cut.FindAll(".kefu-roster-name")[0].Change("小美");
        cut.FindAll(".kefu-roster-group")[0].Change("售前组");
        cut.FindAll(".kefu-roster-name")[1].Change("阿强");
        cut.FindAll(".kefu-roster-group")[1].Change("售后组");
        await cut.Find("#roster-save").ClickAsync(new());
        Assert.Equal("已保存 2 名客服。", cut.Find("#roster-saved").TextContent);
        await using (var db = new KefuDb(Options))
            Assert.Equal([new RosterEntry("t-a1", "小美", "售前组"), new RosterEntry("t-a2", "阿强", "售后组")], await AgentRoster.Get(db, "t"));

        var agents = Render<KefuScore.Web.Dashboard.Agents.Agents>(p => p.Add(x => x.ShopId, "t").AddCascadingValue(new Lang(false)));
        agents.WaitForAssertion(() => Assert.Equal("小美", agents.Find("#scorecards th[data-agent=t-a1]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("阿强", agents.Find("#scorecards th[data-agent=t-a2]").TextContent);
        Assert.Contains("售后组", agents.Find("#scorecards th[data-agent=t-a2]").ParentElement!.TextContent, StringComparison.Ordinal);

        // The conversations list and a conversation's messages name the agent too, not the account id.
        var list = Render<KefuScore.Web.Dashboard.Conversations.Conversations>(p => p.Add(x => x.ShopId, "t").AddCascadingValue(new Lang(false)));
        list.WaitForAssertion(() => Assert.Equal("小美", list.Find("td[data-agent=t-a1]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("阿强", list.Find("td[data-agent=t-a2]").TextContent);
        var one = Render<KefuScore.Web.Dashboard.Conversations.Conversation>(p => p.Add(x => x.ShopId, "t").Add(x => x.ConversationId, "c2").AddCascadingValue(new Lang(false)));
        one.WaitForAssertion(() => Assert.Contains("客服 阿强", one.Markup, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("客服 t-a2", one.Markup, StringComparison.Ordinal);
        // The reply time reads as a duration (a reply the next day would otherwise be "81806 秒").
        Assert.Contains("<td>1分钟</td>", one.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_overview_names_the_late_agents_and_the_signed_in_agent_from_the_roster()
    {
        // c2's customer waits 4 minutes for t-a2: one late reply.
        await Store([Events[0], Events[1], Events[2], Message("m5", "c2", Sender.Agent, "t-a2", "2026-11-20T11:04:00+08:00")]);
        await using (var db = new KefuDb(Options)) await AgentRoster.Replace(db, "t", [new RosterEntry("t-a1", "小美", "售前组"), new RosterEntry("t-a2", "阿强", "售后组")]);
        Services.AddSingleton<KefuScore.Web.Dashboard.Overview.OverviewCache>();
        await SignIn(Roles.Supervisor, Evening, shop: "t");
        var cut = Render<KefuScore.Web.Dashboard.Overview.Overview>(p => p.Add(x => x.ShopId, "t").AddCascadingValue(new Lang(false)));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#late-by-agent")), TimeSpan.FromSeconds(10));
        Assert.Equal(["阿强", "小美"], cut.FindAll("#late-by-agent tbody th").Select(th => th.TextContent));
        Assert.DoesNotContain(">t-a2<", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_is_refused_the_roster()
    {
        await Store(Events);
        await SignIn(Roles.Agent, Evening, shop: "t", agent: "t-a1");
        var cut = Render<RosterPage>(p => p.Add(x => x.ShopId, "t").AddCascadingValue(new Lang(false)));
        Assert.NotEmpty(cut.FindAll("#no-access"));
        Assert.Empty(cut.FindAll("#roster-save"));
    }

    [Fact]
    public async Task The_complaints_pages_name_the_agent_from_the_roster_not_the_account_id()
    {
        var complaint = new ChatEvent
        {
            Type = EventType.Complaint, Id = "k1", Shop = "t", Conversation = "c1", Agent = "t-a1", Category = "attitude",
            At = DateTimeOffset.Parse("2026-11-20T12:00:00+08:00", System.Globalization.CultureInfo.InvariantCulture),
        };
        await Store([.. Events, complaint]);
        await using (var db = new KefuDb(Options)) await AgentRoster.Replace(db, "t", [new RosterEntry("t-a1", "小美", "售前组")]);
        await SignIn(Roles.Supervisor, Evening, shop: "t");
        var list = Render<KefuScore.Web.Dashboard.Quality.ComplaintsPage>(p => p.Add(x => x.ShopId, "t").AddCascadingValue(new Lang(false)));
        list.WaitForAssertion(() => Assert.Equal("小美", list.Find("td[data-agent=t-a1]").TextContent), TimeSpan.FromSeconds(10));
        long id;
        await using (var db = new KefuDb(Options)) id = (await KefuScore.App.Complaints.ComplaintBook.List(db, "t", Evening)).Complaints.Single().Row.Id;
        var one = Render<KefuScore.Web.Dashboard.Quality.ComplaintPage>(p => p.Add(x => x.ShopId, "t").Add(x => x.Id, id).AddCascadingValue(new Lang(false)));
        one.WaitForAssertion(() => Assert.Equal("小美", one.Find("td[data-agent=t-a1]").TextContent), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(">t-a1<", one.Markup, StringComparison.Ordinal);
    }
}
