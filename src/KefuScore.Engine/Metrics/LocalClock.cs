namespace KefuScore.Engine.Metrics;

/// <summary>
/// Turns instants into the profile zone's local ticks. Offsets are cached per UTC quarter-hour because
/// zone rules only change on such boundaries and a time-zone lookup per event would dominate the fold. A few
/// quarter-hours are kept, by number: a reply and the messages it answers often fall in neighbouring ones, and with
/// one kept each would look the zone up again.
/// </summary>
public sealed class LocalClock(TimeZoneInfo zone)
{
    private const long Slot = TimeSpan.TicksPerMinute * 15;
    private const int Kept = 8;
    private readonly long[] _slots = [.. Enumerable.Repeat(long.MinValue, Kept)];
    private readonly long[] _offsets = new long[Kept];

    public TimeZoneInfo Zone { get; } = zone;

    public long ToLocalTicks(long utcTicks)
    {
        var slot = utcTicks / Slot;
        var at = (int)slot & (Kept - 1);
        if (_slots[at] != slot)
        {
            _offsets[at] = Zone.GetUtcOffset(new DateTime(utcTicks, DateTimeKind.Utc)).Ticks;
            _slots[at] = slot;
        }
        return utcTicks + _offsets[at];
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
