using System.Globalization;
using KefuScore.Engine.Text;

namespace KefuScore.Engine.Profiles;

/// <summary>
/// 考核时间: a local time-of-day window, start included, end excluded ("09:00-19:00" counts 18:59:59, not 19:00:00).
/// A window whose end is before its start runs over midnight ("23:00-09:00").
/// </summary>
public readonly record struct AssessmentHours(TimeSpan Start, TimeSpan End)
{
    public static AssessmentHours AllDay { get; } = new(TimeSpan.Zero, TimeSpan.FromDays(1));

    public bool IsAllDay => Start == TimeSpan.Zero && End == TimeSpan.FromDays(1);

    /// <summary>Whether a local time of day (as ticks since midnight) falls inside.</summary>
    public bool Contains(long timeOfDayTicks)
    {
        if (Start <= End) return timeOfDayTicks >= Start.Ticks && timeOfDayTicks < End.Ticks;
        return timeOfDayTicks >= Start.Ticks || timeOfDayTicks < End.Ticks;
    }

    /// <summary>Parses "HH:mm-HH:mm", "HH:mm:ss-HH:mm:ss" (an end of 22:59:59 means up to 23:00) or "all".</summary>
    public static bool TryParse(string text, out AssessmentHours hours, out Msg? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        hours = AllDay;
        error = null;
        text = text.Trim();
        if (text is "all" or "00:00-24:00") return true;
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !TryTime(parts[0], out var start) || !TryTime(parts[1], out var end))
        {
            error = new Msg(Codes.HoursNotWindow, text);
            return false;
        }
        // "08:00:00-22:59:59" is how the platforms write an inclusive last second: make it an exclusive end.
        if (end.Seconds == 59 && parts[1].Length == 8) end += TimeSpan.FromSeconds(1);
        if (start == end)
        {
            error = new Msg(Codes.HoursEmpty, text);
            return false;
        }
        hours = new AssessmentHours(start, end);
        return true;
    }

    private static bool TryTime(string s, out TimeSpan t)
    {
        if (s == "24:00") { t = TimeSpan.FromDays(1); return true; }
        return TimeSpan.TryParseExact(s, [@"hh\:mm", @"hh\:mm\:ss"], CultureInfo.InvariantCulture, out t) && t < TimeSpan.FromDays(1);
    }

    public override string ToString() => IsAllDay ? "all" : $"{Start:hh\\:mm}-{(End == TimeSpan.FromDays(1) ? "24:00" : End.ToString(@"hh\:mm", CultureInfo.InvariantCulture))}";
}
