using System.Security.Claims;
using Bunit;
using KefuScore.App.Complaints;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Web.Dashboard;
using KefuScore.Web.Dashboard.Quality;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace KefuScore.Web.Tests.Dashboard;

/// <summary>
/// The quality pages over a real SQLite store and a fake clock: the complaints' live countdown and overdue colour,
/// an agent's view limited to their own complaints, and the FAQ upload's line errors.
/// </summary>
public sealed class QualityPagesTests : BunitContext
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kefu-quality-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 20, 11, 0, 0, China));
    private DbContextOptions<KefuDb> _options = null!;

    private static ChatEvent Message(string id, string conversation, Sender sender, string agent, string at, string? text = null) => new()
    {
        Type = EventType.Message, Id = id, Shop = "t", Conversation = conversation, Customer = "c-" + conversation,
        Sender = sender, Agent = sender == Sender.Agent ? agent : null, Kind = MessageKind.Text, Text = text ?? (sender == Sender.Customer ? "在吗" : "亲，在的"),
        At = DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Shop <c>t</c> (no calendar of its own: open round the clock in Shanghai) with two complaints, both with 2 hours to
    /// respond: #1 about t-a1 made at 10:00 (due 12:00, an hour left at 11:00) and #2 about t-a2 made at 08:00 (due
    /// 10:00, an hour overdue at 11:00: escalation level 1, the first step being 0 s).
    /// </summary>
    private async Task<(long Mine, long Theirs)> Seed(string role, string? agent = null)
    {
        _options = KefuStorage.Options(new StorageLocation(_folder));
        await KefuStorage.InitialiseAsync(_options);
        using (var store = new EventStore(_options))
            await store.Ingest([
                Message("m1", "c1", Sender.Customer, "", "2026-11-20T09:59:00+08:00"), Message("m2", "c1", Sender.Agent, "t-a1", "2026-11-20T09:59:30+08:00"),
                Message("m3", "c2", Sender.Customer, "", "2026-11-20T09:30:00+08:00"), Message("m4", "c2", Sender.Agent, "t-a2", "2026-11-20T09:30:30+08:00"),
                // One finding each: t-a1 an absolute claim, t-a2 a rude phrase (both greeted politely first).
                Message("m5", "c1", Sender.Agent, "t-a1", "2026-11-20T10:00:00+08:00", "这款全网最低"),
                Message("m6", "c2", Sender.Agent, "t-a2", "2026-11-20T09:31:00+08:00", "你自己看详情页"),
            ]);
        await using var db = new KefuDb(_options);
        var mine = await ComplaintBook.Create(db, "t", new NewComplaint("attitude", "c1", Agent: "t-a1", Text: "态度不好", At: new DateTimeOffset(2026, 11, 20, 10, 0, 0, China)), _clock.GetUtcNow());
        var theirs = await ComplaintBook.Create(db, "t", new NewComplaint("slow_reply", "c2", Agent: "t-a2", Text: "回复太慢", At: new DateTimeOffset(2026, 11, 20, 8, 0, 0, China)), _clock.GetUtcNow());

        var roleRow = new IdentityRole(role) { NormalizedName = role.ToUpperInvariant() };
        var user = new IdentityUser("someone") { NormalizedUserName = "SOMEONE" };
        db.Roles.Add(roleRow);
        db.Users.Add(user);
        db.UserRoles.Add(new IdentityUserRole<string> { RoleId = roleRow.Id, UserId = user.Id });
        if (role != Roles.Admin) db.UserShops.Add(new UserShopRow { UserId = user.Id, Shop = "t", Agent = agent ?? "" });
        await db.SaveChangesAsync();

        Services.AddSingleton(_options);
        Services.AddSingleton<TimeProvider>(_clock);
        Services.AddSingleton(new ShopChanges());
        Services.AddScoped<Access>();
        Services.AddSingleton(new KefuScore.App.Faq.FaqLibrary());
        Services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        var auth = AddAuthorization();
        auth.SetAuthorized("someone");
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, user.Id));
        return (mine.Row.Id, theirs.Row.Id);
    }

    private static string Countdown(IRenderedComponent<ComplaintsPage> cut, long id) => cut.Find($"tr[data-complaint='{id}'] .kefu-countdown").TextContent;

    private static string Colour(IRenderedComponent<ComplaintsPage> cut, long id) => cut.Find($"tr[data-complaint='{id}'] .kefu-countdown").GetAttribute("style") ?? "";

    [Fact]
    public async Task The_countdown_runs_by_the_second_and_an_overdue_complaint_is_red_with_its_escalation_level()
    {
        var (first, second) = await Seed(Roles.Supervisor);
        var cut = Render<ComplaintsPage>(p => p.Add(x => x.ShopId, "t"));
        cut.WaitForAssertion(() => Assert.Equal("1:00:00", Countdown(cut, first)), TimeSpan.FromSeconds(10));
        Assert.Equal("-1:00:00", Countdown(cut, second));
        Assert.Contains(VerdictColours.Pass, Colour(cut, first), StringComparison.Ordinal);
        Assert.Contains(VerdictColours.Fail, Colour(cut, second), StringComparison.Ordinal);
        Assert.Equal("false", cut.Find($"tr[data-complaint='{first}']").GetAttribute("data-breached"));
        Assert.Equal("1", cut.Find($"tr[data-complaint='{second}'] td[data-escalation]").GetAttribute("data-escalation"));
        Assert.Equal("0", cut.Find($"tr[data-complaint='{first}'] td[data-escalation]").GetAttribute("data-escalation"));

        // 90 seconds later, without a reload: the page's own timer redraws the seconds.
        _clock.Advance(TimeSpan.FromSeconds(90));
        cut.WaitForAssertion(() => Assert.Equal("0:58:30", Countdown(cut, first)), TimeSpan.FromSeconds(10));
        Assert.Equal("-1:01:30", Countdown(cut, second));

        // An hour later #1 is overdue too: red, level 1.
        _clock.Advance(TimeSpan.FromMinutes(59));
        cut.WaitForAssertion(() => Assert.Equal("-0:00:30", Countdown(cut, first)), TimeSpan.FromSeconds(10));
        Assert.Contains(VerdictColours.Fail, Colour(cut, first), StringComparison.Ordinal);
        Assert.Equal("1", cut.Find($"tr[data-complaint='{first}'] td[data-escalation]").GetAttribute("data-escalation"));
    }

    [Fact]
    public async Task The_state_and_category_filters_keep_only_the_matching_complaints()
    {
        var (first, second) = await Seed(Roles.Admin);
        await using (var db = new KefuDb(_options))
            await ComplaintBook.Move(db, "t", second, "investigating", "boss", "看一下", _clock.GetUtcNow());
        var cut = Render<ComplaintsPage>(p => p.Add(x => x.ShopId, "t"));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("tr[data-complaint]").Count), TimeSpan.FromSeconds(10));
        cut.Find("#state-filter").Change("investigating");
        Assert.Equal([second.ToString(System.Globalization.CultureInfo.InvariantCulture)], cut.FindAll("tr[data-complaint]").Select(r => r.GetAttribute("data-complaint")));
        cut.Find("#state-filter").Change("");
        cut.Find("#category-filter").Change("attitude");
        Assert.Equal([first.ToString(System.Globalization.CultureInfo.InvariantCulture)], cut.FindAll("tr[data-complaint]").Select(r => r.GetAttribute("data-complaint")));
        // Taken up at 11:00, an hour after the 10:00 deadline: the response clock stopped; the 24 h resolution runs.
        cut.Find("#category-filter").Change("slow_reply");
        Assert.Equal("true", cut.Find($"tr[data-complaint='{second}']").GetAttribute("data-breached"));
    }

    [Fact]
    public async Task An_agent_sees_only_their_own_complaints_and_cannot_open_a_colleagues()
    {
        var (mine, theirs) = await Seed(Roles.Agent, "t-a1");
        var list = Render<ComplaintsPage>(p => p.Add(x => x.ShopId, "t"));
        list.WaitForAssertion(() => Assert.Single(list.FindAll("tr[data-complaint]")), TimeSpan.FromSeconds(10));
        Assert.Equal(mine.ToString(System.Globalization.CultureInfo.InvariantCulture), list.Find("tr[data-complaint]").GetAttribute("data-complaint"));
        Assert.Empty(list.FindAll("#new-complaint"));

        var other = Render<ComplaintPage>(p => p.Add(x => x.ShopId, "t").Add(x => x.Id, theirs));
        other.WaitForAssertion(() => Assert.NotNull(other.Find("#no-access")), TimeSpan.FromSeconds(10));
        var own = Render<ComplaintPage>(p => p.Add(x => x.ShopId, "t").Add(x => x.Id, mine));
        own.WaitForAssertion(() => Assert.Contains("态度不好", own.Find("#complaint").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        // The agent may add a note but not move the complaint.
        Assert.Empty(own.FindAll("[data-to]"));
        own.Find("#note-text").Change("已联系顾客");
        await own.Find("#add-note").ClickAsync(new());
        own.WaitForAssertion(() => Assert.Contains("已联系顾客", own.Find("#notes").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_supervisor_moves_a_complaint_and_the_note_records_the_move()
    {
        var (mine, _) = await Seed(Roles.Supervisor);
        var cut = Render<ComplaintPage>(p => p.Add(x => x.ShopId, "t").Add(x => x.Id, mine));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-to=investigating]")), TimeSpan.FromSeconds(10));
        // Evidence links to the conversation page.
        Assert.Equal("shops/t/conversations/c1", cut.Find("#evidence a").GetAttribute("href"));
        cut.Find("#note-text").Change("开始调查");
        await cut.Find("[data-to=investigating]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal("调查中", cut.Find("#complaint-state").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains("待处理 → 调查中", cut.Find("#notes").TextContent, StringComparison.Ordinal);
        Assert.Contains("开始调查", cut.Find("#notes").TextContent, StringComparison.Ordinal);
        Assert.Equal(["resolved", "rejected"], cut.FindAll("[data-to]").Select(b => b.GetAttribute("data-to")));
    }

    [Fact]
    public async Task The_agents_page_counts_findings_per_agent_and_links_to_them()
    {
        await Seed(Roles.Supervisor);
        var cut = Render<KefuScore.Web.Dashboard.Agents.Agents>(p => p.Add(x => x.ShopId, "t"));
        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("td[data-findings=t-a1] a").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("1", cut.Find("td[data-findings=t-a2] a").TextContent);
        Assert.Equal("shops/t/findings?agent=t-a1&from=2026-11-01&to=2026-11-20", cut.Find("td[data-findings=t-a1] a").GetAttribute("href"));
    }

    [Fact]
    public async Task An_agent_sees_only_their_own_findings_and_no_review_form()
    {
        await Seed(Roles.Agent, "t-a1");
        var cut = Render<FindingsPage>(p => p.Add(x => x.ShopId, "t"));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#findings tbody tr")), TimeSpan.FromSeconds(10));
        var row = cut.Find("#findings tbody tr");
        Assert.Equal("t-a1", row.GetAttribute("data-agent"));
        Assert.Equal("absolute_claim", row.GetAttribute("data-rule"));
        Assert.Contains("全网最低", row.TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("#draw-sample"));
        var agents = Render<KefuScore.Web.Dashboard.Agents.Agents>(p => p.Add(x => x.ShopId, "t"));
        agents.WaitForAssertion(() => Assert.Equal("1", agents.Find("td[data-findings=t-a1] a").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(agents.FindAll("td[data-findings=t-a2]"));
    }

    [Fact]
    public async Task A_reviewer_draws_the_sample_and_agrees_with_a_finding()
    {
        await Seed(Roles.Supervisor);
        var cut = Render<FindingsPage>(p => p.Add(x => x.ShopId, "t"));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("#findings tbody tr").Count), TimeSpan.FromSeconds(10));
        await cut.Find("#draw-sample").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#review tr[data-rule=rude]")), TimeSpan.FromSeconds(10));
        cut.Find("#review tr[data-rule=rude] input").Change("确实不礼貌");
        await cut.Find("#review tr[data-rule=rude] [data-verdict-button=agree]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal("agree", cut.Find("#review tr[data-rule=rude] [data-verdict]").GetAttribute("data-verdict")), TimeSpan.FromSeconds(10));
        Assert.Contains("确实不礼貌", cut.Find("#review tr[data-rule=rude]").TextContent, StringComparison.Ordinal);
        await using var db = new KefuDb(_options);
        var verdict = Assert.Single(db.Set<ReviewVerdictRow>());
        Assert.Equal(("rude", "m6", "agree", "someone"), (verdict.Rule, verdict.Message, verdict.Verdict, verdict.Reviewer));
    }

    [Fact]
    public async Task Training_and_incentives_show_every_agent_to_a_supervisor_with_courses_suggested_from_findings()
    {
        await Seed(Roles.Supervisor);
        var cut = Render<TrainingPage>(p => p.Add(x => x.ShopId, "t"));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("#incentives tbody tr").Count), TimeSpan.FromSeconds(10));
        Assert.Equal(["t-a1", "t-a2"], cut.FindAll("#training tbody tr").Select(r => r.GetAttribute("data-agent")));
        // t-a1: an absolute claim (honesty, product knowledge) and an attitude complaint (etiquette, emotions, complaint handling).
        var courses = cut.FindAll("td[data-suggestions=t-a1] [data-course]").Select(c => c.GetAttribute("data-course")).ToList();
        Assert.Contains("honesty", courses);
        Assert.Contains("etiquette", courses);
        Assert.Contains("绝对化用语 ×1", cut.Find("td[data-suggestions=t-a1]").TextContent, StringComparison.Ordinal);
        Assert.Equal("export/t/incentives.csv?from=2026-11-01&to=2026-11-20", cut.Find(".kefu-export a").GetAttribute("href"));

        // Recording a done course takes it off the suggestions.
        cut.Find("#record-agent").Change("t-a1");
        cut.Find("#record-course").Change("honesty");
        cut.Find("#record-status").Change("done");
        await cut.Find("#add-record").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("td[data-records=t-a1] [data-record=honesty]")), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("honesty", cut.FindAll("td[data-suggestions=t-a1] [data-course]").Select(c => c.GetAttribute("data-course")));
    }

    [Fact]
    public async Task The_agents_page_grades_as_the_incentives_do()
    {
        // Issue 16: the agents page graded everyone "D · 待改进" while 培训与激励 gave 铜牌. t-a2 is rated satisfied
        // (satisfaction 100%, 3-minute rate 100%) but its complaint is overdue (in time 0%, below silver's 80%): 铜牌.
        // t-a1 has no rating: 待提升.
        await Seed(Roles.Supervisor);
        using (var store = new EventStore(_options))
            await store.Ingest([new ChatEvent
            {
                Type = EventType.Rating, Id = "r1", Shop = "t", Conversation = "c2", Customer = "c-c2", Agent = "t-a2",
                Satisfaction = Satisfaction.Satisfied, At = new DateTimeOffset(2026, 11, 20, 9, 40, 0, China),
            }]);
        var training = Render<TrainingPage>(p => p.Add(x => x.ShopId, "t"));
        training.WaitForAssertion(() => Assert.Equal(2, training.FindAll("#incentives tbody tr").Count), TimeSpan.FromSeconds(10));
        var agents = Render<KefuScore.Web.Dashboard.Agents.Agents>(p => p.Add(x => x.ShopId, "t"));
        agents.WaitForAssertion(() => Assert.Equal(2, agents.FindAll("#scorecards .kefu-grade").Count), TimeSpan.FromSeconds(10));

        Assert.Equal("铜牌", agents.Find(".kefu-grade[data-agent=t-a2]").TextContent);
        Assert.Equal("待提升", agents.Find(".kefu-grade[data-agent=t-a1]").TextContent);
        Assert.Equal("铜牌", training.Find("#incentives .kefu-grade[data-agent=t-a2]").TextContent);
        Assert.Equal("待提升", training.Find("#incentives .kefu-grade[data-agent=t-a1]").TextContent);
    }

    [Fact]
    public async Task An_agent_sees_only_their_own_courses_and_reward_in_the_page_and_the_export()
    {
        await Seed(Roles.Agent, "t-a1");
        var cut = Render<TrainingPage>(p => p.Add(x => x.ShopId, "t"));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#incentives tbody tr")), TimeSpan.FromSeconds(10));
        Assert.Equal("t-a1", cut.Find("#incentives tbody tr").GetAttribute("data-agent"));
        Assert.Equal(["t-a1"], cut.FindAll("#training tbody tr").Select(r => r.GetAttribute("data-agent")));
        Assert.Empty(cut.FindAll("#add-record"));

        await using var db = new KefuDb(_options);
        var grant = await Services.GetRequiredService<Access>().Current();
        var shop = (await ShopContext.Load(db, grant, "t", _clock))!;
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        http.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString("?from=2026-11-01&to=2026-11-20");
        var table = await QualityQuery.IncentivesTable(db, grant, shop, new Lang(false), http, _clock.GetUtcNow(), CancellationToken.None);
        Assert.Equal(["t-a1"], table.Rows.Select(r => r[1]));
        var complaints = await QualityQuery.ComplaintsTable(db, grant, shop, new Lang(false), _clock.GetUtcNow(), CancellationToken.None);
        Assert.Equal(["t-a1"], complaints.Rows.Select(r => r[3]));
    }

    [Fact]
    public async Task A_knowledge_base_with_a_bad_line_shows_the_line_error_and_stores_nothing_then_a_good_one_answers()
    {
        await Seed(Roles.Supervisor);
        // An FAQ reply already sent to one customer today: the chart counts it.
        using (var store = new EventStore(_options))
            await store.Ingest([KefuScore.App.Faq.FaqPolicy.Reply("faq-1", "t", "c1", "c-c1", "48小时内发货", new DateTimeOffset(2026, 11, 20, 10, 30, 0, China))]);
        var cut = Render<FaqPage>(p => p.Add(x => x.ShopId, "t"));
        cut.WaitForAssertion(() => Assert.Equal("还没有知识库。", cut.Find("#faq-count").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("合计 1 人次", cut.Find("#faq-answered-total").TextContent);

        const string bad = "question,answer,keywords\n什么时候发货,付款后48小时内发货,发货 时间\n运费多少,全场包邮\n";
        cut.FindComponent<Microsoft.AspNetCore.Components.Forms.InputFile>().UploadFiles(InputFileContent.CreateFromText(bad, "faq.csv"));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#faq-problems tr[data-line='3']")), TimeSpan.FromSeconds(10));
        Assert.Equal(["3", "整行", "这一行有 2 列，表头有 3 列"], cut.FindAll("#faq-problems tr[data-line='3'] td").Select(td => td.TextContent));
        Assert.Empty(cut.FindAll("#faq-stored"));
        await using (var db = new KefuDb(_options))
            Assert.Null(await ShopSettings.Get(db, "t", ShopSettings.Faq));

        const string good = "question,answer,keywords\n什么时候发货,付款后48小时内发货,发货 时间\n运费多少,全场包邮,运费 邮费\n";
        cut.FindComponent<Microsoft.AspNetCore.Components.Forms.InputFile>().UploadFiles(InputFileContent.CreateFromText(good, "faq.csv"));
        cut.WaitForAssertion(() => Assert.Equal("已保存 2 条。", cut.Find("#faq-stored").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(cut.FindAll("#faq-problems"));
        cut.Find("#faq-question").Change("邮费要多少钱");
        await cut.Find("#faq-ask").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal("运费多少 → 全场包邮", cut.Find("#faq-answer").TextContent), TimeSpan.FromSeconds(10));
        Assert.StartsWith("得分 ", cut.Find("#faq-score").TextContent, StringComparison.Ordinal);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}
