using System.Globalization;

namespace KefuScore.App.Reading.Mapping;

/// <summary>Times written in an export's own format (<c>Tue Oct 31 22:10:47 +0000 2017</c>, <c>2026/11/20 10:00</c>).</summary>
internal static class TimeFormats
{
    private static readonly DateTimeOffset Sample = new(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(8));

    public static bool IsValid(string format)
    {
        try
        {
            _ = Sample.ToString(format, CultureInfo.InvariantCulture);
            // One-letter formats are standard patterns ("O", "s"); only "O"/"o" and "R" carry enough to read back exactly.
            return format.Length > 1 || format is "O" or "o" or "R" or "r" or "s" or "u";
        }
        catch (FormatException) { return false; }
    }

    /// <summary>
    /// Whether the format reads an offset: <c>z</c>, <c>zz</c>, <c>zzz</c> or <c>K</c> outside quoted literals.
    /// Both <c>zzz</c> and <c>K</c> accept <c>+0000</c> as well as <c>+00:00</c> (checked on .NET 10).
    /// </summary>
    public static bool HasOffset(string format)
    {
        if (format is "O" or "o" or "R" or "r" or "u") return true;
        char? quote = null;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (quote is not null) { if (c == quote) quote = null; continue; }
            if (c is '\'' or '"') quote = c;
            else if (c == '\\') i++;
            else if (c is 'z' or 'K') return true;
        }
        return false;
    }

    /// <summary>
    /// Tries each format in order. Formats without an offset read the wall time and attach <paramref name="offset"/>:
    /// the framework would otherwise take the machine's zone, silently shifting a shop's day.
    /// </summary>
    public static bool TryParse(string text, IReadOnlyList<string> formats, TimeSpan? offset, out DateTimeOffset value)
    {
        var s = text.Trim();
        foreach (var format in formats)
        {
            if (HasOffset(format))
            {
                if (DateTimeOffset.TryParseExact(s, format, CultureInfo.InvariantCulture, DateTimeStyles.AllowInnerWhite, out value)) return true;
            }
            else if (offset is { } o
                     && DateTime.TryParseExact(s, format, CultureInfo.InvariantCulture, DateTimeStyles.AllowInnerWhite, out var local))
            {
                // 0001-01-01 00:00 at +08:00 lies before the framework's first instant, where the constructor throws.
                var utc = local.Ticks - o.Ticks;
                if (utc < DateTime.MinValue.Ticks || utc > DateTime.MaxValue.Ticks) continue;
                value = new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), o);
                return true;
            }
        }
        value = default;
        return false;
    }
}
