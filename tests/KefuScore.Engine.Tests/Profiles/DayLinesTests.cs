using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;

namespace KefuScore.Engine.Tests.Profiles;

public sealed class DayLinesTests
{
    /// <summary>douyin's daily lines: 97% standard, 90% in the Spring Festival 2026-02-10…02-24, 50% campaign floor; a rule exempt in a test period.</summary>
    private static CompiledProfile Douyin() => CompiledProfile.Compile(new Profile
    {
        Id = "lines",
        Names = new Dictionary<string, string> { ["en"] = "lines" },
        Metrics =
        [
            new MetricDefinition { Id = "consultations", Kind = MetricKind.Consultations },
            new MetricDefinition { Id = "reply_rate_3min", Kind = MetricKind.ReplyWithin, WithinSeconds = 180 },
        ],
        Assessments =
        [
            new AssessmentRule { Id = "standard", FailWhen = [new Condition("reply_rate_3min", Comparison.Below, 0.97)] },
            new AssessmentRule { Id = "activity_floor", FailWhen = [new Condition("reply_rate_3min", Comparison.Below, 0.50)] },
        ],
        SpecialPeriods =
        [
            new SpecialPeriod
            {
                Id = "spring_festival_2026", From = new(2026, 2, 10), To = new(2026, 2, 24),
                Overrides = new Dictionary<string, IReadOnlyList<Condition>> { ["standard"] = [new Condition("reply_rate_3min", Comparison.Below, 0.90)] },
            },
            new SpecialPeriod { Id = "audit_week", From = new(2026, 3, 2), To = new(2026, 3, 8), Exempt = ["standard"] },
        ],
    }, KefuScore.Tests.Run.Shanghai);

    [Theory]
    [InlineData("2026-02-09", 0.97)]
    [InlineData("2026-02-10", 0.90)]
    [InlineData("2026-02-17", 0.90)]
    [InlineData("2026-02-24", 0.90)]
    [InlineData("2026-02-25", 0.97)]
    [InlineData("2026-03-05", 0.50)]
    public void The_pass_line_of_a_day_is_the_festival_line_inside_the_festival_and_the_standard_outside(string day, double line)
    {
        Assert.Equal(line, DayLines.PassLine(Douyin(), "reply_rate_3min", DateOnly.Parse(day)));
    }

    [Fact]
    public void A_metric_no_rule_holds_has_no_pass_line()
    {
        Assert.Null(DayLines.PassLine(Douyin(), "consultations", new DateOnly(2026, 2, 17)));
    }

    [Fact]
    public void A_festival_day_lists_the_festival_line_and_the_floor_and_says_it_is_overridden()
    {
        var profile = Douyin();
        var standard = profile.Versions[0].Assessments[0];
        var day = new DateOnly(2026, 2, 17);

        Assert.Equal([0.90, 0.50], DayLines.LinesOn(profile, "reply_rate_3min", day).Select(c => c.Value));
        Assert.True(DayLines.Overridden(profile, standard, day));
        Assert.False(DayLines.Overridden(profile, standard, new DateOnly(2026, 2, 25)));
        Assert.Equal("spring_festival_2026", DayLines.SpecialOn(profile, day)!.Id);
    }

    [Fact]
    public void The_report_judges_a_festival_day_by_the_same_line()
    {
        // 92 of 100 on time on 2026-02-17 passes at 90%; the same figure on 2026-02-25 fails at 97%.
        var profile = Douyin();
        var rollup = new KefuScore.Engine.Metrics.Rollup(profile.Metrics.Count);
        foreach (var day in new[] { new DateOnly(2026, 2, 17), new DateOnly(2026, 2, 25) })
        {
            var hour = day.DayNumber * 24 + 10;
            rollup.Add(new KefuScore.Engine.Metrics.MetricFact("s1", null, hour, 1, 92, 100, 0, 0, -1));
        }
        var periods = ReportBuilder.Build(profile, rollup, new ReportRequest()).Shops[0].Periods;

        Assert.Equal(VerdictStatus.Pass, periods.Single(p => p.Start == new DateOnly(2026, 2, 17)).Verdicts.Single(v => v.Rule == "standard").Status);
        Assert.Equal(VerdictStatus.Fail, periods.Single(p => p.Start == new DateOnly(2026, 2, 25)).Verdicts.Single(v => v.Rule == "standard").Status);
    }
}
