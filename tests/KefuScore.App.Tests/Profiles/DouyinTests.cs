using KefuScore.Engine.Events;
using KefuScore.Engine.Reports;

namespace KefuScore.App.Tests.Profiles;

/// <summary>SPEC §5.1 `douyin`, one worked example per rule, with the times written out.</summary>
public sealed class DouyinTests
{
    private static readonly KefuScore.Engine.Profiles.CompiledProfile Douyin = Builtin.Get("douyin");

    private static PeriodReport Day(Chat chat, string date = "2026-11-20") => Run.Report(Douyin, chat.Events).Period(date);

    [Fact]
    public void Reply_after_exactly_180_seconds_is_within_3_minutes()
    {
        var day = Day(Chat.On("2026-11-20").Customer("10:00:00").Agent("10:03:00"));
        Assert.Equal((1, 1), day.Ratio("reply_rate_3min"));
        Assert.Equal(180.0, day.Metric("avg_reply_seconds").Value);
    }

    [Fact]
    public void Reply_after_180_001_seconds_is_late()
    {
        var day = Day(Chat.On("2026-11-20").Customer("10:00:00").Agent("10:03:00.001"));
        Assert.Equal((0, 1), day.Ratio("reply_rate_3min"));
    }

    [Fact]
    public void Message_at_18_59_59_answered_at_19_01_counts()
    {
        var day = Day(Chat.On("2026-11-20").Customer("18:59:59").Agent("19:01:00"));
        Assert.Equal((1, 1), day.Ratio("reply_rate_3min"));
        Assert.Equal(61.0, day.Metric("avg_reply_seconds").Value);
    }

    [Fact]
    public void Message_at_19_00_00_is_outside_assessment_hours()
    {
        var day = Day(Chat.On("2026-11-20").Customer("10:00:00").Agent("10:01:00").Customer("19:00:00").Agent("19:30:00"));
        Assert.Equal((1, 1), day.Ratio("reply_rate_3min"));
        Assert.Equal(1L, day.Metric("consultations").Cell.Count);
    }

    [Fact]
    public void Burst_of_three_answered_by_one_reply_counts_each_message_from_its_own_time()
    {
        // 10:00:00 → 210 s (late), 10:01:00 → 150 s, 10:02:00 → 90 s.
        var day = Day(Chat.On("2026-11-20").Customer("10:00:00").Customer("10:01:00").Customer("10:02:00").Agent("10:03:30"));
        Assert.Equal((2, 3), day.Ratio("reply_rate_3min"));
        Assert.Equal(150.0, day.Metric("avg_reply_seconds").Value);
    }

    [Fact]
    public void Bot_reply_and_agent_auto_reply_do_not_count()
    {
        var day = Day(Chat.On("2026-11-20").Customer("10:00:00").Bot("10:00:05").AutoReply("10:00:10").Welcome("10:00:11"));
        Assert.Equal((0, 1), day.Ratio("reply_rate_3min"));
        Assert.Equal(1L, day.Metric("unanswered").Cell.Count);
        Assert.Null(day.Metric("avg_reply_seconds").Value);
    }

    [Fact]
    public void Reply_at_the_same_instant_counts()
    {
        var day = Day(Chat.On("2026-11-20").Agent("10:00:00", id: "a-first").Customer("10:00:00", id: "z-second"));
        Assert.Equal((1, 1), day.Ratio("reply_rate_3min"));
        Assert.Equal(0.0, day.Metric("avg_reply_seconds").Value);
    }

    [Fact]
    public void Reply_after_midnight_counts_its_full_delay_on_the_day_of_the_message()
    {
        var report = Run.Report(Douyin, Chat.On("2026-11-20").Customer("18:50:00").Then("2026-11-21").Agent("00:10:00").Events);
        var day = report.Period("2026-11-20");
        Assert.Equal((0, 1), day.Ratio("reply_rate_3min"));
        Assert.Equal(19_200.0, day.Metric("avg_reply_seconds").Value);
        Assert.Equal(0L, day.Metric("unanswered").Cell.Count);
    }

    [Fact]
    public void Offsets_given_as_Z_and_minus_five_hours_are_the_same_instants()
    {
        // 02:00Z is 10:00 in Shanghai; 21:01:30-05:00 the evening before is 02:01:30Z: 90 s later.
        var chat = Chat.On("2026-11-20").Customer("2026-11-20T02:00:00Z").Agent("2026-11-19T21:01:30-05:00");
        var day = Day(chat);
        Assert.Equal((1, 1), day.Ratio("reply_rate_3min"));
        Assert.Equal(90.0, day.Metric("avg_reply_seconds").Value);
    }

    [Fact]
    public void Duplicate_ids_are_ignored_and_counted()
    {
        var chat = Chat.On("2026-11-20").Customer("10:00:00", id: "m1").Agent("10:05:00", id: "m2");
        var events = chat.Events.Concat([chat.Events[0], chat.Events[1]]).ToList();
        var rollup = Run.Fold(Douyin, events, null, out var fold);
        Assert.Equal(2, fold.Duplicates);
        var day = ReportBuilder.Build(Douyin, rollup, new ReportRequest()).Period("2026-11-20");
        Assert.Equal((0, 1), day.Ratio("reply_rate_3min"));
    }

    [Fact]
    public void Rating_at_23_30_counts_for_satisfaction()
    {
        var day = Day(Chat.On("2026-11-20").Customer("23:00:00").Agent("23:01:00").Rating("23:30:00", stars: 2));
        Assert.Equal((1, 1), day.Ratio("dissatisfaction_rate"));
        Assert.Equal((0, 1), day.Ratio("satisfaction_rate"));
        Assert.Equal(0L, day.Metric("reply_rate_3min").Cell.Denominator);
    }

    [Fact]
    public void Day_without_counted_messages_has_no_rate_and_no_verdict()
    {
        var day = Day(Chat.On("2026-11-20").Customer("21:00:00").Agent("21:01:00"));
        Assert.Null(day.Metric("reply_rate_3min").Value);
        Assert.All(day.Verdicts, v => Assert.Equal(VerdictStatus.None, v.Status));
    }

    [Fact]
    public void First_reply_rate_measures_the_first_message_inside_the_hours()
    {
        // 08:30 is before 09:00; the first counted one is 09:10, answered after 100 s; 09:20's slow reply is not a first reply.
        var day = Day(Chat.On("2026-11-20").Customer("08:30:00").Customer("09:10:00").Agent("09:11:40").Customer("09:20:00").Agent("09:30:00"));
        Assert.Equal((1, 1), day.Ratio("first_reply_rate_2min"));
        Assert.Equal((1, 2), day.Ratio("reply_rate_3min"));
    }

    /// <summary>n conversations on a day, the first <paramref name="onTime"/> answered in 60 s, the rest in 10 minutes.</summary>
    private static List<ChatEvent> Conversations(string date, int n, int onTime) =>
        Enumerable.Range(0, n).SelectMany(i => Chat.On(date, conversation: $"c{i}", customer: $"u{i}")
            .Customer("10:00:00").Agent(i < onTime ? "10:01:00" : "10:10:00").Events).ToList();

    [Theory]
    [InlineData(101, 50, "fail")]   // 101 consultations, 49.5% → fined
    [InlineData(100, 49, "pass")]   // 49% but only 100 consultations → no fine
    [InlineData(101, 51, "pass")]   // 50.5% → no fine
    public void Fine_needs_more_than_100_consultations_under_50_percent(int consultations, int onTime, string fine)
    {
        var day = Run.Report(Douyin, Conversations("2026-11-20", consultations, onTime)).Period("2026-11-20");
        var verdict = day.Verdict("fine");
        Assert.Equal(fine, verdict.Status.ToString().ToLowerInvariant());
        if (fine == "fail")
        {
            Assert.Equal("fine", verdict.Consequence!.Kind);
            Assert.Equal(1000m, verdict.Consequence.Amount);
            Assert.Equal("campaign_ban", day.Verdict("activity_floor").Consequence!.Kind);
        }
        else Assert.Null(verdict.Consequence);
    }

    [Theory]
    [InlineData("2026-02-15", "pass")] // Spring Festival 2026: the line is 90%
    [InlineData("2026-02-10", "pass")] // first festival day
    [InlineData("2026-02-25", "fail")] // the day after: 97% again
    [InlineData("2027-02-13", "pass")] // last day of the 2027 festival
    public void Spring_festival_days_use_the_90_percent_line(string date, string status)
    {
        var day = Run.Report(Douyin, Conversations(date, 20, 19)).Period(date); // 95%
        Assert.Equal(0.95, day.Metric("reply_rate_3min").Value);
        Assert.Equal(status, day.Verdict("standard").Status.ToString().ToLowerInvariant());
    }
}
