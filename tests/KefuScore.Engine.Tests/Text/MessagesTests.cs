using KefuScore.Engine.Profiles;
using KefuScore.Engine.Quality;
using KefuScore.Engine.Reports;
using KefuScore.Engine.Text;
using KefuScore.Tests;

namespace KefuScore.Engine.Tests.Text;

/// <summary>The engine says why as codes with typed arguments, and the command line's English stays as it was.</summary>
public sealed class MessagesTests
{
    private static readonly CompiledProfile Profile = TestProfiles.Everything();

    [Fact]
    public void A_failed_verdict_names_the_metric_the_value_and_the_line_as_typed_arguments()
    {
        // 1 of 2 messages within 3 minutes: 0.5 < 0.97 fails the standard.
        var chat = Chat.On("2026-11-20").Customer("10:00:00").Agent("10:01:00").Customer("10:10:00").Agent("10:14:00");
        var day = ReportBuilder.Build(Profile, Run.Fold(Profile, chat.Events), new ReportRequest(By: PeriodKind.Day)).Shops[0].Periods[0];
        var verdict = Assert.Single(day.Verdicts);
        var reason = Assert.Single(verdict.Reasons);
        Assert.Equal(Codes.VerdictHolds, reason.Code);
        Assert.Equal(new Ref(RefKind.Metric, "msg"), reason.Arg<Ref>(0) with { Names = null });
        Assert.Equal(new Num(0.5, NumKind.Share), reason.Arg<Num>(1));
        Assert.Equal(Comparison.Below, reason.Arg<Comparison>(2));
        Assert.Equal(new Num(0.97, NumKind.Share), reason.Arg<Num>(3));
        Assert.Equal("msg 0.5 < 0.97", verdict.Detail);
    }

    [Fact]
    public void A_condition_that_does_not_hold_carries_its_negation_for_readers()
    {
        var chat = Chat.On("2026-11-20").Customer("10:00:00").Agent("10:01:00");
        var verdict = ReportBuilder.Build(Profile, Run.Fold(Profile, chat.Events), new ReportRequest(By: PeriodKind.Day)).Shops[0].Periods[0].Verdicts[0];
        var reason = Assert.Single(verdict.Reasons);
        Assert.Equal(Codes.VerdictNotHolds, reason.Code);
        Assert.Equal(Comparison.AtLeast, reason.Arg<Comparison>(4));
        Assert.Equal("msg 1 not < 0.97", verdict.Detail);
    }

    [Fact]
    public void A_long_silence_is_evidence_in_seconds_with_its_limit()
    {
        var rules = new InspectionRules { Rules = [new InspectionRule { Id = RuleIds.LongSilence, Weight = 2, Within = TimeSpan.FromSeconds(300) }] };
        var chat = Chat.On("2026-11-20").Customer("10:00:00").Agent("10:00:30").Customer("10:01:00", id: "w1").Agent("10:07:23");
        var f = Assert.Single(new Inspector(rules).InspectConversation(chat.Events));
        Assert.Equal(new Msg(Codes.FindingWaited, new Num(383, NumKind.Seconds), new Num(300, NumKind.Seconds)).Args, f.Reason.Args);
        Assert.Equal("waited 383 s for a reply (limit 300 s)", f.Evidence);
    }

    [Fact]
    public void An_answer_explained_under_a_metric_without_a_limit_is_answered_not_within_zero_seconds()
    {
        // The unanswered count and the reply time have no limit: "在 203 秒后回复（≤ 0 秒）" compared with a 0 they do not have.
        var chat = Chat.On("2026-11-20").Customer("10:00:00", id: "m1").Agent("10:03:23");
        foreach (var metric in new[] { "unanswered", "avg" })
        {
            var x = Assert.Single(Explainer.Explain(Profile, chat.Events, "c1", metric));
            var why = Assert.Single(x.Why(x.Rows[0]));
            Assert.Equal(Codes.ExplainAnswered, why.Code);
            Assert.Equal("answered by a1 after 203 s", EnglishText.Render(why));
        }
        var within = Assert.Single(Explainer.Explain(Profile, chat.Events, "c1", "msg"));
        Assert.Equal("answered by a1 after 203 s (> 180 s): late", EnglishText.Render(within.Why(within.Rows[0])));
    }

    [Fact]
    public void A_bot_reply_before_the_human_one_is_named_after_the_reason()
    {
        var chat = Chat.On("2026-11-20").Customer("10:00:00").Bot("10:00:05", id: "b1");
        var x = Assert.Single(Explainer.Explain(Profile, chat.Events, "c1", "msg"));
        var why = x.Why(x.Rows[0]);
        Assert.Equal([Codes.ExplainUnanswered, Codes.IgnoredBot], why.Select(m => m.Code));
        Assert.Equal("no valid human reply; b1 was a bot reply, which does not count", EnglishText.Render(why));
    }

    [Fact]
    public void A_window_that_is_not_one_is_refused_with_the_text_as_typed()
    {
        Assert.False(AssessmentHours.TryParse("23点到8点", out _, out var error));
        Assert.Equal(Codes.HoursNotWindow, error!.Code);
        Assert.Equal("'23点到8点' is not a window like \"09:00-19:00\" or \"all\"", EnglishText.Render(error));
    }
}
