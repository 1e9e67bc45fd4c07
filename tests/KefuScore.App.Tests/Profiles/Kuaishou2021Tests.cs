using KefuScore.Engine.Events;

namespace KefuScore.App.Tests.Profiles;

/// <summary>SPEC §5.3 `kuaishou-2021` through `kefu report --profile kuaishou-2021`: research/platform-rules.md §2, K1–K4.</summary>
public sealed class Kuaishou2021Tests : IDisposable
{
    private readonly ProfileCli _kefu = new("kuaishou-2021");

    public void Dispose() => _kefu.Dispose();

    /// <summary>Ratings 满意 / 一般 / 失望 in one conversation, a minute apart from 10:00.</summary>
    private static IEnumerable<ChatEvent> Ratings(int satisfied, int neutral, int dissatisfied, int attitude)
    {
        var chat = Chat.On("2026-11-20").Customer("09:59:00").Agent("09:59:30");
        var levels = Enumerable.Repeat(Satisfaction.Satisfied, satisfied).Concat(Enumerable.Repeat(Satisfaction.Neutral, neutral)).Concat(Enumerable.Repeat(Satisfaction.Dissatisfied, dissatisfied)).ToList();
        for (var i = 0; i < levels.Count; i++)
        {
            // The last `attitude` of the 一般/失望 ratings give 服务态度差 as their reason.
            var reason = levels[i] != Satisfaction.Satisfied && i >= levels.Count - attitude ? "attitude" : levels[i] != Satisfaction.Satisfied ? "slow_reply" : null;
            chat.Rating($"{10 + i / 60:00}:{i % 60:00}:00", satisfaction: levels[i], reason: reason);
        }
        return chat.Events;
    }

    [Fact]
    public void K1_85_satisfied_of_100_is_an_85_percent_good_review_rate_and_passes_80()
    {
        var month = _kefu.Period(Ratings(85, 10, 5, attitude: 0), "2026-11", by: "month");
        Assert.Equal((85, 100), month.Ratio("good_review_rate"));
        Assert.Equal("pass", month.Status("good_review_80"));
        var week = _kefu.Period(Ratings(79, 15, 6, attitude: 0), "2026-W47", by: "week");
        Assert.Equal("fail", week.Status("good_review_80_weekly"));
    }

    [Fact]
    public void K2_one_attitude_reason_among_15_neutral_or_disappointed_ratings_is_6_67_percent_and_fails()
    {
        var month = _kefu.Period(Ratings(85, 10, 5, attitude: 1), "2026-11", by: "month");
        Assert.Equal((1, 15), month.Ratio("poor_attitude_rate"));
        Assert.Equal("fail", month.Status("poor_attitude_6"));
        var none = _kefu.Period(Ratings(85, 10, 5, attitude: 0), "2026-11", by: "month");
        Assert.Equal("pass", none.Status("poor_attitude_6"));
    }

    /// <summary>One day of <paramref name="buyers"/> consulting buyers, <paramref name="late"/> of them answered after 4 minutes.</summary>
    private static IEnumerable<ChatEvent> Day(DateOnly date, int buyers, int late) => Enumerable.Range(0, buyers).SelectMany(i =>
        Chat.On(date.ToString("yyyy-MM-dd"), conversation: $"{date:MMdd}-{i}", customer: $"u{i}").Customer("10:00:00").Agent(i < late ? "10:04:00" : "10:01:00").Events);

    [Fact]
    public void K3_seven_days_of_20_buyers_at_80_percent_earn_the_fast_reply_badge_on_the_seventh()
    {
        var start = new DateOnly(2026, 11, 2);
        var events = Enumerable.Range(0, 7).SelectMany(d => Day(start.AddDays(d), 20, late: 4)); // 16 of 20 = 80%
        var report = _kefu.Report(events, by: "day");
        var days = report.GetProperty("shops")[0].GetProperty("periods").EnumerateArray().ToList();
        Assert.Equal("fail", days[5].Status("fast_reply_badge"));
        Assert.Equal("pass", days[6].Status("fast_reply_badge"));
        Assert.Equal("badge", days[6].Verdict("fast_reply_badge").GetProperty("consequence").GetProperty("kind").GetString());
    }

    [Fact]
    public void K3_a_day_with_19_buyers_breaks_the_streak_which_restarts_the_day_after()
    {
        var start = new DateOnly(2026, 11, 2);
        var events = Enumerable.Range(0, 12).SelectMany(d => Day(start.AddDays(d), d == 4 ? 19 : 20, late: 0));
        var days = _kefu.Report(events, by: "day").GetProperty("shops")[0].GetProperty("periods").EnumerateArray().ToList();
        Assert.Equal("fail", days[4].Status("fast_reply_badge"));   // 19 buyers
        Assert.Equal("fail", days[6].Status("fast_reply_badge"));   // day 7: the streak was broken on day 5
        Assert.Equal("fail", days[10].Status("fast_reply_badge"));  // six good days since
        Assert.Equal("pass", days[11].Status("fast_reply_badge"));  // seven: days 6–12
    }

    [Fact]
    public void K4_a_buyer_message_unanswered_for_6_hours_closes_the_session()
    {
        var closed = Chat.On("2026-11-20").Customer("10:00:00").Customer("16:00:00").Agent("16:00:30");
        Assert.Equal(2.0, _kefu.Period(closed.Events, "2026-11-20").Value("sessions"));
        var open = Chat.On("2026-11-20").Customer("10:00:00").Customer("15:59:59").Agent("16:00:30");
        Assert.Equal(1.0, _kefu.Period(open.Events, "2026-11-20").Value("sessions"));
    }

    [Fact]
    public void K4_an_agent_reply_at_10_00_without_a_buyer_answer_closes_the_session_at_10_20()
    {
        var closed = Chat.On("2026-11-20").Customer("09:59:00").Agent("10:00:00").Customer("10:20:00").Agent("10:20:30");
        var day = _kefu.Period(closed.Events, "2026-11-20");
        Assert.Equal(2.0, day.Value("sessions"));
        Assert.Equal((2, 2), day.Ratio("reply_rate_3min_session"));
        var open = Chat.On("2026-11-20").Customer("09:59:00").Agent("10:00:00").Customer("10:19:59").Agent("10:20:30");
        Assert.Equal(1.0, _kefu.Period(open.Events, "2026-11-20").Value("sessions"));
    }

    [Fact]
    public void A_reply_after_the_6_hour_close_does_not_answer_the_session()
    {
        // 10:00 unanswered: the session closed at 16:00, so the 16:05 reply answers nothing of it.
        var day = _kefu.Period(Chat.On("2026-11-20").Customer("10:00:00").Agent("16:05:00").Events, "2026-11-20");
        Assert.Equal((0, 1), day.Ratio("reply_rate_3min_session"));
        Assert.Equal((0, 1), day.Ratio("reply_rate_3min"));
    }

    [Fact]
    public void The_monthly_3_minute_rate_per_buyer_passes_at_70_percent()
    {
        var events = Day(new DateOnly(2026, 11, 20), 10, late: 3);
        var month = _kefu.Period(events, "2026-11", by: "month");
        Assert.Equal((7, 10), month.Ratio("reply_rate_3min"));
        Assert.Equal("pass", month.Status("reply_rate_70"));
    }
}
