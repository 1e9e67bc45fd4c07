using System.Globalization;
using KefuScore.App.Complaints;
using KefuScore.App.Storage;
using KefuScore.App.Tests.Storage;
using KefuScore.App.Yaml;
using KefuScore.Engine.Events;
using KefuScore.Tests;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Tests.Complaints;

/// <summary>
/// Complaints in storage. The shop's calendar: weekdays 09:00–18:00 in Shanghai; built-in limits (attitude: respond
/// 2 h, resolve 24 h; escalation 0 / 2 h / 8 h). 2026-11-20 is a Friday.
/// </summary>
public sealed class ComplaintBookTests
{
    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    private const string Weekdays = """
        timezone: Asia/Shanghai
        week: { mon: ["09:00-18:00"], tue: ["09:00-18:00"], wed: ["09:00-18:00"], thu: ["09:00-18:00"], fri: ["09:00-18:00"] }
        """;

    private static DateTimeOffset T(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>A conversation with an absolute claim, and the customer's complaint about it at 17:00.</summary>
    private static List<ChatEvent> Events()
    {
        var chat = Chat.On("2026-11-20", conversation: "c7")
            .Customer("16:50:00", "这个是正品吗")
            .Agent("16:51:00", text: "亲,我们家是全网最低价,绝对正品")
            .Events.ToList();
        chat.Add(new ChatEvent
        {
            Type = EventType.Complaint, Id = "k1", Shop = "s1", At = T("2026-11-20T17:00:00+08:00"), Conversation = "c7",
            Customer = "u1", Agent = "a1", Category = "false_advertising", Text = "客服说全网最低,其实不是",
        });
        return chat;
    }

    private static async Task<TestDatabase> Shop(string provider)
    {
        var db = await TestDatabase.Create(provider);
        await db.Store.Ingest(Events());
        await using var context = db.Open();
        ShopSettings.Check(ShopSettings.Calendar, Weekdays, "test");
        await ShopSettings.Put(context, "s1", ShopSettings.Calendar, Weekdays, 0);
        return db;
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task A_complaint_event_becomes_an_open_complaint_with_its_conversation_and_findings(string provider)
    {
        await using var db = await Shop(provider);
        await using var context = db.Open();

        var (list, escalated) = await ComplaintBook.List(context, "s1", T("2026-11-20T17:30:00+08:00"));
        var (again, _) = await ComplaintBook.List(context, "s1", T("2026-11-20T17:30:00+08:00"));

        var c = Assert.Single(list);
        Assert.Single(again);   // listing twice creates nothing twice
        Assert.Equal("k1", c.Row.SourceEvent);
        Assert.Equal("false_advertising", c.Row.Category);
        Assert.Equal("open", c.Row.State);
        // 2 business hours: 1 h on Friday, 1 h on Monday.
        Assert.Equal(T("2026-11-23T10:00:00+08:00"), c.Clock.Respond.Due);
        Assert.Equal(TimeSpan.FromMinutes(90), c.Clock.Respond.Left);
        Assert.False(c.Clock.Breached);
        Assert.Empty(escalated);
        Assert.Contains(c.Evidence, e => e is { Kind: "conversation", Conversation: "c7" });
        var finding = Assert.Single(c.Evidence, e => e.Rule == "absolute_claim");
        Assert.Equal("c7-m2", finding.Message);
        Assert.Equal("全网最低、绝对", finding.Detail);
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Moves_notes_and_escalation_are_stored(string provider)
    {
        await using var db = await Shop(provider);
        await using var context = db.Open();
        var id = (await ComplaintBook.List(context, "s1", T("2026-11-20T17:30:00+08:00"))).Complaints[0].Row.Id;

        // Monday 12:30: 2.5 business hours past the 10:00 deadline → level 2, announced once.
        var (late, rises) = await ComplaintBook.Get(context, "s1", id, T("2026-11-23T12:30:00+08:00"));
        var (_, risesAgain) = await ComplaintBook.Get(context, "s1", id, T("2026-11-23T12:31:00+08:00"));
        var note = await ComplaintBook.AddNote(context, "s1", id, "lily", "已联系顾客", T("2026-11-23T12:40:00+08:00"));
        var moved = await ComplaintBook.Move(context, "s1", id, "investigating", "lily", null, T("2026-11-23T12:45:00+08:00"));
        var movedState = moved.Row.State;   // the row is the context's tracked entity: read it before the next move
        var refused = await Assert.ThrowsAsync<ComplaintException>(() => ComplaintBook.Move(context, "s1", id, "open", "lily", null, T("2026-11-23T12:50:00+08:00")));
        var resolved = await ComplaintBook.Move(context, "s1", id, "resolved", "lily", "已退差价", T("2026-11-23T14:00:00+08:00"));

        Assert.True(late.Clock.Breached);
        Assert.Equal(2, late.Clock.Escalation);
        var rise = Assert.Single(rises);
        Assert.Equal((0, 2), (rise.From, rise.To));
        Assert.Empty(risesAgain);
        Assert.Contains(note.Notes, n => n.Text == "已联系顾客" && n.Author == "lily");
        Assert.Equal("investigating", movedState);
        Assert.Equal(TimeSpan.FromMinutes(-165), moved.Clock.Respond.Left);   // taken up 2 h 45 min late; the countdown stops
        Assert.Equal("to: a complaint cannot move from investigating to open (allowed: resolved, rejected)", refused.Message);
        Assert.Equal("resolved", resolved.Row.State);
        Assert.False(resolved.Clock.Resolve!.Breached);
        Assert.Equal(["system", "lily", "lily", "lily"], resolved.Notes.Select(n => n.Author));
        Assert.Equal("已退差价", resolved.Notes[^1].Text);
        Assert.Equal(("investigating", "resolved"), (resolved.Notes[^1].FromState, resolved.Notes[^1].ToState));
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task A_complaint_made_by_hand_needs_a_known_category_and_a_conversation_or_order(string provider)
    {
        await using var db = await Shop(provider);
        await using var context = db.Open();
        var now = T("2026-11-24T09:00:00+08:00");

        var made = await ComplaintBook.Create(context, "s1", new NewComplaint("logistics", Order: "o-88", Text: "快递三天没动"), now);
        var badCategory = await Assert.ThrowsAsync<ComplaintException>(() => ComplaintBook.Create(context, "s1", new NewComplaint("rude", Order: "o-1"), now));
        var nothing = await Assert.ThrowsAsync<ComplaintException>(() => ComplaintBook.Create(context, "s1", new NewComplaint("other"), now));
        var missing = await Assert.ThrowsAsync<ComplaintException>(() => ComplaintBook.Get(context, "s1", 999, now));

        Assert.Null(made.Row.SourceEvent);
        Assert.Equal(T("2026-11-24T13:00:00+08:00"), made.Clock.Respond.Due);   // logistics: 4 h
        Assert.StartsWith("category: 'rude' is not one of attitude, slow_reply", badCategory.Message, StringComparison.Ordinal);
        Assert.Equal("conversation: a complaint needs a conversation or an order", nothing.Message);
        Assert.True(missing.NotFound);
        Assert.Equal(2, await context.Set<ComplaintRow>().CountAsync(c => c.Shop == "s1"));
    }

    [Fact]
    public void A_shop_file_overrides_some_categories_and_keeps_the_others()
    {
        var policy = ComplaintPolicyLoader.Parse("limits: { attitude: { respond: 30m } }\nescalation: [0s, 1h]", "shop.yaml");

        Assert.Equal(TimeSpan.FromMinutes(30), policy.Limits[Engine.Complaints.ComplaintCategory.Attitude].Respond);
        Assert.Null(policy.Limits[Engine.Complaints.ComplaintCategory.Attitude].Resolve);
        Assert.Equal(TimeSpan.FromHours(4), policy.Limits[Engine.Complaints.ComplaintCategory.Logistics].Respond);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromHours(1)], policy.Escalation);
    }

    [Fact]
    public void A_bad_limits_file_names_every_problem_with_its_line()
    {
        var e = Assert.Throws<YamlFileException>(() => ComplaintPolicyLoader.Parse(
            "limits:\n  rude: { respond: 2h }\n  attitude: { respond: soon }\n  quality: { respond: 4h, resolve: 1h }\nescalation: [2h, 1h]", "shop.yaml"));

        Assert.Equal(
            [
                "limits.rude (line 2): is not a complaint category (attitude, slow_reply, false_advertising, quality, logistics, aftersale, other)",
                "limits.attitude.respond (line 3): 'soon' is not a positive duration like 30m, 2h or 1h30m",
                "limits.quality.resolve (line 4): must not be shorter than respond",
                "escalation[1] (line 5): must be longer than the step before",
            ],
            e.Problems.Select(p => p.ToString()));
    }
}
