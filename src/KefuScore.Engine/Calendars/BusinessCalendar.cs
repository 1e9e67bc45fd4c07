namespace KefuScore.Engine.Calendars;

/// <summary>
/// Business time on a <see cref="CalendarRules"/> in a time zone handed in: the business seconds between two instants
/// and the instant when a duration of business time has passed, forward or backward. Pure: no clock, no zone lookup.
/// </summary>
/// <remarks>
/// Time is cut at local midnights; each local day's open time is the union of the openings that reach into it (those
/// starting that day, and the previous day's overnight ones) minus the breaks, in instants. Business time is elapsed
/// time: on a daylight-saving day an opening may be an hour longer or shorter than its wall-clock length. A wall time
/// that does not exist (spring forward) is read with the offset before the gap (02:30 becomes 03:30); one that occurs
/// twice (fall back) is its first occurrence.
/// </remarks>
public sealed class BusinessCalendar
{
    /// <summary>How many days without any opening <see cref="Due"/> searches before it gives up.</summary>
    public const int SearchDays = 3660;

    private readonly CalendarRules _rules;
    private readonly TimeZoneInfo _zone;

    public BusinessCalendar(CalendarRules rules, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(zone);
        _rules = rules;
        _zone = zone;
    }

    public TimeZoneInfo Zone => _zone;

    /// <summary>Business time in [from, to); zero when <paramref name="to"/> is not after <paramref name="from"/>.</summary>
    public TimeSpan Between(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from) return TimeSpan.Zero;
        var total = TimeSpan.Zero;
        for (var date = LocalDate(from); date <= LocalDate(to); date = date.AddDays(1))
            foreach (var (start, end) in OpenOn(date))
            {
                var s = start > from ? start : from;
                var e = end < to ? end : to;
                if (e > s) total += e - s;
            }
        return total;
    }

    /// <summary>
    /// The instant when <paramref name="amount"/> of business time has passed since <paramref name="from"/> (before it,
    /// when <paramref name="backward"/>). From a closed moment counting starts at the next opening (the previous
    /// closing, backward); a deadline that runs out exactly at a closing is that closing instant (an opening, backward).
    /// Throws <see cref="InvalidOperationException"/> when no opening comes within <see cref="SearchDays"/> days.
    /// </summary>
    public DateTimeOffset Due(DateTimeOffset from, TimeSpan amount, bool backward = false)
    {
        if (amount < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(amount), amount, "a duration of business time cannot be negative");
        var left = amount;
        var date = LocalDate(from);
        for (var idle = 0; idle <= SearchDays; date = date.AddDays(backward ? -1 : 1))
        {
            var spans = OpenOn(date);
            if (spans.Count == 0) { idle++; continue; }
            idle = 0;
            for (var k = 0; k < spans.Count; k++)
            {
                var (start, end) = spans[backward ? spans.Count - 1 - k : k];
                if (backward) { if (end > from) end = from; }
                else if (start < from) start = from;
                if (end <= start) continue;
                var length = end - start;
                if (left <= length) return ToZone(backward ? end - left : start + left);
                left -= length;
            }
        }
        throw new InvalidOperationException($"the calendar has no business hours within {SearchDays} days {(backward ? "before" : "after")} {ToZone(from):O}");
    }

    /// <summary>An instant in the calendar's offset at that instant.</summary>
    public DateTimeOffset ToZone(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, _zone);

    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(ToZone(instant).DateTime);

    /// <summary>The open time of one local day as disjoint instant spans in order, inside [its midnight, the next midnight).</summary>
    public IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)> OpenOn(DateOnly date)
    {
        var dayStart = Instant(date, TimeSpan.Zero);
        var dayEnd = Instant(date.AddDays(1), TimeSpan.Zero);
        var open = new List<(DateTimeOffset Start, DateTimeOffset End)>();
        foreach (var d in (ReadOnlySpan<DateOnly>)[date.AddDays(-1), date])
            foreach (var h in _rules.OpeningsOn(d))
            {
                var s = Instant(d, h.Start);
                var e = Instant(d, h.End);
                if (s < dayStart) s = dayStart;
                if (e > dayEnd) e = dayEnd;
                if (e > s) open.Add((s, e));
            }
        if (open.Count == 0) return open;
        open.Sort((a, b) => a.Start.CompareTo(b.Start));
        var merged = new List<(DateTimeOffset Start, DateTimeOffset End)> { open[0] };
        foreach (var span in open.Skip(1))
        {
            if (span.Start <= merged[^1].End) merged[^1] = (merged[^1].Start, span.End > merged[^1].End ? span.End : merged[^1].End);
            else merged.Add(span);
        }
        foreach (var d in (ReadOnlySpan<DateOnly>)[date.AddDays(-1), date, date.AddDays(1)])
            if (_rules.Breaks.TryGetValue(d, out var breaks))
                foreach (var b in breaks) merged = Subtract(merged, Instant(d, b.Start), Instant(d, b.End));
        return merged;
    }

    private static List<(DateTimeOffset Start, DateTimeOffset End)> Subtract(List<(DateTimeOffset Start, DateTimeOffset End)> spans, DateTimeOffset from, DateTimeOffset to)
    {
        var result = new List<(DateTimeOffset Start, DateTimeOffset End)>(spans.Count + 1);
        foreach (var (s, e) in spans)
        {
            if (to <= s || from >= e) { result.Add((s, e)); continue; }
            if (from > s) result.Add((s, from));
            if (to < e) result.Add((to, e));
        }
        return result;
    }

    /// <summary>The instant of a wall-clock time <paramref name="sinceMidnight"/> after <paramref name="date"/>'s midnight (may pass into the next day).</summary>
    private DateTimeOffset Instant(DateOnly date, TimeSpan sinceMidnight)
    {
        var local = DateTime.SpecifyKind(date.ToDateTime(TimeOnly.MinValue) + sinceMidnight, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (_zone.IsInvalidTime(local)) offset = _zone.GetUtcOffset(local.AddDays(-1));
        else if (_zone.IsAmbiguousTime(local)) offset = _zone.GetAmbiguousTimeOffsets(local).Max();
        else offset = _zone.GetUtcOffset(local);
        return new DateTimeOffset(local.Ticks - offset.Ticks, TimeSpan.Zero);
    }
}
