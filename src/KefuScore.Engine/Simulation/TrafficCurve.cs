namespace KefuScore.Engine.Simulation;

/// <summary>
/// How busy a shop is: by local hour (peaks 10–12, 14–17, 20–22; quiet 01–07), by weekday, on the big
/// promotion days and, when asked, in the Spring-Festival periods.
/// </summary>
public static class TrafficCurve
{
    /// <summary>Relative consultation rate for each local hour 0..23 (mean about 0.7).</summary>
    public static IReadOnlyList<double> HourWeights { get; } =
    [
        0.32, 0.16, 0.08, 0.05, 0.04, 0.05, 0.10, 0.25, 0.60, 0.95, 1.25, 1.25,
        0.90, 0.95, 1.15, 1.20, 1.15, 0.95, 0.85, 1.00, 1.30, 1.35, 1.10, 0.60,
    ];

    public static double HourWeightSum { get; } = HourWeights.Sum();

    /// <summary>Weekends are busier, Monday a little, mid-week calmer.</summary>
    public static double WeekdayFactor(DayOfWeek day) => day switch
    {
        DayOfWeek.Saturday => 1.15,
        DayOfWeek.Sunday => 1.2,
        DayOfWeek.Monday => 1.0,
        DayOfWeek.Friday => 1.0,
        _ => 0.92,
    };

    /// <summary>Built-in Spring-Festival periods (SPEC §5.1): Spring Festival ±7 days, local dates, inclusive.</summary>
    public static IReadOnlyList<(DateOnly From, DateOnly To)> FestivalPeriods { get; } =
    [
        (new DateOnly(2026, 2, 10), new DateOnly(2026, 2, 24)),
        (new DateOnly(2027, 1, 30), new DateOnly(2027, 2, 13)),
    ];

    public static bool IsFestival(DateOnly date)
    {
        foreach (var (from, to) in FestivalPeriods)
            if (date >= from && date <= to) return true;
        return false;
    }

    /// <summary>双11 and 双12 (and the eve of 双11, when pre-sales are paid) bring far more customers.</summary>
    public static bool IsPromotionDay(DateOnly date) =>
        (date.Month == 11 && date.Day is 10 or 11) || (date.Month == 12 && date.Day == 12);

    /// <summary>Traffic multiplier for a local date.</summary>
    public static double DayFactor(DateOnly date, bool festival)
    {
        var f = WeekdayFactor(date.DayOfWeek);
        if (IsPromotionDay(date)) f *= 1.6;
        if (festival && IsFestival(date)) f *= 1.4;
        return f;
    }

    /// <summary>Share of agents who come to work on a date: fewer during the festival when it is simulated.</summary>
    public static double Attendance(DateOnly date, bool festival) => festival && IsFestival(date) ? 0.5 : 0.85;

    /// <summary>
    /// Arrival times (seconds after local midnight, ascending) of a non-homogeneous Poisson process with
    /// <paramref name="expected"/> arrivals over the day, drawn hour by hour with exponential gaps.
    /// </summary>
    public static IEnumerable<int> Arrivals(SimRandom random, double expected)
    {
        for (var hour = 0; hour < 24; hour++)
        {
            var perSecond = expected * HourWeights[hour] / HourWeightSum / 3600.0;
            if (perSecond <= 0) continue;
            var t = random.Exponential(1.0 / perSecond);
            while (t < 3600)
            {
                yield return hour * 3600 + (int)t;
                t += random.Exponential(1.0 / perSecond);
            }
        }
    }
}
