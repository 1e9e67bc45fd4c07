using System.Globalization;
using KefuScore.Engine.Profiles;

namespace KefuScore.Engine.Reports;

/// <summary>Calendar arithmetic for report periods: days, ISO weeks (Monday first) and months.</summary>
public static class Periods
{
    public static DateOnly StartOf(DateOnly date, PeriodKind kind) => kind switch
    {
        PeriodKind.Week => date.AddDays(-(((int)date.DayOfWeek + 6) % 7)),
        PeriodKind.Month => new DateOnly(date.Year, date.Month, 1),
        _ => date,
    };

    public static DateOnly EndOf(DateOnly start, PeriodKind kind) => kind switch
    {
        PeriodKind.Week => start.AddDays(6),
        PeriodKind.Month => start.AddMonths(1).AddDays(-1),
        _ => start,
    };

    public static DateOnly Previous(DateOnly start, PeriodKind kind) => kind switch
    {
        PeriodKind.Week => start.AddDays(-7),
        PeriodKind.Month => start.AddMonths(-1),
        _ => start.AddDays(-1),
    };

    /// <summary>YYYY-MM-DD, ISO YYYY-Www, or YYYY-MM.</summary>
    public static string Label(DateOnly start, PeriodKind kind) => kind switch
    {
        PeriodKind.Week => string.Create(CultureInfo.InvariantCulture,
            $"{ISOWeek.GetYear(start.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(start.ToDateTime(TimeOnly.MinValue)):00}"),
        PeriodKind.Month => start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        _ => start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    public static string Name(PeriodKind kind) => kind switch
    {
        PeriodKind.Week => "week",
        PeriodKind.Month => "month",
        PeriodKind.Rolling => "rolling",
        _ => "day",
    };
}
