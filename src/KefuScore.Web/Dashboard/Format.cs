using System.Globalization;

namespace KefuScore.Web.Dashboard;

/// <summary>
/// Durations and instants as a manager reads them, in the page's language: "2分10秒", "22小时43分", "2天3小时";
/// a time of day alone when it is today, with the date when it is not, with the year when that is not this year.
/// </summary>
public static class Format
{
    /// <summary>Whole seconds under a minute, minutes and seconds under an hour, hours and minutes under a day, then days and hours.</summary>
    public static string Duration(Lang l, double seconds)
    {
        var s = (long)Math.Max(0, Math.Floor(seconds));
        if (s < 60) return l.T($"{s}秒", $"{s} s");
        if (s < 3600)
        {
            var (m, r) = (s / 60, s % 60);
            return r == 0 ? l.T($"{m}分钟", $"{m} min") : l.T($"{m}分{r}秒", $"{m} min {r} s");
        }
        if (s < 86_400)
        {
            var (h, m) = (s / 3600, s % 3600 / 60);
            return m == 0 ? l.T($"{h}小时", $"{h} h") : l.T($"{h}小时{m}分", $"{h} h {m} min");
        }
        var (d, hours) = (s / 86_400, s % 86_400 / 3600);
        return hours == 0 ? l.T($"{d}天", $"{d} d") : l.T($"{d}天{hours}小时", $"{d} d {hours} h");
    }

    /// <summary>An average time: "35.4秒" under a minute (a tenth of a second matters to a reply time), then as <see cref="Duration"/> rounded to the second.</summary>
    public static string Seconds(Lang l, double seconds)
    {
        ArgumentNullException.ThrowIfNull(l);
        var rounded = Math.Round(Math.Max(0, seconds), 1, MidpointRounding.AwayFromZero);
        if (rounded < 60)
        {
            var text = rounded.ToString("0.0", CultureInfo.InvariantCulture);
            return l.T($"{text}秒", $"{text} s");
        }
        return Duration(l, Math.Round(seconds, MidpointRounding.AwayFromZero));
    }

    /// <summary>"11-17" in this year, "2025-12-31" in another.</summary>
    public static string Day(DateOnly date, DateOnly today) =>
        date.ToString(date.Year == today.Year ? "MM-dd" : "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>"09:59:00" today, "12-04 18:30:05" on another day of this year, "2025-12-31 18:30:05" in another year.</summary>
    public static string When(DateTimeOffset local, DateOnly today)
    {
        var date = DateOnly.FromDateTime(local.DateTime);
        var pattern = date == today ? "HH:mm:ss" : date.Year == today.Year ? "MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss";
        return local.ToString(pattern, CultureInfo.InvariantCulture);
    }
}
