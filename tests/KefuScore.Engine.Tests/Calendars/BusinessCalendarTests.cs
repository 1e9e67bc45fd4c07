using System.Globalization;
using KefuScore.Engine.Calendars;

namespace KefuScore.Engine.Tests.Calendars;

/// <summary>
/// The calendar: Monday 09:00–12:00 and 13:30–18:00, Saturday 22:00–02:00 (overnight, belongs to Saturday),
/// a holiday, a break and an exception. 2026-11-16 is a Monday; 2026-11-21 a Saturday.
/// </summary>
public sealed class BusinessCalendarTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static CalendarRules Rules(string zone = "Asia/Shanghai") => new()
    {
        TimeZone = zone,
        Week = new Dictionary<DayOfWeek, IReadOnlyList<LocalHours>>
        {
            [DayOfWeek.Monday] = [H("09:00-12:00"), H("13:30-18:00")],
            [DayOfWeek.Saturday] = [H("22:00-02:00")],
        },
        Holidays = new HashSet<DateOnly> { D("2026-11-30") },          // a Monday
        Breaks = new Dictionary<DateOnly, IReadOnlyList<LocalHours>> { [D("2026-11-23")] = [H("15:00-15:30")] },
        Exceptions = new Dictionary<DateOnly, IReadOnlyList<LocalHours>>
        {
            [D("2026-11-18")] = [H("10:00-14:00")],                    // a Wednesday, normally closed
            [D("2026-12-07")] = [H("20:00-21:00")],                    // a Monday: replaces both intervals
        },
    };

    private static readonly BusinessCalendar Calendar = new(Rules(), Shanghai);

    private static LocalHours H(string s) => LocalHours.TryParse(s, out var h) ? h : throw new ArgumentException(s);

    private static DateOnly D(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateTimeOffset T(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture);

    private static string Iso(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("09:00-12:00", 9 * 60, 12 * 60)]
    [InlineData("22:00-02:00", 22 * 60, 26 * 60)]
    [InlineData("00:00-24:00", 0, 24 * 60)]
    [InlineData("13:30:15-18:00", 13 * 60 + 30.25, 18 * 60)]
    public void Hours_parse_and_an_end_before_the_start_runs_past_midnight(string text, double startMinutes, double endMinutes)
    {
        Assert.True(LocalHours.TryParse(text, out var h));
        Assert.Equal((startMinutes, endMinutes), (h.Start.TotalMinutes, h.End.TotalMinutes));
    }

    [Theory]
    [InlineData("9-12")]
    [InlineData("09:00-09:00")]
    [InlineData("25:00-26:00")]
    [InlineData("09:00")]
    public void Bad_hours_are_refused(string text) => Assert.False(LocalHours.TryParse(text, out _));

    [Theory]
    [InlineData("2026-11-16T08:00:00+08:00", "2026-11-16T20:00:00+08:00", 27000)]   // a whole Monday: 3 h + 4.5 h
    [InlineData("2026-11-16T11:00:00+08:00", "2026-11-16T14:00:00+08:00", 5400)]    // across the lunch gap
    [InlineData("2026-11-16T03:00:00Z", "2026-11-16T06:00:00Z", 5400)]              // the same instants given in Z
    [InlineData("2026-11-16T12:00:00+08:00", "2026-11-16T13:30:00+08:00", 0)]       // closed
    [InlineData("2026-11-21T23:00:00+08:00", "2026-11-22T01:00:00+08:00", 7200)]    // inside the Saturday night, past midnight
    [InlineData("2026-11-20T00:00:00+08:00", "2026-11-24T00:00:00+08:00", 4 * 3600 + 27000 - 1800)] // weekend night + Monday with its break
    [InlineData("2026-11-18T00:00:00+08:00", "2026-11-19T00:00:00+08:00", 4 * 3600)] // exception opens a Wednesday
    [InlineData("2026-11-30T00:00:00+08:00", "2026-12-01T00:00:00+08:00", 0)]        // holiday Monday
    [InlineData("2026-12-07T00:00:00+08:00", "2026-12-08T00:00:00+08:00", 3600)]     // exception replaces Monday's hours
    [InlineData("2026-11-16T20:00:00+08:00", "2026-11-16T08:00:00+08:00", 0)]        // --to not after --from
    public void Between_counts_business_seconds(string from, string to, double seconds) =>
        Assert.Equal(seconds, Calendar.Between(T(from), T(to)).TotalSeconds);

    [Theory]
    [InlineData("2026-11-16T11:00:00+08:00", "1h", "2026-11-16T12:00:00+08:00")]   // runs out exactly at closing: the closing instant
    [InlineData("2026-11-16T11:00:00+08:00", "61m", "2026-11-16T13:31:00+08:00")]
    [InlineData("2026-11-16T12:30:00+08:00", "30m", "2026-11-16T14:00:00+08:00")]  // from a closed moment: counting starts at 13:30
    [InlineData("2026-11-16T17:00:00+08:00", "3h", "2026-11-18T12:00:00+08:00")]   // 1 h Monday, then the Wednesday exception
    [InlineData("2026-11-19T10:00:00+08:00", "3h", "2026-11-22T01:00:00+08:00")]   // Thursday: next opening is Saturday 22:00
    [InlineData("2026-11-21T22:00:00+08:00", "4h", "2026-11-22T02:00:00+08:00")]   // the whole overnight interval
    [InlineData("2026-11-23T14:30:00+08:00", "1h", "2026-11-23T16:00:00+08:00")]   // the 15:00–15:30 break is skipped
    [InlineData("2026-11-29T01:00:00+08:00", "2h", "2026-12-05T23:00:00+08:00")]   // holiday Monday skipped
    [InlineData("2026-11-16T03:00:00Z", "90s", "2026-11-16T11:01:30+08:00")]      // input in Z, answer in the calendar's offset
    public void Due_adds_business_time(string from, string add, string due)
    {
        var amount = add[^1] switch { 'h' => TimeSpan.FromHours(int.Parse(add[..^1], CultureInfo.InvariantCulture)), 'm' => TimeSpan.FromMinutes(int.Parse(add[..^1], CultureInfo.InvariantCulture)), _ => TimeSpan.FromSeconds(int.Parse(add[..^1], CultureInfo.InvariantCulture)) };
        Assert.Equal(due, Iso(Calendar.Due(T(from), amount)));
    }

    [Theory]
    [InlineData("2026-11-16T10:00:00+08:00", 90, "2026-11-15T01:30:00+08:00")]  // 1 h Monday morning, then back into Saturday night
    [InlineData("2026-11-16T14:30:00+08:00", 60, "2026-11-16T13:30:00+08:00")]  // runs out exactly at the opening
    [InlineData("2026-11-16T13:00:00+08:00", 30, "2026-11-16T11:30:00+08:00")]  // from a closed moment: from the last closing
    [InlineData("2026-11-23T16:00:00+08:00", 60, "2026-11-23T14:30:00+08:00")]  // the break is skipped backward too
    public void Due_backward_mirrors_forward(string from, int minutes, string due) =>
        Assert.Equal(due, Iso(Calendar.Due(T(from), TimeSpan.FromMinutes(minutes), backward: true)));

    [Fact]
    public void Forward_then_backward_returns_to_an_open_start()
    {
        var start = T("2026-11-16T10:15:00+08:00");
        var due = Calendar.Due(start, TimeSpan.FromHours(7));
        Assert.Equal(start, Calendar.Due(due, TimeSpan.FromHours(7), backward: true));
        Assert.Equal(TimeSpan.FromHours(7), Calendar.Between(start, due));
    }

    [Fact]
    public void A_holiday_on_sunday_does_not_cut_saturdays_overnight_interval()
    {
        var rules = Rules() with { Holidays = new HashSet<DateOnly> { D("2026-11-22") } };
        var calendar = new BusinessCalendar(rules, Shanghai);
        Assert.Equal(4 * 3600, calendar.Between(T("2026-11-21T00:00:00+08:00"), T("2026-11-23T00:00:00+08:00")).TotalSeconds);
    }

    [Fact]
    public void Overlapping_intervals_count_once()
    {
        var rules = new CalendarRules
        {
            Week = new Dictionary<DayOfWeek, IReadOnlyList<LocalHours>> { [DayOfWeek.Saturday] = [H("22:00-08:00")], [DayOfWeek.Sunday] = [H("01:00-02:00"), H("07:00-10:00")] },
        };
        var calendar = new BusinessCalendar(rules, Shanghai);
        Assert.Equal(12 * 3600, calendar.Between(T("2026-11-21T00:00:00+08:00"), T("2026-11-23T00:00:00+08:00")).TotalSeconds);
        Assert.Equal("2026-11-22T01:00:00+08:00", Iso(calendar.Due(T("2026-11-22T10:00:00+08:00"), TimeSpan.FromHours(9), backward: true)));
    }

    [Fact]
    public void A_calendar_without_hours_has_no_due_instant()
    {
        var calendar = new BusinessCalendar(new CalendarRules(), Shanghai);
        Assert.Equal(TimeSpan.Zero, calendar.Between(T("2026-01-01T00:00:00Z"), T("2027-01-01T00:00:00Z")));
        Assert.Throws<InvalidOperationException>(() => calendar.Due(T("2026-01-01T00:00:00Z"), TimeSpan.FromHours(1)));
    }

    /// <summary>New York, 00:00–06:00 every day: 2026-03-08 springs forward at 02:00, 2026-11-01 falls back at 02:00.</summary>
    [Fact]
    public void Business_time_is_elapsed_time_across_daylight_saving_changes()
    {
        var ny = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var night = new Dictionary<DayOfWeek, IReadOnlyList<LocalHours>>();
        foreach (var d in Enum.GetValues<DayOfWeek>()) night[d] = [H("00:00-06:00")];
        var calendar = new BusinessCalendar(new CalendarRules { TimeZone = "America/New_York", Week = night }, ny);

        Assert.Equal(5 * 3600, calendar.Between(T("2026-03-08T00:00:00-05:00"), T("2026-03-09T00:00:00-04:00")).TotalSeconds);
        Assert.Equal(7 * 3600, calendar.Between(T("2026-11-01T00:00:00-04:00"), T("2026-11-02T00:00:00-05:00")).TotalSeconds);
        Assert.Equal(6 * 3600, calendar.Between(T("2026-03-07T00:00:00-05:00"), T("2026-03-08T00:00:00-05:00")).TotalSeconds);
        // 3 h of business time from midnight on the spring-forward day: 00:00–02:00 EST, then 03:00–04:00 EDT
        Assert.Equal("2026-03-08T04:00:00-04:00", Iso(calendar.Due(T("2026-03-08T00:00:00-05:00"), TimeSpan.FromHours(3))));
        // 2 h from midnight on the fall-back day: 00:00–01:59:59 EDT, then the second 01:00 (EST)
        Assert.Equal("2026-11-01T01:00:00-05:00", Iso(calendar.Due(T("2026-11-01T00:00:00-04:00"), TimeSpan.FromHours(2))));
        // a Shanghai evening is a New York morning: the same instant, another calendar day
        Assert.Equal("2026-11-16T01:00:00-05:00", Iso(calendar.Due(T("2026-11-16T13:00:00+08:00"), TimeSpan.FromHours(1))));
    }
}
