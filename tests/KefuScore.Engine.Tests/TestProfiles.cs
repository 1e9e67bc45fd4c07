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

    /// <summary>
    /// Every metric the incremental conversation state computes (no sessions, buyers, per-account or bot-only rules),
    /// with a second version from 2026-11-20 that narrows the message rate, for the state's own tests.
    /// </summary>
    public static CompiledProfile Incremental(TimeSpan? idleClose = null) => CompiledProfile.Compile(new Profile
    {
        Id = "incremental",
        Names = new Dictionary<string, string> { ["en"] = "incremental" },
        IdleClose = idleClose ?? TimeSpan.FromHours(24),
        Metrics =
        [
            new MetricDefinition { Id = "consultations", Kind = MetricKind.Consultations, Hours = new AssessmentHours(TimeSpan.FromHours(8), TimeSpan.FromHours(22)) },
            new MetricDefinition { Id = "msg", Kind = MetricKind.ReplyWithin, WithinSeconds = 180, Hours = new AssessmentHours(TimeSpan.FromHours(9), TimeSpan.FromHours(19)) },
            new MetricDefinition { Id = "first", Kind = MetricKind.ReplyWithin, WithinSeconds = 120, FirstOnly = true },
            new MetricDefinition { Id = "round", Kind = MetricKind.ReplyWithin, Unit = CountingUnit.Round, WithinSeconds = 180, AcceptAssist = true, CloseAtDayEnd = true },
            new MetricDefinition { Id = "avg", Kind = MetricKind.ReplyTime, Unit = CountingUnit.Round, CapSeconds = 600, UnansweredAsSeconds = 600 },
            new MetricDefinition { Id = "avg_msg", Kind = MetricKind.ReplyTime },
            new MetricDefinition { Id = "unanswered", Kind = MetricKind.Unanswered, CloseAtDayEnd = true },
            new MetricDefinition { Id = "not_served", Kind = MetricKind.NotServed, AcceptAssist = true },
            new MetricDefinition { Id = "good", Kind = MetricKind.RatingShare, Levels = [KefuScore.Engine.Events.Satisfaction.Satisfied] },
            new MetricDefinition { Id = "bad_stars", Kind = MetricKind.RatingShare, RatedBy = RatedBy.Stars, Levels = [KefuScore.Engine.Events.Satisfaction.Dissatisfied] },
        ],
        Versions =
        [
            new ProfileVersion
            {
                EffectiveFrom = new DateOnly(2026, 11, 20),
                Metrics = [new MetricDefinition { Id = "msg", Kind = MetricKind.ReplyWithin, WithinSeconds = 60, Hours = new AssessmentHours(TimeSpan.FromHours(10), TimeSpan.FromHours(18)) }],
            },
        ],
    }, KefuScore.Tests.Run.Shanghai);
}
