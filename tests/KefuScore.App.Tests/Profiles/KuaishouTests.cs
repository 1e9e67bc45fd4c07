using KefuScore.Engine.Events;
using KefuScore.Engine.Reports;

namespace KefuScore.App.Tests.Profiles;

/// <summary>SPEC §5.2 `kuaishou`: the weekly good-review rate, its points banding and the two-week restriction.</summary>
public sealed class KuaishouTests
{
    private static readonly KefuScore.Engine.Profiles.CompiledProfile Kuaishou = Builtin.Get("kuaishou");

    /// <summary>Ratings on one day: <paramref name="five"/> five-star, then the rest four-star, as separate conversations.</summary>
    private static IEnumerable<ChatEvent> Ratings(string date, int total, int five) =>
        Enumerable.Range(0, total).SelectMany(i => Chat.On(date, conversation: $"{date}-c{i}")
            .Customer("10:00:00").Agent("10:00:30").Rating("10:05:00", stars: i < five ? 5 : 4).Events);

    [Theory]
    [InlineData(97, "pass", null)]  // 97 of 100 = 97%: on the line passes
    [InlineData(96, "fail", 5)]     // 96%: at least 92% → 5 points
    [InlineData(92, "fail", 5)]
    [InlineData(91, "fail", 10)]    // under 92% → 10 points
    public void Good_review_week_is_judged_at_97_percent_with_points_banding(int five, string status, int? points)
    {
        var week = Run.Report(Kuaishou, Ratings("2026-11-18", 100, five)).Period("2026-W47");
        Assert.Equal((five, 100), week.Ratio("good_review_rate"));
        Assert.Equal((100 - five, 100), week.Ratio("medium_review_rate"));
        var verdict = week.Verdict("standard");
        Assert.Equal(status, verdict.Status.ToString().ToLowerInvariant());
        Assert.Equal(points, verdict.Consequence?.Points);
    }

    [Fact]
    public void Ratings_given_only_as_a_satisfaction_level_are_not_part_of_the_star_rates()
    {
        // 3 five-star and 1 three-star rating, plus 6 ratings with only "satisfied" or "dissatisfied" (no stars):
        // SPEC §5.2 counts CS ratings with 1–5 stars, so the rates are 3/4, 1/4 and 0/4, not out of 10.
        var stars = Enumerable.Range(0, 4).SelectMany(i => Chat.On("2026-11-18", conversation: $"s{i}")
            .Customer("10:00:00").Agent("10:00:30").Rating("10:05:00", stars: i < 3 ? 5 : 3).Events);
        var levels = Enumerable.Range(0, 6).SelectMany(i => Chat.On("2026-11-18", conversation: $"l{i}")
            .Customer("11:00:00").Agent("11:00:30")
            .Rating("11:05:00", satisfaction: i < 4 ? Satisfaction.Satisfied : Satisfaction.Dissatisfied).Events);
        var week = Run.Report(Kuaishou, stars.Concat(levels)).Period("2026-W47");
        Assert.Equal((3, 4), week.Ratio("good_review_rate"));
        Assert.Equal((1, 4), week.Ratio("medium_review_rate"));
        Assert.Equal((0, 4), week.Ratio("bad_review_rate"));
    }

    [Fact]
    public void Two_weeks_in_a_row_under_97_percent_bring_restriction_from_the_second_week()
    {
        var events = Ratings("2026-11-11", 100, 95).Concat(Ratings("2026-11-18", 100, 96)).Concat(Ratings("2026-11-25", 100, 99));
        var report = Run.Report(Kuaishou, events);
        Assert.Equal(VerdictStatus.Pass, report.Period("2026-W46").Verdict("restriction").Status);
        var second = report.Period("2026-W47").Verdict("restriction");
        Assert.Equal(VerdictStatus.Fail, second.Status);
        Assert.Equal("restriction", second.Consequence!.Kind);
        Assert.Equal(VerdictStatus.Pass, report.Period("2026-W48").Verdict("restriction").Status);
    }

    [Fact]
    public void A_week_without_data_between_two_bad_weeks_breaks_the_streak()
    {
        var events = Ratings("2026-11-04", 100, 90).Concat(Ratings("2026-11-18", 100, 90));
        var report = Run.Report(Kuaishou, events);
        Assert.Equal(VerdictStatus.Pass, report.Period("2026-W47").Verdict("restriction").Status);
    }

    [Fact]
    public void Reply_rate_counts_all_24_hours()
    {
        var week = Run.Report(Kuaishou, Chat.On("2026-11-20").Customer("23:30:00").Agent("23:31:00").Customer("03:00:00").Events).Period("2026-W47");
        Assert.Equal((1, 2), week.Ratio("reply_rate_3min"));
    }
}
