using System.Globalization;

namespace KefuScore.App.Reading;

/// <summary>Typed cell values (Excel, Parquet) as the text the SPEC §3 fields carry.</summary>
internal static class CellText
{
    /// <summary>The reason for an <c>at</c> given as a calendar value with no zone: guessing one would shift every metric.</summary>
    public const string NoOffsetReason =
        "Excel date without a time zone offset; write the time as text like 2026-11-20T10:00:00+08:00";

    public static string? Of(object? value) => value switch
    {
        null => null,
        string s => s.Length == 0 ? null : s,
        // "R" keeps whole numbers whole ("5", "12345678901"), so stars and numeric ids read back as typed.
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateTime dt => dt.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateTimeOffset dto => Utc(dto),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>An instant as ISO 8601 with Z, the shape <see cref="Engine.Events.Timestamp"/> parses fastest.</summary>
    public static string Utc(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
