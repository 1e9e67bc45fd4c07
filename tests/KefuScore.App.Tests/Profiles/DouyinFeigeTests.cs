using KefuScore.Engine.Reports;

namespace KefuScore.App.Tests.Profiles;

/// <summary>SPEC §5.3 `douyin-feige`: both 3-minute variants, the 08:00:00–22:59:59 window and not-served.</summary>
public sealed class DouyinFeigeTests
{
    private static readonly KefuScore.Engine.Profiles.CompiledProfile Feige = Builtin.Get("douyin-feige");

    private static PeriodReport Day(params Chat[] chats) => Run.Report(Feige, chats.SelectMany(c => c.Events)).Period("2026-11-20");

    [Fact]
    public void D1_a_session_whose_rounds_average_130_seconds_passes_while_one_message_was_late()
    {
        // Rounds waiting 60 s, 240 s and 90 s: average 130 s ≤ 180 s.
        var day = Day(Chat.On("2026-11-20").Customer("10:00:00").Agent("10:01:00").Customer("10:10:00").Agent("10:14:00").Customer("10:20:00").Agent("10:21:30"));
        Assert.Equal((1, 1), day.Ratio("reply_rate_3min_session"));
        Assert.Equal((2, 3), day.Ratio("reply_rate_3min"));
    }

    [Fact]
    public void A_session_with_an_unanswered_round_fails()
    {
        var day = Day(Chat.On("2026-11-20").Customer("10:00:00").Agent("10:01:00").Customer("10:10:00"));
        Assert.Equal((0, 1), day.Ratio("reply_rate_3min_session"));
    }

    [Fact]
    public void D5_22_59_59_is_inside_and_23_00_00_and_07_59_are_outside()
    {
        var inside = Day(Chat.On("2026-11-20", conversation: "a").Customer("22:59:59").Agent("23:00:30"));
        Assert.Equal((1, 1), inside.Ratio("reply_rate_3min"));
        var outside = Day(Chat.On("2026-11-20", conversation: "b").Customer("23:00:00").Agent("23:00:30"),
                          Chat.On("2026-11-20", conversation: "c").Customer("07:59:00").Agent("07:59:30"),
                          Chat.On("2026-11-20", conversation: "d").Customer("12:00:00").Agent("12:00:10"));
        Assert.Equal((1, 1), outside.Ratio("reply_rate_3min"));
    }

    [Fact]
    public void D3_a_consultation_that_got_only_the_welcome_message_is_not_served_and_counts_as_zero()
    {
        var day = Day(Chat.On("2026-11-20", conversation: "a").Customer("10:00:00").Welcome("10:00:00"),
                      Chat.On("2026-11-20", conversation: "b").Customer("11:00:00").Agent("11:00:20"));
        Assert.Equal((1, 2), day.Ratio("not_served_rate"));
        Assert.Equal((1, 2), day.Ratio("reply_rate_3min"));
        Assert.Equal(2L, day.Metric("consultations").Cell.Count);
    }
}
