using KefuScore.App.Calendars;
using KefuScore.App.Yaml;

namespace KefuScore.App.Tests.Calendars;

public sealed class CalendarLoaderTests
{
    [Fact]
    public void The_issue_example_loads()
    {
        var rules = CalendarLoader.Parse("""
            timezone: Asia/Shanghai
            week: { mon: ["09:00-12:00", "13:30-18:00"], sat: ["22:00-02:00"] }
            holidays: [2026-10-01, 2026-10-02..2026-10-07]
            breaks: { 2026-11-20: ["15:00-15:30"] }
            exceptions: { 2026-02-14: ["10:00-14:00"], 2026-02-15: [] }
            """, "cal.yaml");
        Assert.Equal(2, rules.Week[DayOfWeek.Monday].Count);
        Assert.True(rules.Week[DayOfWeek.Saturday][0].IsOvernight);
        Assert.Equal(7, rules.Holidays.Count);
        Assert.Empty(rules.OpeningsOn(new DateOnly(2026, 2, 15)));
        Assert.Single(rules.OpeningsOn(new DateOnly(2026, 2, 14)));
        Assert.Equal("Asia/Shanghai", CalendarLoader.Compile(rules).Zone.Id);
    }

    [Fact]
    public void Every_problem_is_reported_with_its_path_and_line()
    {
        var e = Assert.Throws<YamlFileException>(() => CalendarLoader.Parse("""
            timezone: Asia/Shanghai
            week:
              mon: ["9-18"]
              funday: ["10:00-11:00"]
            holidays: [2026-13-01]
            breaks: { 2026-11-20: ["15:00"] }
            closed: yes
            """, "cal.yaml"));
        var problems = e.Problems.Select(p => p.ToString()).ToList();
        Assert.Contains(problems, p => p.StartsWith("week.mon[0] (line 3): '9-18' is not hours", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("week.funday (line 4): is not a day", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("holidays[0] (line 5): '2026-13-01' is not a date", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("breaks.2026-11-20[0] (line 6)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("closed (line 7): unknown key", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_time_zone_is_an_error_of_the_file()
    {
        var rules = CalendarLoader.Parse("timezone: Mars/Olympus\nweek: { mon: [\"09:00-18:00\"] }\n", "cal.yaml");
        var e = Assert.Throws<YamlFileException>(() => CalendarLoader.Compile(rules));
        Assert.Contains("timezone: 'Mars/Olympus' is not a time zone", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("90m", 5400)]
    [InlineData("3h", 10800)]
    [InlineData("1h30m", 5400)]
    [InlineData("0s", 0)]
    public void Durations_parse(string text, double seconds)
    {
        Assert.True(CalendarLoader.TryDuration(text, out var d));
        Assert.Equal(seconds, d.TotalSeconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("90")]
    [InlineData("1d")]
    [InlineData("30m1h")]
    [InlineData("-5m")]
    [InlineData("1.5h")]
    public void Bad_durations_are_refused(string text) => Assert.False(CalendarLoader.TryDuration(text, out _));
}
