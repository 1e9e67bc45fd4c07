using KefuScore.Engine.Metrics;

namespace KefuScore.Engine.Tests.Metrics;

public sealed class FoldTests
{
    private static readonly KefuScore.Engine.Profiles.CompiledProfile Profile = TestProfiles.Everything();

    [Fact]
    public void Conversations_are_evicted_once_the_watermark_passes_their_idle_close()
    {
        var events = Enumerable.Range(0, 30).SelectMany(d =>
            Chat.On(new DateOnly(2026, 11, 1).AddDays(d).ToString("yyyy-MM-dd"), conversation: $"c{d}").Customer("10:00:00").Agent("10:01:00").Events).ToList();
        Run.Fold(Profile, events, FoldOptions.Streaming, out var fold);
        // One day's conversation lives for the idle close (24 h) plus the lateness: never more than 3 are open.
        Assert.InRange(fold.PeakOpenConversations, 1, 3);
        Assert.Equal(0, fold.OpenConversations);
    }

    [Fact]
    public void An_event_later_than_the_lateness_is_reported_as_too_late()
    {
        var early = Chat.On("2026-11-20", conversation: "early").Customer("10:00:00").Events;
        var later = Chat.On("2026-11-20", conversation: "later").Customer("13:00:00").Events;
        Run.Fold(Profile, later.Concat(early), FoldOptions.Streaming, out var fold);
        Assert.Equal(1, fold.TooLate);
    }

    [Fact]
    public void A_rating_is_credited_to_the_last_agent_who_replied_before_it()
    {
        var chat = Chat.On("2026-11-20").Customer("10:00:00").Agent("10:01:00", agent: "a1").Agent("10:02:00", agent: "a2").Rating("10:05:00", stars: 5);
        var report = KefuScore.Engine.Reports.ReportBuilder.Build(Profile, Run.Fold(Profile, chat.Events), new KefuScore.Engine.Reports.ReportRequest(Agents: true));
        var a2 = report.Shops.Single().Agents.Single(a => a.Agent == "a2").Periods.Single();
        Assert.Equal((1, 1), a2.Ratio("good"));
    }

    [Fact]
    public void A_session_event_splits_sessions_for_the_session_unit()
    {
        var chat = Chat.On("2026-11-20").Session("10:00:00", "opened").Customer("10:00:01").Agent("10:00:30").Session("10:01:00", "closed")
            .Session("10:30:00", "opened").Customer("10:30:01").Agent("10:40:00");
        var day = KefuScore.Engine.Reports.ReportBuilder.Build(Profile, Run.Fold(Profile, chat.Events), new KefuScore.Engine.Reports.ReportRequest()).Period("2026-11-20");
        Assert.Equal((1, 2), day.Ratio("session"));
    }
}
