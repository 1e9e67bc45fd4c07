namespace KefuScore.App.Tests.Profiles;

/// <summary>SPEC §5.3 `jd` through `kefu report --profile jd`: research/platform-rules.md §4, examples J1, J3, J4, J5.</summary>
public sealed class JdTests : IDisposable
{
    private readonly ProfileCli _kefu = new("jd");

    public void Dispose() => _kefu.Dispose();

    [Fact]
    public void J1_a_session_started_at_08_56_is_excluded_even_though_the_reply_came_at_09_01()
    {
        var early = Chat.On("2026-11-20", conversation: "early").Customer("08:56:00").Agent("09:01:00");
        var later = Chat.On("2026-11-20", conversation: "later", customer: "u2").Customer("10:00:00").Agent("10:00:20");
        var day = _kefu.Period(early.Events.Concat(later.Events), "2026-11-20");
        Assert.Equal((1, 1), day.Ratio("first_reply_rate_30s"));
        Assert.Equal(20.0, day.Value("avg_reply_seconds"));
        Assert.Equal(2.0, day.Value("consultations"));
    }

    [Fact]
    public void A_session_started_at_22_59_counts_though_its_reply_came_after_23_00()
    {
        var day = _kefu.Period(Chat.On("2026-11-20").Customer("22:59:50").Agent("23:00:10").Events, "2026-11-20");
        Assert.Equal((1, 1), day.Ratio("first_reply_rate_30s"));
    }

    [Fact]
    public void Only_the_first_consultation_of_a_session_is_measured()
    {
        // First response after 12 s; the second question waits 5 minutes but is not a first response.
        var day = _kefu.Period(Chat.On("2026-11-20").Customer("10:00:00").Agent("10:00:12").Customer("10:10:00").Agent("10:15:00").Events, "2026-11-20");
        Assert.Equal((1, 1), day.Ratio("first_reply_rate_30s"));
        Assert.Equal(12.0, day.Value("avg_reply_seconds"));
    }

    [Fact]
    public void J3_a_buyer_back_7_minutes_after_the_close_continues_the_session_and_one_back_after_12_starts_a_new_one()
    {
        // Closed at 14:00; back at 14:07 (same session: the slow 14:09 reply is not measured).
        var back7 = Chat.On("2026-11-20").Customer("13:50:00").Agent("13:50:10").Session("14:00:00", "closed").Customer("14:07:00").Agent("14:09:00");
        var day = _kefu.Period(back7.Events, "2026-11-20");
        Assert.Equal((1, 1), day.Ratio("first_reply_rate_30s"));
        Assert.Equal(1.0, day.Value("consultations"));

        // Back at 14:12: a new session whose first response is due by 14:12:30 (exactly 30 s is within).
        var back12 = Chat.On("2026-11-20").Customer("13:50:00").Agent("13:50:10").Session("14:00:00", "closed").Customer("14:12:00").Agent("14:12:30");
        day = _kefu.Period(back12.Events, "2026-11-20");
        Assert.Equal((2, 2), day.Ratio("first_reply_rate_30s"));
        Assert.Equal(2.0, day.Value("consultations"));

        var late = Chat.On("2026-11-20").Customer("13:50:00").Agent("13:50:10").Session("14:00:00", "closed").Customer("14:12:00").Agent("14:12:31");
        Assert.Equal((1, 2), _kefu.Period(late.Events, "2026-11-20").Ratio("first_reply_rate_30s"));
    }

    [Fact]
    public void J4_a_message_left_at_21_00_while_every_agent_is_offline_goes_to_the_leave_message_rate_not_the_30_second_rate()
    {
        // a1 works 09:00-20:00; at 21:00 nobody is online: the 21:00 consultation is a leave-message, answered or not.
        var shift = Chat.On("2026-11-20", conversation: "shift").Status("09:00:00", "a1", "online").Status("20:00:00", "a1", "offline");
        var left = Chat.On("2026-11-20", conversation: "left").Customer("21:00:00").Agent("21:40:00");
        var served = Chat.On("2026-11-20", conversation: "served", customer: "u2").Customer("10:00:00").Agent("10:00:10");
        var day = _kefu.Period(shift.Events.Concat(left.Events).Concat(served.Events), "2026-11-20");
        Assert.Equal((1, 2), day.Ratio("leave_message_rate"));
        Assert.Equal((1, 1), day.Ratio("first_reply_rate_30s"));
        Assert.Equal(10.0, day.Value("avg_reply_seconds"));
    }

    [Fact]
    public void A_session_closed_unanswered_while_an_agent_was_online_is_no_leave_message()
    {
        // The old reading (closed before any reply = 留言) is not SPEC §5.3's: somebody was there, the session is
        // an unanswered first response.
        var shift = Chat.On("2026-11-20", conversation: "shift").Status("09:00:00", "a1", "busy");
        var closed = Chat.On("2026-11-20").Customer("10:00:00").Session("10:05:00", "closed");
        var day = _kefu.Period(shift.Events.Concat(closed.Events), "2026-11-20");
        Assert.Equal((0, 1), day.Ratio("leave_message_rate"));
        Assert.Equal((0, 1), day.Ratio("first_reply_rate_30s"));
    }

    [Fact]
    public void A_shop_that_sends_no_agent_status_has_no_leave_messages()
    {
        var closed = Chat.On("2026-11-20").Customer("21:00:00").Session("21:05:00", "closed");
        var day = _kefu.Period(closed.Events, "2026-11-20");
        Assert.Equal((0, 1), day.Ratio("leave_message_rate"));
        Assert.Equal((0, 1), day.Ratio("first_reply_rate_30s"));
    }

    [Fact]
    public void Consultations_while_every_agent_is_away_or_offline_are_leave_messages_and_the_first_online_status_ends_them()
    {
        // a1 away, a2 offline at 08:00; a2 online at 11:00. Statuses come last in the file: order must not matter.
        var statuses = Chat.On("2026-11-20", conversation: "st").Status("08:00:00", "a1", "away").Status("08:00:00", "a2", "offline").Status("11:00:00", "a2", "online");
        var c1 = Chat.On("2026-11-20", conversation: "c1", customer: "u1").Customer("09:30:00").Agent("11:00:05", agent: "a2");
        var c2 = Chat.On("2026-11-20", conversation: "c2", customer: "u2").Customer("10:59:59");
        var c3 = Chat.On("2026-11-20", conversation: "c3", customer: "u3").Customer("11:00:00").Agent("11:00:20", agent: "a2");
        var day = _kefu.Period(c1.Events.Concat(c2.Events).Concat(c3.Events).Concat(statuses.Events), "2026-11-20");
        Assert.Equal((2, 3), day.Ratio("leave_message_rate"));
        // Only c3 is measured: answered in 20 s.
        Assert.Equal((1, 1), day.Ratio("first_reply_rate_30s"));
        Assert.Equal(20.0, day.Value("avg_reply_seconds"));
    }

    [Fact]
    public void An_unanswered_session_still_open_is_not_a_leave_message_and_stays_in_the_30_second_rate()
    {
        var day = _kefu.Period(Chat.On("2026-11-20").Customer("10:00:00").Events, "2026-11-20");
        Assert.Equal((0, 1), day.Ratio("leave_message_rate"));
        Assert.Equal((0, 1), day.Ratio("first_reply_rate_30s"));
    }

    [Fact]
    public void J5_a_month_with_52_percent_leave_messages_and_41_second_responses_loses_2_points_twice()
    {
        // 25 sessions in November: 13 left as messages while nobody was online (52%), 12 answered after 41 s.
        var events = Enumerable.Range(0, 25).SelectMany(i => Day(i, leftMessage: i < 13, replyAfter: "10:00:41"));
        var month = _kefu.Period(events, "2026-11", by: "month");
        Assert.Equal((13, 25), month.Ratio("leave_message_rate"));
        Assert.Equal(41.0, month.Value("avg_reply_seconds"));
        Assert.Equal("fail", month.Status("leave_message_50"));
        Assert.Equal(2, month.Points("leave_message_50"));
        Assert.Equal("fail", month.Status("avg_response_40s"));
        Assert.Equal(2, month.Points("avg_response_40s"));
    }

    [Fact]
    public void A_month_with_48_percent_leave_messages_and_39_second_responses_passes_both()
    {
        var events = Enumerable.Range(0, 25).SelectMany(i => Day(i, leftMessage: i < 12, replyAfter: "10:00:39"));
        var month = _kefu.Period(events, "2026-11", by: "month");
        Assert.Equal((12, 25), month.Ratio("leave_message_rate"));
        Assert.Equal("pass", month.Status("leave_message_50"));
        Assert.Equal("pass", month.Status("avg_response_40s"));
    }

    /// <summary>November day i: a1's status at 09:00, one consultation at 10:00, left while offline or answered.</summary>
    private static IEnumerable<KefuScore.Engine.Events.ChatEvent> Day(int i, bool leftMessage, string replyAfter)
    {
        var date = $"2026-11-{1 + i:00}";
        var status = Chat.On(date, conversation: $"st{i}").Status("09:00:00", "a1", leftMessage ? "offline" : "online");
        var chat = Chat.On(date, conversation: $"c{i}", customer: $"u{i}").Customer("10:00:00");
        return status.Events.Concat((leftMessage ? chat.Session("10:10:00", "closed") : chat.Agent(replyAfter)).Events);
    }
}
