using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;

namespace KefuScore.Engine.Tests.Metrics;

/// <summary>
/// SPEC §4: "the valid reply may come after the window closes or on a later day, and its full delay counts".
/// The idle close only lets the engine forget a conversation nobody waits in; it never decides a number.
/// </summary>
public sealed class LateReplyTests
{
    /// <summary>Uncapped reply time next to the 3-minute rate, so the full delay is visible in seconds.</summary>
    private static readonly CompiledProfile Profile = CompiledProfile.Compile(new Profile
    {
        Id = "late",
        Names = new Dictionary<string, string> { ["en"] = "late" },
        Metrics =
        [
            new MetricDefinition { Id = "consultations", Kind = MetricKind.Consultations },
            new MetricDefinition { Id = "rr3", Kind = MetricKind.ReplyWithin, WithinSeconds = 180 },
            new MetricDefinition { Id = "first", Kind = MetricKind.ReplyWithin, WithinSeconds = 120, FirstOnly = true },
            new MetricDefinition { Id = "avg", Kind = MetricKind.ReplyTime },
            new MetricDefinition { Id = "unanswered", Kind = MetricKind.Unanswered },
        ],
    }, Run.Shanghai);

    /// <summary>Busy neighbours: one answered conversation an hour moves the streaming watermark past any silence.</summary>
    private static IEnumerable<ChatEvent> Traffic(string from, int days)
    {
        var start = DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture);
        for (var d = 0; d < days; d++)
        {
            var date = start.AddDays(d).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            for (var h = 0; h < 24; h++)
            {
                var t = $"{h:00}:30:00";
                foreach (var e in Chat.On(date, conversation: $"n{d}-{h}", customer: $"n{d}-{h}").Customer(t).Agent($"{h:00}:30:20").Events)
                    yield return e;
            }
        }
    }

    private static PeriodReport Day(IEnumerable<ChatEvent> events, FoldOptions options, string day)
    {
        var ordered = events.OrderBy(e => e.Ticks).ToList();
        var report = ReportBuilder.Build(Profile, Run.Fold(Profile, ordered, options), new ReportRequest(By: PeriodKind.Day));
        return report.Period(day);
    }

    [Fact]
    public void A_reply_two_days_later_answers_the_message_with_its_full_delay()
    {
        var chat = Chat.On("2026-11-20").Customer("10:00:00").Then("2026-11-22").Agent("10:00:05");
        var expected = 2 * 86_400 + 5;
        foreach (var options in new[] { FoldOptions.Unbounded, FoldOptions.Streaming })
        {
            var day = Day(chat.Events.Where(e => e.Conversation == "c1").Concat(Traffic("2026-11-19", 6)), options, "2026-11-20");
            var avg = day.Metric("avg").Cell;
            // The neighbours' 24 messages that day were answered in 20 s each.
            Assert.Equal(25, avg.Count);
            Assert.Equal((24 * 20 + expected) * TimeSpan.TicksPerSecond, avg.SumTicks);
            Assert.Equal((24L, 25L), day.Ratio("rr3"));
            Assert.Equal(0L, day.Metric("unanswered").Cell.Count);
        }
    }

    [Fact]
    public void A_reply_after_a_week_of_silence_still_answers_the_waiting_customer()
    {
        // Answered at once, asked again at 10:05, then a week without a word from anyone.
        var chat = Chat.On("2026-11-01").Customer("10:00:00").Agent("10:00:30").Customer("10:05:00")
            .Then("2026-11-08").Agent("10:05:00");
        var events = chat.Events.Concat(Traffic("2026-10-31", 10)).OrderBy(e => e.Ticks).ToList();

        var (rollup, openMidweek) = Stream(events);
        var (_, openWithoutC1) = Stream(events.Where(e => e.Conversation != "c1"));
        // On 11-05 the watermark is days past c1's last event, yet c1 is still held: a customer waits in it.
        Assert.Equal(openWithoutC1 + 1, openMidweek);

        var day = ReportBuilder.Build(Profile, rollup, new ReportRequest(By: PeriodKind.Day)).Period("2026-11-01");
        var avg = day.Metric("avg").Cell;
        Assert.Equal(24 + 2, avg.Count);
        Assert.Equal((24 * 20 + 30 + 7 * 86_400) * TimeSpan.TicksPerSecond, avg.SumTicks);
        Assert.Equal((25L, 26L), day.Ratio("rr3"));
        Assert.Equal(0L, day.Metric("unanswered").Cell.Count);
        // Nothing new on 11-08 for c1: the reply is not a consultation of its own day.
        Assert.Equal(24L, ReportBuilder.Build(Profile, rollup, new ReportRequest(By: PeriodKind.Day)).Period("2026-11-08").Metric("consultations").Cell.Count);
    }

    /// <summary>Streams in order; also returns how many conversations were open at 2026-11-05 12:00 local.</summary>
    private static (Rollup Rollup, int OpenMidweek) Stream(IEnumerable<ChatEvent> events)
    {
        var fold = new MetricFold(Profile, FoldOptions.Streaming);
        var rollup = new Rollup(Profile.Metrics.Count);
        var facts = new List<MetricFact>();
        var midweek = new DateTimeOffset(2026, 11, 5, 12, 0, 0, TimeSpan.FromHours(8));
        var open = -1;
        foreach (var e in events)
        {
            if (open < 0 && e.At >= midweek) open = fold.OpenConversations;
            fold.Apply(e, facts);
            rollup.AddRange(facts);
            facts.Clear();
        }
        fold.Finish(facts);
        rollup.AddRange(facts);
        return (rollup, open);
    }

    [Fact]
    public void A_message_never_answered_stays_unanswered_when_the_input_ends()
    {
        var chat = Chat.On("2026-11-20").Customer("10:00:00");
        var day = Day(chat.Events.Concat(Traffic("2026-11-19", 5)), FoldOptions.Streaming, "2026-11-20");
        Assert.Equal(1L, day.Metric("unanswered").Cell.Count);
        Assert.Equal((24L, 25L), day.Ratio("rr3"));
    }

    [Fact]
    public void After_a_long_silence_with_nobody_waiting_a_new_question_is_a_new_consultation_day()
    {
        var chat = Chat.On("2026-11-20").Customer("10:00:00").Agent("10:00:10")
            .Then("2026-11-23").Customer("15:00:00").Agent("15:03:00");
        foreach (var options in new[] { FoldOptions.Unbounded, FoldOptions.Streaming })
        {
            var report = ReportBuilder.Build(Profile, Run.Fold(Profile, chat.Events, options), new ReportRequest(By: PeriodKind.Day));
            Assert.Equal((1L, 1L), report.Period("2026-11-20").Ratio("first"));
            Assert.Equal((0L, 1L), report.Period("2026-11-23").Ratio("first"));
            Assert.Equal(1L, report.Period("2026-11-23").Metric("consultations").Cell.Count);
        }
    }

    [Fact]
    public void Stretches_are_cut_after_a_long_silence_only_where_nobody_waits()
    {
        var answered = Chat.On("2026-11-20").Customer("10:00:00").Agent("10:00:10").Then("2026-11-23").Customer("10:00:00");
        var waiting = Chat.On("2026-11-20").Customer("10:00:00").Then("2026-11-23").Agent("10:00:00");
        var day = TimeSpan.FromHours(24).Ticks;
        Assert.Equal(2, Stretches.Split(answered.Events.ToArray().AsSpan(), day).Count);
        Assert.Single(Stretches.Split(waiting.Events.ToArray().AsSpan(), day));
    }
}
