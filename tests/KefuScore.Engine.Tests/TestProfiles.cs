using KefuScore.Engine.Profiles;

namespace KefuScore.Engine.Tests;

/// <summary>A profile built in code with one metric of every kind and unit, for the engine's own tests.</summary>
internal static class TestProfiles
{
    public static CompiledProfile Everything(TimeSpan? idleClose = null) => CompiledProfile.Compile(new Profile
    {
        Id = "test",
        Names = new Dictionary<string, string> { ["en"] = "test" },
        IdleClose = idleClose ?? TimeSpan.FromHours(24),
        Metrics =
        [
            new MetricDefinition { Id = "consultations", Kind = MetricKind.Consultations },
            new MetricDefinition { Id = "msg", Kind = MetricKind.ReplyWithin, WithinSeconds = 180, Hours = new AssessmentHours(TimeSpan.FromHours(9), TimeSpan.FromHours(19)) },
            new MetricDefinition { Id = "first", Kind = MetricKind.ReplyWithin, WithinSeconds = 120, FirstOnly = true },
            new MetricDefinition { Id = "round", Kind = MetricKind.ReplyWithin, Unit = CountingUnit.Round, WithinSeconds = 180, AcceptAssist = true, ExcludeBotOnly = true, PerAccount = true, CloseAtDayEnd = true },
            new MetricDefinition { Id = "session", Kind = MetricKind.ReplyWithin, Unit = CountingUnit.Session, WithinSeconds = 180 },
            new MetricDefinition { Id = "avg", Kind = MetricKind.ReplyTime, Unit = CountingUnit.Round, CapSeconds = 600, UnansweredAsSeconds = 600 },
            new MetricDefinition { Id = "unanswered", Kind = MetricKind.Unanswered },
            new MetricDefinition { Id = "not_served", Kind = MetricKind.NotServed },
            new MetricDefinition { Id = "good", Kind = MetricKind.RatingShare, Levels = [KefuScore.Engine.Events.Satisfaction.Satisfied] },
        ],
        Assessments =
        [
            new AssessmentRule { Id = "standard", FailWhen = [new Condition("msg", Comparison.Below, 0.97)] },
        ],
    }, KefuScore.Tests.Run.Shanghai);
}
