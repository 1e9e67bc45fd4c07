using System.Globalization;
using KefuScore.App.Complaints;
using KefuScore.App.Review;
using KefuScore.App.Tests.Storage;
using KefuScore.App.Training;
using KefuScore.Engine.Events;

namespace KefuScore.App.Tests.Training;

/// <summary>
/// Friday 2026-11-20 in Shanghai: a1 makes an absolute claim in c1 and answers c2 politely; a2 is rude in c3 and
/// complained about for attitude.
/// </summary>
public sealed class TrainingAndReviewTests
{
    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    private static DateTimeOffset T(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture);

    private static long Ticks(string s) => T(s).UtcTicks;

    private static async Task<TestDatabase> Shop(string provider)
    {
        var db = await TestDatabase.Create(provider);
        var events = Chat.On("2026-11-20", conversation: "c1").Customer("10:00:00", "好用吗").Agent("10:00:20", "a1", "亲,这是全网最好的").Events
            .Concat(Chat.On("2026-11-20", conversation: "c2", customer: "u2").Customer("11:00:00", "发货了吗").Agent("11:00:20", "a1", "亲,今天发").Events)
            .Concat(Chat.On("2026-11-20", conversation: "c3", customer: "u3").Customer("12:00:00", "怎么还没到").Agent("12:00:20", "a2", "您好,你自己看物流").Events)
            .Append(new ChatEvent { Type = EventType.Complaint, Id = "k1", Shop = "s1", At = T("2026-11-20T12:30:00+08:00"), Conversation = "c3", Agent = "a2", Category = "attitude" })
            .ToList();
        await db.Store.Ingest(events);
        return db;
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Suggestions_follow_findings_and_complaints_and_skip_courses_already_done(string provider)
    {
        await using var db = await Shop(provider);
        await using var context = db.Open();
        await TrainingBook.Add(context, "s1", "a2", "emotions", "done", T("2026-11-20T18:00:00+08:00"), 92, "线下课");

        var s = await TrainingBook.Suggestions(context, "s1", Ticks("2026-11-20T00:00:00+08:00"), Ticks("2026-11-21T00:00:00+08:00"));
        var bad = await Assert.ThrowsAsync<ComplaintException>(() => TrainingBook.Add(context, "s1", "a2", "yoga", "done", T("2026-11-20T18:00:00+08:00"), null, null));

        Assert.Equal(
            [
                ("a1", "product_knowledge", "absolute_claim ×1"),
                ("a1", "honesty", "absolute_claim ×1"),
                ("a2", "etiquette", "rude ×1; complaint:attitude ×1"),
                ("a2", "complaint_handling", "complaint:attitude ×1"),
            ],
            s.Select(x => (x.Agent, x.Course.Id, string.Join("; ", x.Because))));
        Assert.StartsWith("course: 'yoga' is not one of etiquette, communication", bad.Message, StringComparison.Ordinal);
        Assert.Equal(92, Assert.Single(await TrainingBook.Records(context, "s1", "a2")).Score);
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Inspection_covers_the_conversations_that_begin_in_the_period_and_only_those(string provider)
    {
        await using var db = await Shop(provider);
        // Begun on the 19th at 23:50 and answered rudely on the 20th after midnight: it began before the period.
        // Begun on the 21st at 00:00:00 exactly: after it. c1–c3 began on the 20th.
        await db.Store.Ingest(Chat.On("2026-11-19", conversation: "before", customer: "u4").Customer("23:50:00", "在吗")
            .Then("2026-11-20").Agent("00:10:00", "a2", "你自己看").Events
            .Concat(Chat.On("2026-11-21", conversation: "after", customer: "u5").Customer("00:00:00", "在吗").Agent("00:00:30", "a2", "你自己看").Events)
            .ToList());
        await using var context = db.Open();

        var (inspection, events) = await ReviewBook.Inspect(context, "s1", new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 20), CancellationToken.None);

        Assert.Equal(["c1", "c2", "c3"], events.Select(e => e.Conversation).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(["c1", "c3"], inspection.Findings.Select(f => f.Conversation).Distinct().Order(StringComparer.Ordinal));
        // The 19th alone holds "before" whole (its rude reply too); the 21st holds "after".
        var (day19, _) = await ReviewBook.Inspect(context, "s1", new DateOnly(2026, 11, 19), new DateOnly(2026, 11, 19), CancellationToken.None);
        var (day21, _) = await ReviewBook.Inspect(context, "s1", new DateOnly(2026, 11, 21), new DateOnly(2026, 11, 21), CancellationToken.None);
        Assert.Equal(["before"], day19.Findings.Select(f => f.Conversation).Distinct());
        Assert.Equal(["after"], day21.Findings.Select(f => f.Conversation).Distinct());
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task The_review_sample_is_drawn_once_and_keeps_the_reviewers_verdicts(string provider)
    {
        await using var db = await Shop(provider);
        await using var context = db.Open();
        var day = new DateOnly(2026, 11, 20);

        var items = await ReviewBook.Draw(context, "s1", day, day, perAgent: 1, flaggedShare: 1, seed: 3);
        var again = await ReviewBook.Draw(context, "s1", day, day, perAgent: 5, flaggedShare: 0, seed: 99);
        var a1 = items.Single(i => i.Row.Agent == "a1");
        var judged = await ReviewBook.AddVerdict(context, "s1", a1.Row.Id, "absolute_claim", null, "agree", "确实是绝对化用语", "王主管", 0);
        var wrong = await Assert.ThrowsAsync<ComplaintException>(() => ReviewBook.AddVerdict(context, "s1", a1.Row.Id, "rude", null, "agree", null, "王主管", 0));

        Assert.Equal([("a1", "c1", "findings"), ("a2", "c3", "findings")], items.Select(i => (i.Row.Agent, i.Row.Conversation, i.Row.Stratum)));
        Assert.Equal(items.Select(i => i.Row.Id), again.Select(i => i.Row.Id));   // stored: the second draw returns the first
        Assert.Equal("全网最好", Assert.Single(a1.Findings).Evidence);
        var verdict = Assert.Single(judged.Verdicts);
        Assert.Equal(("absolute_claim", "agree", "确实是绝对化用语", "王主管"), (verdict.Rule, verdict.Verdict, verdict.Comment, verdict.Reviewer));
        Assert.Equal("rule: conversation c1 has no rude finding for agent a1", wrong.Message);
    }
}
