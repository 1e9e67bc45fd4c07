using System.Globalization;
using KefuScore.Engine.Events;
using MiniExcelLibs;

namespace KefuScore.App.Reading;

/// <summary>
/// Excel: the first sheet through MiniExcel's streaming query; the first non-empty row is the header. "Line" is the
/// sheet's row number (MiniExcel yields empty and missing rows too, so counting rows gives Excel's own numbering).
/// </summary>
internal sealed class XlsxSource : IEventSource
{
    /// <summary>The reason for an <c>at</c> typed as an Excel date: it has no zone, and guessing one would shift every metric.</summary>
    internal static readonly Engine.Text.Msg NoOffsetReason = new(Engine.Text.Codes.XlsxNoOffset);

    private readonly IEnumerator<object> _rows;
    private readonly string _name;
    private readonly RawEvent _raw = new();
    private readonly StringPool _pool = new();
    /// <summary>Column letter and field id of every known column; null until the header is read.</summary>
    private (string Key, int Id)[]? _columns;
    private long _row;

    public XlsxSource(Stream stream, string name)
    {
        _name = name;
        XlsxGuard.Check(stream, name);
        // useHeaderRow: false keeps the header as a row, so row numbers stay Excel's and header cells are matched by hand.
        _rows = MiniExcel.Query(stream, useHeaderRow: false, excelType: ExcelType.XLSX).GetEnumerator();
    }

    public long Line => _row;

    public bool Next(out ReadItem item)
    {
        while (_rows.MoveNext())
        {
            _row++;
            if (_rows.Current is not IDictionary<string, object?> cells) continue;
            if (_columns is null)
            {
                if (cells.Values.All(v => Text(v) is null)) continue;
                _columns = ReadHeader(cells);
                continue;
            }

            _raw.Clear();
            var empty = true;
            var dateAt = false;
            foreach (var (key, id) in _columns)
            {
                if (!cells.TryGetValue(key, out var value) || value is null) continue;
                if (id == RawFields.At && value is DateTime) { dateAt = true; empty = false; continue; }
                var text = Text(value);
                if (text is null) continue;
                empty = false;
                RawFields.Set(_raw, id, RawFields.IsRepetitive(id) ? _pool.Get(text) : text);
            }
            if (empty && AllEmpty(cells)) continue; // blank row
            item = dateAt
                ? ReadItem.Reject(_name, _row, "at", NoOffsetReason)
                : RawFields.Parse(_raw, _name, _row);
            return true;
        }
        item = default;
        return false;
    }

    private static (string, int)[] ReadHeader(IDictionary<string, object?> cells)
    {
        var columns = new List<(string, int)>();
        var seen = new HashSet<int>();
        foreach (var (key, value) in cells)
        {
            var id = RawFields.FindHeader(Text(value));
            // A repeated column name: the first one counts, as in CSV.
            if (id >= 0 && seen.Add(id)) columns.Add((key, id));
        }
        return [.. columns];
    }

    /// <summary>A typed cell as the text SPEC §3 fields carry; null for an empty cell.</summary>
    internal static string? Text(object? value) => value switch
    {
        null => null,
        string s => s.Length == 0 ? null : s,
        // "R" keeps whole numbers whole ("5", "12345678901"), so stars and numeric ids read back as typed.
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateTime dt => dt.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static bool AllEmpty(IDictionary<string, object?> cells)
    {
        foreach (var v in cells.Values)
            if (Text(v) is not null) return false;
        return true;
    }

    public void Dispose() => _rows.Dispose();
}
