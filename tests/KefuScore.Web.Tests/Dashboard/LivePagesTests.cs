using System.Globalization;
using System.Security.Claims;
using Bunit;
using KefuScore.App.Live;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Web.Dashboard;
using KefuScore.Web.Dashboard.Live;
using KefuScore.Web.Live;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace KefuScore.Web.Tests.Dashboard;

/// <summary>
/// The live pages over a real SQLite store and a real <see cref="LiveMonitor"/> on a fake clock: who waits (and for how
/// long, in colour), the push when an event is committed, an agent's own view, the rules editor and the webhooks page.
/// </summary>
public sealed class LivePagesTests : BunitContext
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kefu-livepage-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(At("10:00:00"));
    private DbContextOptions<KefuDb> _options = null!;
    private EventStore _store = null!;
    private LiveMonitor _monitor = null!;

    private static DateTimeOffset At(string time) => DateTimeOffset.Parse($"2026-11-20T{time}+08:00", CultureInfo.InvariantCulture);

    private static ChatEvent Message(string id, string conversation, Sender sender, string time, string? agent = null) => new()
    {
        Type = EventType.Message, Id = id, Shop = "t", Conversation = conversation, Customer = "buyer-" + conversation,
        Sender = sender, Agent = agent, Kind = MessageKind.Text, Text = sender == Sender.Customer ? "在吗" : "在的", At = At(time),
    };

    private static ChatEvent Status(string id, string agent, string status, int capacity, string time) => new()
    {
        Type = EventType.AgentStatus, Id = id, Shop = "t", Agent = agent, Status = status, Capacity = capacity, At = At(time),
    };

    /// <summary>A store, the monitor fed by every commit (as the server wires it), and a signed-in user of the given role.</summary>
    private async Task Start(string role, string agent = "")
    {
        _options = KefuStorage.Options(new StorageLocation(_folder));
        await KefuStorage.InitialiseAsync(_options);
        _store = new EventStore(_options);
        var dispatcher = new WebhookDispatcher(_clock, _options, new EphemeralDataProtectionProvider(), new WebhookOptions(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)), NullLogger<WebhookDispatcher>.Instance,
            // Names resolve from a table (no lookup leaves the machine); this dispatcher is never started, so nothing is sent.
            new WebhookTargets([], (host, _) => Task.FromResult(host switch
            {
                "example.com" => new[] { System.Net.IPAddress.Parse("93.184.215.14") },
                "intranet.example" => [System.Net.IPAddress.Parse("10.1.2.3")],
                _ => [],
            })));
        _monitor = new LiveMonitor(_clock, _options, dispatcher, NullLogger<LiveMonitor>.Instance);
        _store.Committed += events => _monitor.Ingest(events);

        string userId;
        await using (var db = new KefuDb(_options))
        {
            var r = new IdentityRole(role) { NormalizedName = role.ToUpperInvariant() };
            var user = new IdentityUser("someone") { NormalizedUserName = "SOMEONE" };
            db.Roles.Add(r);
            db.Users.Add(user);
            db.UserRoles.Add(new IdentityUserRole<string> { RoleId = r.Id, UserId = user.Id });
            if (role != Roles.Admin) db.UserShops.Add(new UserShopRow { UserId = user.Id, Shop = "t", Agent = agent });
            await db.SaveChangesAsync();
            userId = user.Id;
        }

        Services.AddSingleton(_options);
        Services.AddSingleton<TimeProvider>(_clock);
        Services.AddSingleton(dispatcher);
        Services.AddSingleton(_monitor);
        Services.AddScoped<Access>();
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        var auth = AddAuthorization();
        auth.SetAuthorized("someone");
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));
    }

    private static string Seconds(IRenderedComponent<LivePage> cut, string conversation) =>
        cut.Find($"#waiting tr[data-conversation={conversation}] .kefu-wait").GetAttribute("data-seconds")!;

    private static string Level(IRenderedComponent<LivePage> cut, string conversation) =>
        cut.Find($"#waiting tr[data-conversation={conversation}]").GetAttribute("data-level")!;

    [Fact]
    public async Task The_live_page_shows_who_waits_counts_the_seconds_in_colour_and_redraws_when_an_event_is_committed()
    {
        await Start(Roles.Admin);
        // 09:59:00 a customer writes in c1; 09:59:30 the only agent goes online with room for 3.
        await _store.Ingest([Message("m1", "c1", Sender.Customer, "09:59:00"), Status("s1", "a1", "online", 3, "09:59:30")]);
        await using (var db = new KefuDb(_options)) await AgentRoster.Replace(db, "t", [new RosterEntry("a1", "小美", "")]);

        var cut = Render<LivePage>(p => p.Add(x => x.ShopId, "t"));
        cut.WaitForAssertion(() => Assert.Equal("60", Seconds(cut, "c1")), TimeSpan.FromSeconds(10));
        Assert.Equal("ok", Level(cut, "c1"));
        Assert.Equal("buyer-c1", cut.Find("#waiting tr[data-conversation=c1] td").TextContent);
        Assert.Equal("09:59:00", cut.FindAll("#waiting tr[data-conversation=c1] td")[1].TextContent);
        Assert.Contains("在线", cut.Find("#agents tr[data-agent=a1]").TextContent);
        // The roster's name, not the account id.
        Assert.Equal("小美", cut.Find("#agents tr[data-agent=a1] th").TextContent);
        Assert.Single(cut.FindAll("#no-alerts"));
        // Sound on (remembered through the page's JS module; the switch beeps once to let the supervisor hear it).
        cut.WaitForAssertion(() => Assert.Contains(JSInterop.Invocations, i => i.Identifier == "getSound"), TimeSpan.FromSeconds(10));
        cut.Find("#live-sound").Change(true);
        Assert.Contains(JSInterop.Invocations, i => i.Identifier == "setSound" && Equals(i.Arguments[0], true));
        Assert.Single(JSInterop.Invocations, i => i.Identifier == "beep");

        // 10:01:10: 130 s, past the waiting rule's 120 s: amber, and the monitor's own timer opened the alert at 10:01:00.
        _clock.Advance(TimeSpan.FromSeconds(70));
        cut.WaitForAssertion(() => Assert.Equal("130", Seconds(cut, "c1")), TimeSpan.FromSeconds(10));
        Assert.Equal("amber", Level(cut, "c1"));
        cut.WaitForAssertion(() => Assert.Equal("open", cut.Find("#alerts tr[data-rule=waiting]").GetAttribute("data-state")), TimeSpan.FromSeconds(10));
        Assert.Contains("会话 c1", cut.Find("#alerts tr[data-rule=waiting]").TextContent);
        // The new alert beeped.
        cut.WaitForAssertion(() => Assert.Equal(2, JSInterop.Invocations.Count(i => i.Identifier == "beep")), TimeSpan.FromSeconds(10));

        // A new customer in c2 is committed: the page was not asked to reload; the monitor pushes it.
        await _store.Ingest([Message("m2", "c2", Sender.Customer, "10:01:10")]);
        cut.WaitForAssertion(() => Assert.Equal("0", Seconds(cut, "c2")), TimeSpan.FromSeconds(10));

        // 10:03:00: c1 has waited 180 s, late for the platform: red.
        _clock.Advance(TimeSpan.FromSeconds(110));
        cut.WaitForAssertion(() => Assert.Equal("red", Level(cut, "c1")), TimeSpan.FromSeconds(10));
        Assert.Equal("110", Seconds(cut, "c2"));

        // a1 replies in c1: c1 leaves the queue, c2 stays; the waiting alert of c1 clears.
        await _store.Ingest([Message("m3", "c1", Sender.Agent, "10:03:00", agent: "a1")]);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#waiting tr[data-conversation=c1]")), TimeSpan.FromSeconds(10));
        Assert.Single(cut.FindAll("#waiting tr[data-conversation=c2]"));
        Assert.DoesNotContain(cut.FindAll("#alerts tr[data-rule=waiting]"), tr => tr.TextContent.Contains("c1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Today_says_how_many_next_replies_must_be_on_time()
    {
        await Start(Roles.Admin);
        // Three customers answered in time, one answered after 4 minutes: 3/4 = 75.0% against douyin's 97% line.
        await _store.Ingest([
            Message("q1", "c1", Sender.Customer, "09:00:00"), Message("r1", "c1", Sender.Agent, "09:00:30", "a1"),
            Message("q2", "c2", Sender.Customer, "09:10:00"), Message("r2", "c2", Sender.Agent, "09:10:30", "a1"),
            Message("q3", "c3", Sender.Customer, "09:20:00"), Message("r3", "c3", Sender.Agent, "09:20:30", "a1"),
            Message("q4", "c4", Sender.Customer, "09:30:00"), Message("r4", "c4", Sender.Agent, "09:34:00", "a1"),
        ]);
        var cut = Render<LivePage>(p => p.Add(x => x.ShopId, "t"));
        var row = cut.Find("#today tr[data-metric=reply_rate_3min]");
        Assert.Equal("75.0%", row.QuerySelectorAll("td")[0].TextContent);
        // (3 + k) / (4 + k) ≥ 0.97 → k = 30.
        Assert.Equal("接下来 30 条回复须全部按时，才能达到 97.0%", row.QuerySelector(".kefu-needed")!.TextContent);
    }

    [Fact]
    public async Task An_agent_sees_only_their_own_status_and_not_the_queue_or_the_shop_figures()
    {
        await Start(Roles.Agent, agent: "a1");
        await _store.Ingest([
            Message("m1", "c1", Sender.Customer, "09:59:00"),
            Status("s1", "a1", "online", 2, "09:50:00"), Status("s2", "a2", "busy", 2, "09:50:00"),
        ]);
        var cut = Render<LivePage>(p => p.Add(x => x.ShopId, "t"));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#agents tr[data-agent=a1]")), TimeSpan.FromSeconds(10));
        Assert.Empty(cut.FindAll("#agents tr[data-agent=a2]"));
        Assert.Empty(cut.FindAll("#waiting"));
        Assert.Empty(cut.FindAll("#today"));
        Assert.Contains("客服 a1", cut.Find("#live-agent-note").TextContent);

        // Nor may an agent open the rules or the webhooks.
        Assert.Single(Render<AlertRulesPage>(p => p.Add(x => x.ShopId, "t")).FindAll("#no-access"));
        Assert.Single(Render<WebhooksPage>(p => p.Add(x => x.ShopId, "t")).FindAll("#no-access"));
    }

    [Fact]
    public async Task The_rules_editor_shows_a_refused_threshold_beside_its_field_and_stores_nothing_then_saves_a_good_one()
    {
        await Start(Roles.Supervisor);
        await _store.Ingest([Message("m1", "c1", Sender.Customer, "09:59:00")]);
        var cut = Render<AlertRulesPage>(p => p.Add(x => x.ShopId, "t"));
        Assert.Equal("waiting", cut.Find("select[name='rules[0].kind']").GetAttribute("value"));
        Assert.Equal("120", cut.Find("input[name='rules[0].threshold']").GetAttribute("value"));

        cut.Find("input[name='rules[0].threshold']").Change("0");
        cut.Find("#rules-form").Submit();
        var error = cut.WaitForElement(".kefu-field-error[data-field='rules[0].threshold']", TimeSpan.FromSeconds(10));
        Assert.Equal("有误：等待时长应大于 0 秒、不超过 24 小时", error.TextContent);
        Assert.Equal(120, _monitor.Rules("t")!.Rules[0].Threshold);
        await using (var db = new KefuDb(_options)) Assert.Empty(db.Set<AlertRulesRow>());

        cut.Find("input[name='rules[0].threshold']").Change("90");
        cut.Find("#quiet-hours").Change("23:00-08:00");
        cut.Find("#rules-form").Submit();
        cut.WaitForElement("#rules-saved", TimeSpan.FromSeconds(10));
        Assert.Empty(cut.FindAll(".kefu-field-error"));
        Assert.Equal(90, _monitor.Rules("t")!.Rules[0].Threshold);
        Assert.Equal("23:00-08:00", _monitor.Rules("t")!.QuietHours?.ToString());
        await using (var db = new KefuDb(_options))
            Assert.Contains("\"threshold\":90", (await db.Set<AlertRulesRow>().SingleAsync()).Json, StringComparison.Ordinal);

        // A bad quiet-hours window is shown beside its own field.
        cut.Find("#quiet-hours").Change("25:00-08:00");
        cut.Find("#rules-form").Submit();
        cut.WaitForElement(".kefu-field-error[data-field='quiet_hours']", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_projection_threshold_is_typed_as_a_rate_and_97_alone_is_refused_in_Chinese()
    {
        await Start(Roles.Supervisor);
        await _store.Ingest([Message("m1", "c1", Sender.Customer, "09:59:00")]);
        var cut = Render<AlertRulesPage>(p => p.Add(x => x.ShopId, "t"));
        var i = cut.FindAll("select[name$='.kind']").Select(s => s.GetAttribute("value")).ToList().IndexOf("projection_below");
        Assert.True(i >= 0);
        var field = $"rules[{i}].threshold";
        Assert.EndsWith("%", cut.Find($"input[name='{field}']").GetAttribute("value"), StringComparison.Ordinal);

        cut.Find($"input[name='{field}']").Change("97");
        cut.Find("#rules-form").Submit();
        var error = cut.WaitForElement($".kefu-field-error[data-field='{field}']", TimeSpan.FromSeconds(10));
        Assert.Equal("有误：“97”不是比率：百分数请带 %（如 97%），或写成小数（如 0.97）", error.TextContent);
        await using (var db = new KefuDb(_options)) Assert.Empty(db.Set<AlertRulesRow>());

        cut.Find($"input[name='{field}']").Change("95 %");
        cut.Find("#rules-form").Submit();
        cut.WaitForElement("#rules-saved", TimeSpan.FromSeconds(10));
        Assert.Equal(0.95, _monitor.Rules("t")!.Rules[i].Threshold, 12);
    }

    [Fact]
    public async Task The_webhooks_page_adds_with_the_secret_shown_once_refuses_a_bad_url_retries_a_dead_letter_and_deletes()
    {
        await Start(Roles.Supervisor);
        await _store.Ingest([Message("m1", "c1", Sender.Customer, "09:59:00")]);
        var cut = Render<WebhooksPage>(p => p.Add(x => x.ShopId, "t"));
        Assert.Single(cut.FindAll("#no-dead-letters"));

        cut.Find("#webhook-url").Change("ftp://example.com/hook");
        cut.Find("#webhook-form").Submit();
        cut.WaitForElement("#webhook-form .kefu-field-error", TimeSpan.FromSeconds(10));
        Assert.Empty(cut.FindAll("#webhooks tbody tr"));

        // A name that resolves to a private address is refused, with the reason.
        cut.Find("#webhook-url").Change("https://intranet.example/hook");
        cut.Find("#webhook-form").Submit();
        cut.WaitForAssertion(() => Assert.Contains("10.1.2.3", cut.Find("#webhook-form .kefu-reason").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(cut.FindAll("#webhooks tbody tr"));

        cut.Find("#webhook-url").Change("https://example.com/hook");
        cut.Find("#webhook-form").Submit();
        var secret = cut.WaitForElement("#webhook-secret code", TimeSpan.FromSeconds(10)).TextContent;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(70, secret.Length);
        Assert.Equal("https://example.com/hook", cut.Find("#webhooks tbody tr th").TextContent);
        long id;
        await using (var db = new KefuDb(_options))
        {
            var row = await db.Set<WebhookRow>().SingleAsync();
            id = row.Id;
            Assert.DoesNotContain(secret, row.ProtectedSecret, StringComparison.Ordinal);
            db.Add(new WebhookDeadLetterRow
            {
                WebhookId = id, Shop = "t", Url = row.Url, Attempts = 3, LastError = "HTTP 500", FailedTicks = At("10:00:00").UtcTicks,
                Payload = "{\"event\":\"alert.opened\",\"shop\":\"t\",\"alert\":{\"rule\":\"waiting\"}}",
            });
            await db.SaveChangesAsync();
        }

        // A fresh render lists the letter and no longer shows the secret.
        var again = Render<WebhooksPage>(p => p.Add(x => x.ShopId, "t"));
        Assert.Empty(again.FindAll("#webhook-secret"));
        Assert.Contains("alert.opened waiting", again.Find("#dead-letters tbody tr").TextContent);
        Assert.Contains("HTTP 500", again.Find("#dead-letters tbody tr").TextContent);
        again.Find("#dead-letters .kefu-retry").Click();
        again.WaitForAssertion(() => Assert.Single(again.FindAll("#no-dead-letters")), TimeSpan.FromSeconds(10));
        Assert.Contains("已重新发送", again.Find("#webhook-message").TextContent);

        again.Find($"#webhooks tr[data-webhook='{id}'] .kefu-delete-webhook").Click();
        again.WaitForAssertion(() => Assert.Empty(again.FindAll("#webhooks tbody tr")), TimeSpan.FromSeconds(10));
        await using (var db = new KefuDb(_options)) Assert.Empty(db.Set<WebhookRow>());
    }

    [Fact]
    public async Task Five_conversations_with_nine_waiting_messages_are_five_rows_with_their_counts_and_one_alert_each()
    {
        await Start(Roles.Admin);
        var perConversation = new[] { 3, 2, 2, 1, 1 };
        var events = new List<ChatEvent>();
        for (var c = 0; c < perConversation.Length; c++)
            for (var k = 0; k < perConversation[c]; k++)
                events.Add(Message($"c{c + 1}-m{k + 1}", $"c{c + 1}", Sender.Customer, $"09:5{c}:{k * 10:00}"));
        await _store.Ingest(events);

        var cut = Render<LivePage>(p => p.Add(x => x.ShopId, "t"));
        cut.WaitForAssertion(() => Assert.Equal(5, cut.FindAll("#waiting tbody tr").Count), TimeSpan.FromSeconds(10));
        Assert.Equal(["3", "2", "2", "1", "1"], cut.FindAll("#waiting tbody tr td[data-messages]").Select(td => td.TextContent));
        Assert.Contains("5 个会话", cut.Find("h2").TextContent);
        // c1 has waited since 09:50:00: 10 minutes, as minutes and seconds, not 600 "秒".
        Assert.Equal("10分钟", cut.Find("#waiting tr[data-conversation=c1] .kefu-wait").TextContent);
        Assert.Equal("6分钟", cut.Find("#waiting tr[data-conversation=c5] .kefu-wait").TextContent);
        // One waiting alert per conversation, not one per message.
        cut.WaitForAssertion(() => Assert.Equal(5, cut.FindAll("#alerts tr[data-rule=waiting]").Count), TimeSpan.FromSeconds(10));
        Assert.Equal("顾客等待", cut.Find("#alerts tr[data-rule=waiting] th").TextContent);
    }

    [Fact]
    public async Task A_wait_begun_yesterday_shows_its_date_and_hours_and_minutes()
    {
        await Start(Roles.Admin);
        // 2026-11-19 11:16:34 is 81806 s before 2026-11-20 10:00:00.
        await _store.Ingest([new ChatEvent
        {
            Type = EventType.Message, Id = "m1", Shop = "t", Conversation = "c1", Customer = "buyer-c1", Sender = Sender.Customer,
            Kind = MessageKind.Text, Text = "在吗", At = DateTimeOffset.Parse("2026-11-19T11:16:34+08:00", CultureInfo.InvariantCulture),
        }]);

        var cut = Render<LivePage>(p => p.Add(x => x.ShopId, "t"));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#waiting tbody tr")), TimeSpan.FromSeconds(10));
        var row = cut.Find("#waiting tr[data-conversation=c1]");
        Assert.Equal("22小时43分", row.QuerySelector(".kefu-wait")!.TextContent);
        Assert.Equal("81806", row.QuerySelector(".kefu-wait")!.GetAttribute("data-seconds"));
        Assert.Equal("11-19 11:16:34", row.QuerySelector("td[data-since]")!.TextContent);
        Assert.Equal("red", row.GetAttribute("data-level"));
    }

    [Fact]
    public async Task A_wait_outside_the_assessed_hours_is_listed_apart_and_never_red()
    {
        await Start(Roles.Admin);
        // 08:30 is before douyin's 09:00–19:00: at 10:00 it has waited 90 minutes, and the platform does not count it.
        await _store.Ingest([Message("m1", "c1", Sender.Customer, "08:30:00"), Message("m2", "c2", Sender.Customer, "09:59:00")]);

        var cut = Render<LivePage>(p => p.Add(x => x.ShopId, "t"));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#waiting-outside tbody tr")), TimeSpan.FromSeconds(10));
        var outside = cut.Find("#waiting-outside tr[data-conversation=c1]");
        Assert.Equal("outside", outside.GetAttribute("data-level"));
        Assert.Contains("kefu-wait-outside", outside.QuerySelector(".kefu-wait")!.ClassName);
        Assert.Equal("1小时30分", outside.QuerySelector(".kefu-wait")!.TextContent);
        Assert.Equal(["c2"], cut.FindAll("#waiting tbody tr").Select(r => r.GetAttribute("data-conversation")));
        Assert.Contains("09:00–19:00", cut.Find("#waiting-outside-note").TextContent);
    }

    [Fact]
    public async Task To_reach_the_line_says_nothing_on_a_day_without_data()
    {
        await Start(Roles.Admin);
        // Only an agent's status today: the reply rate has nothing counted.
        await _store.Ingest([Status("s1", "a1", "online", 3, "09:30:00")]);

        var cut = Render<LivePage>(p => p.Add(x => x.ShopId, "t"));
        var row = cut.WaitForElement("#today tr[data-metric=reply_rate_3min]", TimeSpan.FromSeconds(10));
        Assert.Equal("—", row.QuerySelectorAll("td")[0].TextContent);
        Assert.Equal("", row.QuerySelector(".kefu-needed")!.TextContent);
        Assert.DoesNotContain("已达到", cut.Find("#today").TextContent);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _store?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}
