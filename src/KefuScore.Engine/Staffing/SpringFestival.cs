namespace KefuScore.Engine.Staffing;

/// <summary>
/// Spring Festival (春节, 正月初一) dates as data, and the festival periods around them (±7 days, the window the
/// platforms relax their rules in and the built-in profiles' special periods use). A forecast leaves these days out
/// of its fit and, for a target inside one, learns the uplift from the previous year's period.
/// </summary>
public static class SpringFestival
{
    /// <summary>正月初一 by Gregorian year.</summary>
    public static IReadOnlyList<DateOnly> NewYearsDays { get; } =
    [
        new(2023, 1, 22), new(2024, 2, 10), new(2025, 1, 29), new(2026, 2, 17), new(2027, 2, 6), new(2028, 1, 26),
        new(2029, 2, 13), new(2030, 2, 3), new(2031, 1, 23), new(2032, 2, 11), new(2033, 1, 31), new(2034, 2, 19),
        new(2035, 2, 8),
    ];

    /// <summary>Days either side of 正月初一 that belong to the festival period.</summary>
    public const int HalfWidthDays = 7;

    /// <summary>The festival periods, oldest first.</summary>
    public static IReadOnlyList<DatePeriod> Periods { get; } =
        [.. NewYearsDays.Select(d => new DatePeriod(d.AddDays(-HalfWidthDays), d.AddDays(HalfWidthDays)))];
}

/// <summary>Local dates from <see cref="From"/> to <see cref="To"/>, both included.</summary>
public readonly record struct DatePeriod(DateOnly From, DateOnly To)
{
    public bool Contains(DateOnly date) => date >= From && date <= To;

    public int Days => To.DayNumber - From.DayNumber + 1;

    public override string ToString() => $"{From:yyyy-MM-dd}..{To:yyyy-MM-dd}";
}
