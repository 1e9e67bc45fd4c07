namespace KefuScore.Engine.Metrics;

/// <summary>
/// Turns instants into the profile zone's local ticks. Offsets are cached per UTC quarter-hour because
/// zone rules only change on such boundaries and a time-zone lookup per event would dominate the fold.
/// </summary>
public sealed class LocalClock(TimeZoneInfo zone)
{
    private const long Slot = TimeSpan.TicksPerMinute * 15;
    private long _slot = long.MinValue;
    private long _offset;

    public TimeZoneInfo Zone { get; } = zone;

    public long ToLocalTicks(long utcTicks)
    {
        var slot = utcTicks / Slot;
        if (slot != _slot)
        {
            _offset = Zone.GetUtcOffset(new DateTime(utcTicks, DateTimeKind.Utc)).Ticks;
            _slot = slot;
        }
        return utcTicks + _offset;
    }

    /// <summary>Hours since 0001-01-01 local: the rollup's time key.</summary>
    public int LocalHour(long utcTicks) => (int)(ToLocalTicks(utcTicks) / TimeSpan.TicksPerHour);

    public DateOnly LocalDate(long utcTicks) => DateOnly.FromDayNumber((int)(ToLocalTicks(utcTicks) / TimeSpan.TicksPerDay));

    /// <summary>The UTC instant at which a local date begins (for "this day can no longer change" decisions).</summary>
    public long StartOfDayUtc(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return local.Ticks - Zone.GetUtcOffset(local).Ticks;
    }

    public static DateOnly DateOfHour(int hour) => DateOnly.FromDayNumber(hour / 24);
}
