using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace KefuScore.App.Reading;

/// <summary>Reads one Parquet column of a row group as the text SPEC §3 fields carry (null = absent).</summary>
internal static class ParquetColumns
{
    public static bool CanRead(DataField field)
    {
        var t = field.ClrType;
        return t == typeof(string) || t == typeof(ReadOnlyMemory<char>) || t == typeof(DateTime) || t == typeof(bool)
            || t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(sbyte) || t == typeof(byte)
            || t == typeof(ushort) || t == typeof(uint) || t == typeof(ulong) || t == typeof(double) || t == typeof(float)
            || t == typeof(decimal);
    }

    public static string?[] ReadTexts(ParquetRowGroupReader group, DataField field, int rows, CancellationToken ct)
    {
        var t = field.ClrType;
        if (t == typeof(string) || t == typeof(ReadOnlyMemory<char>))
        {
            var strings = new string?[rows];
            group.ReadAsync(field, strings.AsMemory()!, null, ct).AsTask().GetAwaiter().GetResult();
            for (var i = 0; i < strings.Length; i++)
                if (strings[i] is { Length: 0 }) strings[i] = null;
            return strings;
        }
        if (t == typeof(DateTime)) return Read<DateTime>(group, field, rows, Instant, ct);
        if (t == typeof(bool)) return Read<bool>(group, field, rows, b => b ? "true" : "false", ct);
        if (t == typeof(int)) return Read<int>(group, field, rows, Number, ct);
        if (t == typeof(long)) return Read<long>(group, field, rows, Number, ct);
        if (t == typeof(short)) return Read<short>(group, field, rows, Number, ct);
        if (t == typeof(sbyte)) return Read<sbyte>(group, field, rows, Number, ct);
        if (t == typeof(byte)) return Read<byte>(group, field, rows, Number, ct);
        if (t == typeof(ushort)) return Read<ushort>(group, field, rows, Number, ct);
        if (t == typeof(uint)) return Read<uint>(group, field, rows, Number, ct);
        if (t == typeof(ulong)) return Read<ulong>(group, field, rows, Number, ct);
        if (t == typeof(double)) return Read<double>(group, field, rows, Number, ct);
        if (t == typeof(float)) return Read<float>(group, field, rows, Number, ct);
        if (t == typeof(decimal)) return Read<decimal>(group, field, rows, Number, ct);
        throw new NotSupportedException($"column '{field.Name}' has type {t.Name}");
    }

    /// <summary>
    /// A Parquet timestamp (UTC-adjusted or legacy INT96, both UTC by convention) as ISO 8601 with Z.
    /// Naive timestamps are refused earlier, by <see cref="ParquetSource"/>, for the <c>at</c> field.
    /// </summary>
    internal static string Instant(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
        // ISO 8601 with Z, the shape Timestamp parses fastest; F-digits drop a zero fraction.
        return utc.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>Shortest round-trip text, so that 5 reads back as "5" and a 64-bit id keeps every digit.</summary>
    private static string Number<T>(T value) where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    /// <summary>The instant <see cref="Instant"/> writes, as UTC ticks (what parsing that text gives back).</summary>
    internal static long UtcTicks(DateTime value) => (value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value).Ticks;

    private static string?[] Read<T>(ParquetRowGroupReader group, DataField field, int rows, Func<T, string?> text, CancellationToken ct)
        where T : struct
    {
        // The nullable overload reads required columns too, so one path serves both.
        var values = new T?[rows];
        group.ReadAsync<T>(field, values.AsMemory(), null, ct).AsTask().GetAwaiter().GetResult();
        var texts = new string?[rows];
        for (var i = 0; i < rows; i++)
            if (values[i] is { } v) texts[i] = text(v);
        return texts;
    }
}
