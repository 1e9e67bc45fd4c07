namespace KefuScore.Engine.Calendars;

/// <summary>
/// 营业日历: a shop's business hours as data (docs/quality.md, calendars): weekly hours with several intervals a day,
/// holidays (closed), breaks (closed stretches of a date) and exceptions (a date's hours replaced, e.g. a 调休 workday).
/// </summary>
public sealed record CalendarRules
{
    /// <summary>IANA zone id; the adapters resolve it and hand the <see cref="TimeZoneInfo"/> to <see cref="BusinessCalendar"/>.</summary>
    public string TimeZone { get; init; } = "Asia/Shanghai";

    public IReadOnlyDictionary<DayOfWeek, IReadOnlyList<LocalHours>> Week { get; init; } = new Dictionary<DayOfWeek, IReadOnlyList<LocalHours>>();

    public IReadOnlySet<DateOnly> Holidays { get; init; } = new HashSet<DateOnly>();

    public IReadOnlyDictionary<DateOnly, IReadOnlyList<LocalHours>> Breaks { get; init; } = new Dictionary<DateOnly, IReadOnlyList<LocalHours>>();

    public IReadOnlyDictionary<DateOnly, IReadOnlyList<LocalHours>> Exceptions { get; init; } = new Dictionary<DateOnly, IReadOnlyList<LocalHours>>();

    public string Source { get; init; } = "";

    /// <summary>The opening hours that start on <paramref name="date"/>: an exception's, else none on a holiday, else the weekday's.</summary>
    public IReadOnlyList<LocalHours> OpeningsOn(DateOnly date) =>
        Exceptions.TryGetValue(date, out var exception) ? exception
        : Holidays.Contains(date) ? []
        : Week.TryGetValue(date.DayOfWeek, out var hours) ? hours : [];
}
