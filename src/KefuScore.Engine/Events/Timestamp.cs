using System.Globalization;
using System.Numerics;

namespace KefuScore.Engine.Events;

/// <summary>ISO 8601 instants as SPEC §3 allows them: a date, a time, optional fraction, and <c>Z</c> or an offset.</summary>
public static class Timestamp
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mmK",
    ];

    /// <summary>
    /// The first instant an event may carry. Every instant from here to <see cref="LatestEvent"/> has a local day in
    /// every zone (offsets up to ±14 h) and room for a profile's idle_close and period arithmetic after it; the
    /// framework's own range (years 1–9999) has neither at its ends, so an event at 9999-12-31 broke every report.
    /// </summary>
    public static readonly DateTimeOffset EarliestEvent = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The first instant past the range events may carry (exclusive).</summary>
    public static readonly DateTimeOffset LatestEvent = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Whether an event may carry this instant (see <see cref="EarliestEvent"/>).</summary>
    public static bool InEventRange(DateTimeOffset at) => at >= EarliestEvent && at < LatestEvent;

    /// <summary>Parses the common shape by hand (hot path for millions of lines), falls back to the framework for the rest.</summary>
    public static bool TryParse(string s, out DateTimeOffset value)
    {
        if (TryParseFast(s.AsSpan(), out value)) return true;
        // Without an offset the instant is ambiguous: refuse it rather than guess a zone.
        if (!HasOffset(s)) { value = default; return false; }
        return DateTimeOffset.TryParseExact(s, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    private static bool HasOffset(string s)
    {
        if (s.EndsWith('Z') || s.EndsWith('z')) return true;
        var t = s.IndexOf('T', StringComparison.Ordinal);
        if (t < 0) t = s.IndexOf(' ', StringComparison.Ordinal);
        if (t < 0) return false;
        return s.IndexOf('+', t) > 0 || s.IndexOf('-', t) > 0;
    }

    /// <summary>
    /// The common shape only (date, time, optional fraction, Z or ±hh:mm), from a span: readers that do not allocate
    /// a string per field try this first and hand anything else to <see cref="TryParse"/>, which gives the same instant.
    /// </summary>
    public static bool TryParseCommon(ReadOnlySpan<char> s, out DateTimeOffset value) => TryParseFast(s, out value);

    /// <summary>
    /// <see cref="TryParseCommon(ReadOnlySpan{char}, out DateTimeOffset)"/> on UTF-8 bytes, without a copy to UTF-16: the
    /// same generic rules, so the same shapes and instants. Every byte is checked against an ASCII character, so any
    /// non-ASCII byte (or invalid UTF-8) is refused, as its character would be.
    /// </summary>
    public static bool TryParseCommon(ReadOnlySpan<byte> utf8, out DateTimeOffset value) => TryParseFast(utf8, out value);

    // One definition of the fast shape for characters and bytes (T is char or byte; the JIT compiles each apart).
    private static bool TryParseFast<T>(ReadOnlySpan<T> s, out DateTimeOffset value) where T : unmanaged, IBinaryInteger<T>
    {
        value = default;
        // yyyy-MM-ddTHH:mm:ss
        if (s.Length < 20 || C(s[4]) != '-' || C(s[7]) != '-' || (C(s[10]) != 'T' && C(s[10]) != ' ') || C(s[13]) != ':' || C(s[16]) != ':') return false;
        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second)) return false;
        var i = 19;
        long fractionTicks = 0;
        if (C(s[i]) == '.' || C(s[i]) == ',')
        {
            i++;
            var start = i;
            long scale = TimeSpan.TicksPerSecond;
            while (i < s.Length && C(s[i]) is >= '0' and <= '9')
            {
                scale /= 10;
                fractionTicks += (C(s[i]) - '0') * scale;
                i++;
            }
            if (i == start) return false;
        }
        if (i >= s.Length) return false;
        TimeSpan offset;
        var sign = C(s[i]);
        // ±14:00 at most: the framework's limit (14:30 made its constructor throw out of TryParse).
        if ((sign == 'Z' || sign == 'z') && i == s.Length - 1) offset = TimeSpan.Zero;
        else if ((sign == '+' || sign == '-') && s.Length - i == 6 && C(s[i + 3]) == ':'
                 && Digits(s, i + 1, 2, out var oh) && Digits(s, i + 4, 2, out var om) && om < 60 && oh * 60 + om <= 14 * 60)
        {
            offset = new TimeSpan(oh, om, 0);
            if (sign == '-') offset = -offset;
        }
        else return false;
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year == 0 ? 1 : year, month) || year < 1
            || hour > 23 || minute > 59 || second > 59) return false;
        // The first and last years can leave the framework's range once the offset is applied (0001-01-01T00:00+14:00),
        // where the constructor throws; the framework's TryParseExact answers those without throwing.
        if (year is <= 1 or >= 9999) return false;
        value = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(fractionTicks);
        return true;
    }

    /// <summary>A character or byte as its code (bytes from 0x80 up match no ASCII character, as non-ASCII characters do not).</summary>
    private static int C<T>(T c) where T : unmanaged, IBinaryInteger<T> => int.CreateTruncating(c);

    private static bool Digits<T>(ReadOnlySpan<T> s, int start, int count, out int value) where T : unmanaged, IBinaryInteger<T>
    {
        value = 0;
        for (var k = start; k < start + count; k++)
        {
            var c = C(s[k]);
            if (c is < '0' or > '9') return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
