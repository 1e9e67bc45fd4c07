namespace KefuScore.App.Tests.Profiles;

/// <summary>SPEC §5.3 `pinduoduo` through `kefu report --profile pinduoduo`: the buyer unit (research §5.1, §5.4, P2, P3).</summary>
public sealed class PinduoduoTests : IDisposable
{
    private readonly ProfileCli _kefu = new("pinduoduo");

    public void Dispose() => _kefu.Dispose();

    [Fact]
    public void Each_buyer_counts_once_a_day_and_fails_if_any_message_waited_over_3_minutes()
    {
        // u1 asks four times, each answered within a minute; u2 asks twice and the second waits 3 min 1 s.
        var u1 = Chat.On("2026-11-20", conversation: "c1", customer: "u1")
            .Customer("10:00:00").Agent("10:00:30").Customer("10:05:00").Agent("10:05:40").Customer("11:00:00").Agent("11:01:00").Customer("12:00:00").Agent("12:00:05");
        var u2 = Chat.On("2026-11-20", conversation: "c2", customer: "u2").Customer("10:00:00").Agent("10:00:10").Customer("10:30:00").Agent("10:33:01");
        var day = _kefu.Period(u1.Events.Concat(u2.Events), "2026-11-20");
        Assert.Equal((1, 2), day.Ratio("reply_rate_3min"));
        Assert.Equal(2.0, day.Value("consulting_buyers"));
    }

    [Fact]
    public void P2_five_buyers_needing_a_human_reply_one_not_answered_in_3_minutes_gives_80_percent()
    {
        var chats = Enumerable.Range(1, 5).Select(i =>
        {
            var chat = Chat.On("2026-11-20", conversation: $"c{i}", customer: $"u{i}").Customer("14:00:00");
            return i == 5 ? chat : chat.Agent("14:02:59");
        });
        var day = _kefu.Period(chats.SelectMany(c => c.Events), "2026-11-20");
        Assert.Equal((4, 5), day.Ratio("reply_rate_3min"));
        Assert.Equal(0.8, day.Value("reply_rate_3min"));
    }

    [Fact]
    public void A_buyer_served_by_the_robot_alone_needs_no_human_reply_and_is_left_out()
    {
        var robot = Chat.On("2026-11-20", conversation: "bot", customer: "u1").Customer("10:00:00").Bot("10:00:02").Customer("10:01:00").Bot("10:01:01");
        var human = Chat.On("2026-11-20", conversation: "human", customer: "u2").Customer("10:00:00").Bot("10:00:02").Agent("10:01:00");
        var day = _kefu.Period(robot.Events.Concat(human.Events), "2026-11-20");
        Assert.Equal((1, 1), day.Ratio("reply_rate_3min"));
        Assert.Equal(1.0, day.Value("buyers_needing_reply"));
        Assert.Equal(2.0, day.Value("consulting_buyers"));
    }

    [Fact]
    public void A_buyer_who_wrote_only_at_23_30_counts_all_day_but_not_in_the_08_to_23_rate()
    {
        var night = Chat.On("2026-11-20", conversation: "night", customer: "u1").Customer("23:30:00").Agent("23:40:00");
        var day = _kefu.Period(night.Events.Concat(Chat.On("2026-11-20", conversation: "noon", customer: "u2").Customer("12:00:00").Agent("12:01:00").Events), "2026-11-20");
        Assert.Equal((1, 1), day.Ratio("reply_rate_3min"));
        Assert.Equal((1, 2), day.Ratio("reply_rate_3min_all_day"));
    }

    [Fact]
    public void P3_one_complaining_buyer_of_four_consulting_buyers_is_a_25_percent_complaint_rate()
    {
        var chats = Enumerable.Range(1, 4).Select(i => Chat.On("2026-11-20", conversation: $"c{i}", customer: $"u{i}").Customer("10:00:00").Agent("10:01:00")).ToList();
        // u1 complains twice the same day: still one complaining buyer.
        var events = chats.SelectMany(c => c.Events).Append(ProfileCli.Complaint(chats[0], "10:30:00")).Append(ProfileCli.Complaint(chats[0], "11:00:00", "slow_reply"));
        var day = _kefu.Period(events, "2026-11-20");
        Assert.Equal((1, 4), day.Ratio("complaint_rate"));
    }

    [Fact]
    public void A_buyer_on_two_days_is_two_buyer_days_in_the_week()
    {
        // Buyer-days add: a week sums its days, so a buyer who consults on Monday and Tuesday counts twice.
        var chat = Chat.On("2026-11-16", customer: "u1").Customer("10:00:00").Agent("10:00:30").Then("2026-11-17").Customer("10:00:00").Agent("10:05:00");
        var report = _kefu.Report(chat.Events, by: "week");
        var week = report.GetProperty("shops")[0].GetProperty("periods")[0];
        Assert.Equal("2026-W47", week.GetProperty("period").GetString());
        Assert.Equal((1, 2), week.Ratio("reply_rate_3min"));
        Assert.Equal(2.0, week.Value("consulting_buyers"));
    }
}
