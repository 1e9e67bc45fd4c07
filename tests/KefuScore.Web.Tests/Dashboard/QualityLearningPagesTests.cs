using System.Security.Claims;
using Bunit;
using KefuScore.App.Complaints;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Engine.Quality;
using KefuScore.Web.Dashboard;
using KefuScore.Web.Dashboard.Quality;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

using KefuScore.Engine.Text;

namespace KefuScore.Web.Tests.Dashboard;

/// <summary>Issue 18 on the quality pages: what decided a finding, in words; the verdicts' export; mined FAQ wordings to accept.</summary>
public sealed class QualityLearningPagesTests : BunitContext
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kefu-learning-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 20, 18, 0, 0, China));
    private DbContextOptions<KefuDb> _options = null!;

    private static Finding F(string rule, string evidence) => F(rule, new Msg(Codes.FindingText, evidence));

    private static Finding F(string rule, Msg reason) => new("t", "c1", "m1", new DateTimeOffset(2026, 11, 20, 10, 0, 0, China), "a1", rule, reason);

    [Theory]
    [InlineData("rude", "模型 model 0.93: 自己看、#cue:blame、#lex:rude", "模型判断（概率 0.93）：“自己看”、推给顾客的语气、命中“不耐烦 / 不礼貌”词表")]
    [InlineData("no_polite_address", "模型 model 0.71: #first、#ongoing", "模型判断（概率 0.71）")]
    [InlineData("vague", "模型 model 0.64: 不清楚、#cue:hedge", "模型判断（概率 0.64）：“不清楚”、含糊其辞")]
    [InlineData("absolute_claim", "全网最低、最好", "命中词语：全网最低、最好")]
    [InlineData("no_polite_address", "发了", "首次回复没有礼貌称呼：“发了”")]
    public void Each_kind_of_evidence_reads_in_Chinese_without_feature_ids(string rule, string evidence, string chinese) =>
        Assert.Equal(chinese, FindingEvidence.Describe(new Lang(false), F(rule, evidence)));

    [Fact]
    public void A_wait_reads_as_a_duration_not_raw_seconds()
    {
        Assert.Equal("顾客等了 6分52秒 才得到回复（上限 5分钟）", FindingEvidence.Describe(new Lang(false),
            F("long_silence", new Msg(Codes.FindingWaited, new Num(412, NumKind.Seconds), new Num(300, NumKind.Seconds)))));
        Assert.Equal("没有回复；这条消息之后 5分30秒 顾客仍在发消息（上限 5分钟）", FindingEvidence.Describe(new Lang(false),
            F("long_silence", new Msg(Codes.FindingNoReply, new Num(330.5, NumKind.Seconds), new Num(300, NumKind.Seconds)))));
    }

    [Fact]
    public void In_English_the_model_reasons_read_as_words_too() =>
        Assert.Equal("The model (0.93): “自己看”, blaming the customer, the Rude or impatient word list",
            FindingEvidence.Describe(new Lang(true), F("rude", "模型 model 0.93: 自己看、#cue:blame、#lex:rude")));

    private static ChatEvent Message(string id, string conversation, Sender sender, string agent, string at, string text) => new()
    {
        Type = EventType.Message, Id = id, Shop = "t", Conversation = conversation, Customer = "c-" + conversation,
        Sender = sender, Agent = sender == Sender.Agent ? agent : null, Kind = MessageKind.Text, Text = text,
        At = DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Shop <c>t</c>: t-a1 claims 全网最低 in c1; in c2 t-a2 answers 邮费谁出啊 with the FAQ's 运费 answer.</summary>
    private async Task Seed(string role, string? agent = null)
    {
        _options = KefuStorage.Options(new StorageLocation(_folder));
        await KefuStorage.InitialiseAsync(_options);
        using (var store = new EventStore(_options))
            await store.Ingest([
                Message("m1", "c1", Sender.Customer, "", "2026-11-20T09:59:00+08:00", "好用吗"),
                Message("m2", "c1", Sender.Agent, "t-a1", "2026-11-20T09:59:30+08:00", "亲，这款全网最低"),
                Message("m3", "c2", Sender.Customer, "", "2026-11-20T10:30:00+08:00", "邮费谁出啊"),
                Message("m4", "c2", Sender.Agent, "t-a2", "2026-11-20T10:30:30+08:00", "亲，全店满99元包邮。"),
            ]);
        await using var db = new KefuDb(_options);
        await ShopSettings.Put(db, "t", ShopSettings.Faq, "question,answer,keywords\n运费怎么算,亲，全店满99元包邮。,运费\n", _clock.GetUtcNow().UtcTicks);
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
    }

    [Fact]
    public async Task The_findings_page_says_which_words_decided_and_offers_the_verdicts_export_to_a_supervisor()
    {
        await Seed(Roles.Supervisor);
        var cut = Render<FindingsPage>(p => p.Add(x => x.ShopId, "t"));
        cut.WaitForAssertion(() => Assert.Equal("命中词语：全网最低", cut.Find("#findings tr[data-rule=absolute_claim] .kefu-evidence").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("api/v1/shops/t/review/labels", cut.Find("#review-labels").GetAttribute("href"));
    }

    [Fact]
    public async Task An_agent_gets_no_verdicts_export_and_no_wordings_to_decide()
    {
        await Seed(Roles.Agent, "t-a1");
        var findings = Render<FindingsPage>(p => p.Add(x => x.ShopId, "t"));
        findings.WaitForAssertion(() => Assert.Single(findings.FindAll("#findings tbody tr")), TimeSpan.FromSeconds(10));
        Assert.Empty(findings.FindAll("#review-labels"));
        var faq = Render<FaqPage>(p => p.Add(x => x.ShopId, "t"));
        faq.WaitForAssertion(() => Assert.Equal("知识库共 1 条。", faq.Find("#faq-count").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(faq.FindAll("#faq-paraphrases"));
    }

    [Fact]
    public async Task A_supervisor_finds_a_wording_in_the_chats_and_accepts_it_and_the_FAQ_then_matches_it()
    {
        await Seed(Roles.Supervisor);
        var cut = Render<FaqPage>(p => p.Add(x => x.ShopId, "t"));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#no-paraphrases")), TimeSpan.FromSeconds(10));
        await cut.Find("#mine-paraphrases").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal("找到 1 条，其中新增 1 条。", cut.Find("#paraphrases-mined").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal(["邮费谁出啊", "运费怎么算", "1.00"], cut.FindAll("#paraphrases tbody tr td").Take(3).Select(td => td.TextContent));
        await cut.Find("#paraphrases [data-decide=accept]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal("已采纳 · someone", cut.Find("#paraphrases [data-decided]").TextContent), TimeSpan.FromSeconds(10));

        cut.Find("#faq-question").Change("邮费谁出啊");
        await cut.Find("#faq-ask").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal("运费怎么算 → 亲，全店满99元包邮。", cut.Find("#faq-answer").TextContent), TimeSpan.FromSeconds(10));
        Assert.StartsWith("得分 ", cut.Find("#faq-score").TextContent, StringComparison.Ordinal);
        Assert.Contains("覆盖 100%", cut.Find("#faq-score").TextContent, StringComparison.Ordinal);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}
