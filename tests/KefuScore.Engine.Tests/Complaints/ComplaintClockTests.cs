using System.Globalization;
using KefuScore.Engine.Calendars;
using KefuScore.Engine.Complaints;

namespace KefuScore.Engine.Tests.Complaints;

/// <summary>
/// A shop open Monday to Friday 09:00–18:00 in Shanghai, a holiday on Thursday 2026-11-26. Attitude complaints must be
/// taken up within 2 business hours and closed within 24; escalation at 0, 2 h and 8 h past the deadline.
/// 2026-11-20 is a Friday.
/// </summary>
public sealed class ComplaintClockTests
{
    private static readonly BusinessCalendar Calendar = new(new CalendarRules
    {
        Week = new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
            .ToDictionary(d => d, _ => (IReadOnlyList<LocalHours>)[new LocalHours(TimeSpan.FromHours(9), TimeSpan.FromHours(18))]),
        Holidays = new HashSet<DateOnly> { new(2026, 11, 26) },
    }, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));

    private static readonly ComplaintPolicy Policy = new()
    {
        Limits = new Dictionary<ComplaintCategory, CategoryLimits>
        {
            [ComplaintCategory.Attitude] = new(TimeSpan.FromHours(2), TimeSpan.FromHours(24)),
            [ComplaintCategory.Other] = new(TimeSpan.FromHours(8)),
        },
        Escalation = [TimeSpan.Zero, TimeSpan.FromHours(2), TimeSpan.FromHours(8)],
    };

    private static DateTimeOffset T(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture);

    private static string Iso(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static ComplaintClock At(ComplaintTimes times, string now) => ComplaintClock.At(times, Policy, Calendar, T(now));

    private static readonly ComplaintTimes FridayFive = new(ComplaintCategory.Attitude, T("2026-11-20T17:00:00+08:00"));

    [Fact]
    public void A_complaint_an_hour_before_closing_on_Friday_is_due_at_ten_on_Monday()
    {
        var clock = At(FridayFive, "2026-11-21T12:00:00+08:00");

        Assert.Equal("2026-11-23T10:00:00+08:00", Iso(clock.Respond.Due));
        Assert.Equal(TimeSpan.FromHours(1), clock.Respond.Left);   // the weekend does not count
        Assert.False(clock.Breached);
        Assert.Equal(0, clock.Escalation);
    }

    [Fact]
    public void The_resolution_deadline_skips_the_weekend_and_nights()
    {
        // 1 h Friday + 9 h Monday + 9 h Tuesday + 5 h Wednesday = 24 business hours.
        var clock = At(FridayFive, "2026-11-20T17:00:00+08:00");

        Assert.Equal("2026-11-25T14:00:00+08:00", Iso(clock.Resolve!.Due));
        Assert.Equal(TimeSpan.FromHours(24), clock.Resolve.Left);
    }

    [Fact]
    public void A_resolution_deadline_over_a_holiday_moves_to_the_next_open_day()
    {
        var thursdayNine = new ComplaintTimes(ComplaintCategory.Attitude, T("2026-11-25T09:00:00+08:00"));
        // Wednesday 9 h, Thursday a holiday, Friday 9 h, Monday 6 h.
        Assert.Equal("2026-11-30T15:00:00+08:00", Iso(At(thursdayNine, "2026-11-25T09:00:00+08:00").Resolve!.Due));
    }

    [Fact]
    public void A_complaint_made_at_the_weekend_starts_counting_on_Monday_morning()
    {
        var saturday = new ComplaintTimes(ComplaintCategory.Attitude, T("2026-11-21T23:30:00+08:00"));

        Assert.Equal("2026-11-23T11:00:00+08:00", Iso(At(saturday, "2026-11-22T08:00:00+08:00").Respond.Due));
    }

    [Fact]
    public void A_time_given_in_UTC_is_the_same_instant_and_answers_in_the_shop_offset()
    {
        var utc = new ComplaintTimes(ComplaintCategory.Attitude, T("2026-11-20T09:00:00Z"));   // 17:00 in Shanghai

        Assert.Equal("2026-11-23T10:00:00+08:00", Iso(Calendar.ToZone(At(utc, "2026-11-21T00:00:00Z").Respond.Due)));
    }

    [Theory]
    [InlineData("2026-11-23T09:59:59+08:00", 1, false, 0)]
    [InlineData("2026-11-23T10:00:00+08:00", 0, false, 0)]      // exactly at the deadline: still in time
    [InlineData("2026-11-23T10:00:01+08:00", -1, true, 1)]
    [InlineData("2026-11-23T11:59:59+08:00", -7199, true, 1)]
    [InlineData("2026-11-23T12:00:00+08:00", -7200, true, 2)]   // 2 business hours over
    [InlineData("2026-11-23T18:00:00+08:00", -28800, true, 3)]  // 8 business hours over: Monday's close
    [InlineData("2026-11-24T08:00:00+08:00", -28800, true, 3)]  // the night adds nothing
    public void Countdown_and_escalation_on_Monday(string now, long secondsLeft, bool breached, int level)
    {
        var clock = At(FridayFive, now);

        Assert.Equal(secondsLeft, (long)clock.Respond.Left.TotalSeconds);
        Assert.Equal(breached, clock.Respond.Breached);
        Assert.Equal(level, clock.Escalation);
    }

    [Fact]
    public void Taking_a_complaint_up_stops_its_countdown()
    {
        var taken = FridayFive with { Responded = T("2026-11-23T09:30:00+08:00") };

        var clock = At(taken, "2026-11-24T15:00:00+08:00");

        Assert.False(clock.Respond.Breached);
        Assert.Equal(TimeSpan.FromMinutes(30), clock.Respond.Left);
        Assert.Equal("2026-11-23T09:30:00+08:00", Iso(clock.Respond.Done!.Value));
        Assert.Equal(0, clock.Escalation);
    }

    [Fact]
    public void Taken_up_exactly_at_the_deadline_is_in_time_and_a_second_later_is_not()
    {
        Assert.False(At(FridayFive with { Responded = T("2026-11-23T10:00:00+08:00") }, "2026-11-30T10:00:00+08:00").Respond.Breached);

        var late = At(FridayFive with { Responded = T("2026-11-23T10:30:00+08:00"), Closed = T("2026-11-23T11:00:00+08:00") }, "2026-11-30T10:00:00+08:00");
        Assert.True(late.Respond.Breached);
        Assert.Equal(TimeSpan.FromMinutes(-30), late.Respond.Left);
        Assert.Equal(1, late.Escalation);   // stays at the level reached when it was taken up
    }

    [Fact]
    public void A_response_recorded_after_now_is_not_seen_yet()
    {
        var clock = At(FridayFive with { Responded = T("2026-11-23T09:30:00+08:00") }, "2026-11-23T09:00:00+08:00");

        Assert.Null(clock.Respond.Done);
        Assert.Equal(TimeSpan.FromHours(1), clock.Respond.Left);
    }

    [Fact]
    public void A_category_without_its_own_limits_uses_other()
    {
        var logistics = new ComplaintTimes(ComplaintCategory.Logistics, T("2026-11-23T09:00:00+08:00"));

        var clock = At(logistics, "2026-11-23T09:00:00+08:00");

        Assert.Equal("2026-11-23T17:00:00+08:00", Iso(clock.Respond.Due));
        Assert.Null(clock.Resolve);
    }

    [Fact]
    public void A_late_resolution_escalates_even_after_a_timely_response()
    {
        var times = FridayFive with { Responded = T("2026-11-23T09:10:00+08:00") };

        var clock = At(times, "2026-11-25T16:00:00+08:00");   // resolution due Wednesday 14:00

        Assert.False(clock.Respond.Breached);
        Assert.True(clock.Resolve!.Breached);
        Assert.True(clock.Breached);
        Assert.Equal(2, clock.Escalation);
    }
}
