using KefuScore.Engine.Reports;

namespace KefuScore.App.Tests.Profiles;

/// <summary>SPEC §5.3 `taobao`: the worked examples T1–T8 of research/platform-rules.md.</summary>
public sealed class TaobaoTests
{
    private static readonly KefuScore.Engine.Profiles.CompiledProfile Taobao = Builtin.Get("taobao");

    private static PeriodReport Day(Chat chat) => Run.Report(Taobao, chat.Events).Period("2026-11-20");

    [Fact]
    public void T1_a_follow_up_merges_into_the_round_and_the_clock_runs_from_the_first_question()
    {
        var day = Day(Chat.On("2026-11-20").Customer("10:10:15").Customer("10:15:20").Agent("10:18:10"));
        Assert.Equal((0, 1), day.Ratio("reply_rate_3min"));
    }

    [Fact]
    public void T2_a_new_question_after_the_reply_opens_a_second_round()
    {
        var day = Day(Chat.On("2026-11-20").Customer("10:10:15").Customer("10:15:20").Agent("10:18:10").Customer("10:18:30").Agent("10:19:00"));
        Assert.Equal((1, 2), day.Ratio("reply_rate_3min"));
    }

    [Fact]
    public void T3_ten_questions_never_answered_make_one_unanswered_round_of_600_seconds()
    {
        var chat = Chat.On("2026-11-20");
        for (var i = 0; i < 10; i++) chat.Customer($"10:0{i / 6}:{i % 6 * 10:00}"); // 10:00:00 … 10:01:30
        var day = Day(chat);
        Assert.Equal((0, 1), day.Ratio("reply_rate_3min"));
        Assert.Equal(600.0, day.Metric("avg_reply_seconds").Value);
    }

    [Fact]
    public void T4_150_seconds_is_within_and_181_is_not()
    {
        Assert.Equal((1, 1), Day(Chat.On("2026-11-20").Customer("10:00:00").Agent("10:02:30")).Ratio("reply_rate_3min"));
        Assert.Equal((0, 1), Day(Chat.On("2026-11-20").Customer("10:00:00").Agent("10:03:01")).Ratio("reply_rate_3min"));
    }

    [Fact]
    public void T5_rounds_are_capped_at_600_seconds_and_unanswered_counts_as_600()
    {
        // Rounds of 30 s, 12 min and unanswered: (30 + 600 + 600) / 3 = 410 s.
        var day = Day(Chat.On("2026-11-20").Customer("10:00:00").Agent("10:00:30")
            .Customer("11:00:00").Agent("11:12:00")
            .Customer("12:00:00"));
        Assert.Equal(410.0, day.Metric("avg_reply_seconds").Value);
        Assert.Equal((1, 3), day.Ratio("reply_rate_3min"));
    }

    [Fact]
    public void A_round_answered_only_the_next_day_closed_unanswered_at_the_end_of_its_day()
    {
        var day = Run.Report(Taobao, Chat.On("2026-11-20").Customer("22:50:00").Then("2026-11-21").Agent("08:05:00").Events).Period("2026-11-20");
        Assert.Equal((0, 1), day.Ratio("reply_rate_3min"));
        Assert.Equal(600.0, day.Metric("avg_reply_seconds").Value);
    }

    [Fact]
    public void T6_a_bot_only_conversation_is_left_out_and_an_assist_reply_is_valid()
    {
        var botOnly = Chat.On("2026-11-20", conversation: "bot").Customer("10:00:00").Bot("10:00:02").Customer("10:05:00").Bot("10:05:01");
        var assisted = Chat.On("2026-11-20", conversation: "assist").Customer("10:00:00").Assist("10:00:20");
        var day = Run.Report(Taobao, botOnly.Events.Concat(assisted.Events)).Period("2026-11-20");
        Assert.Equal((1, 1), day.Ratio("reply_rate_3min"));
    }

    [Fact]
    public void T7_a_transfer_without_reply_leaves_an_unanswered_round_with_the_first_sub_account()
    {
        var chat = Chat.On("2026-11-20").Session("10:00:00", "opened", agent: "X").Customer("10:00:05")
            .Session("10:01:00", "transferred", agent: "Y").Agent("10:02:00", agent: "Y");
        var report = Run.Report(Taobao, chat.Events, new ReportRequest(Agents: true));
        var shop = report.Shops.Single();
        var x = shop.Agents.Single(a => a.Agent == "X").Periods.Single();
        var y = shop.Agents.Single(a => a.Agent == "Y").Periods.Single();
        Assert.Equal((0, 1), x.Ratio("reply_rate_3min"));
        Assert.Equal((1, 1), y.Ratio("reply_rate_3min"));
        Assert.Equal(60.0, y.Metric("avg_reply_seconds").Value);
        Assert.Equal((1, 2), shop.Periods.Single().Ratio("reply_rate_3min"));
    }

    [Fact]
    public void T8_questions_at_23_10_and_07_50_are_outside_the_window()
    {
        var day = Day(Chat.On("2026-11-20").Customer("07:50:00").Agent("07:51:00").Customer("10:00:00").Agent("10:01:00").Customer("23:10:00"));
        Assert.Equal((1, 1), day.Ratio("reply_rate_3min"));
    }

    [Fact]
    public void The_rolling_30_day_window_adds_up_the_last_30_days()
    {
        var events = Enumerable.Range(0, 31).SelectMany(d =>
            Chat.On(new DateOnly(2026, 10, 21).AddDays(d).ToString("yyyy-MM-dd"), conversation: $"c{d}").Customer("10:00:00").Agent(d == 0 ? "10:10:00" : "10:01:00").Events);
        var report = Run.Report(Taobao, events);
        Assert.Contains("reply_rate_3min 0.9667", report.Period("2026-11-19").Verdict("rolling_30_days").Detail); // 29 of 30
        Assert.Contains("reply_rate_3min 1 ", report.Period("2026-11-20").Verdict("rolling_30_days").Detail);     // the late day has left the window
    }
}
