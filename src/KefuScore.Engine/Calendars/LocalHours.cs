using System.Globalization;

namespace KefuScore.Engine.Calendars;

/// <summary>
/// 营业时段: a stretch of wall-clock time on a local date, written "09:00-12:00". <see cref="Start"/> and
/// <see cref="End"/> are measured from the date's midnight; an end at or before the start runs past midnight
/// ("22:00-02:00" ends at 26 h, the next day's 02:00) and belongs to the day it starts. "24:00" is the end of the day.
/// </summary>
public readonly record struct LocalHours(TimeSpan Start, TimeSpan End)
{
    public bool IsOvernight => End > TimeSpan.FromHours(24);

    public static bool TryParse(string text, out LocalHours hours)
    {
        hours = default;
        ArgumentNullException.ThrowIfNull(text);
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0 || !TryTime(text[..dash].Trim(), out var start) || !TryTime(text[(dash + 1)..].Trim(), out var end)) return false;
        if (start >= TimeSpan.FromHours(24) || start == end) return false;
        if (end < start) end += TimeSpan.FromHours(24);
        hours = new LocalHours(start, end);
        return true;
    }

    private static bool TryTime(string s, out TimeSpan time)
    {
        time = default;
        if (s is "24:00" or "24:00:00") { time = TimeSpan.FromHours(24); return true; }
        if (!TimeOnly.TryParseExact(s, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) return false;
        time = t.ToTimeSpan();
        return true;
    }

    public override string ToString() => $"{Format(Start)}-{Format(End >= TimeSpan.FromHours(24) && End != TimeSpan.FromHours(24) ? End - TimeSpan.FromHours(24) : End)}";

    private static string Format(TimeSpan t) => t == TimeSpan.FromHours(24) ? "24:00"
        : t.Seconds == 0 ? t.ToString(@"hh\:mm", CultureInfo.InvariantCulture) : t.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
}
