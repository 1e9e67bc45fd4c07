using System.Text;
using KefuScore.Engine.Events;
using Sylvan.Data.Csv;

namespace KefuScore.App.Reading;

/// <summary>
/// CSV (RFC 4180) through Sylvan: the first non-blank record is the header; empty cells are absent; unknown columns are
/// ignored; a header without a required column still reads (each record is then rejected for the missing field).
/// Line numbers are physical: the line breaks inside every raw record, quoted ones included, are counted.
/// </summary>
internal sealed class CsvSource : IEventSource
{
    private readonly CsvDataReader _csv;
    private readonly string _name;
    private readonly RawEvent _raw = new();
    private readonly StringPool _pool = new();
    /// <summary>Column ordinal → field id (-1: ignored); null until the header is read.</summary>
    private int[]? _fields;
    private bool[] _pooled = [];
    private long _nextLine = 1, _line;

    public CsvSource(Stream stream, string name)
    {
        _name = name;
        // The StreamReader drops a UTF-8 BOM; Sylvan reads the header as an ordinary record so its lines are counted too.
        var text = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        _csv = CsvDataReader.Create(text, new CsvDataReaderOptions
        {
            HasHeaders = false,
            // Lax: a stray quote inside a field is kept as text instead of failing the rest of the file.
            CsvStyle = CsvStyle.Lax,
            BufferSize = 1 << 16,
            MaxBufferSize = 16 << 20,
            OwnsReader = true,
        });
    }

    public long Line => _line;

    public bool Next(out ReadItem item)
    {
        while (_csv.Read())
        {
            _line = _nextLine;
            _nextLine += LineBreaks(_csv.GetRawRecordSpan());
            var count = _csv.RowFieldCount;
            if (count <= 1 && _csv.GetFieldSpan(0).IsEmpty) continue; // blank line
            if (_fields is null)
            {
                ReadHeader(count);
                continue;
            }

            _raw.Clear();
            var fields = _fields;
            var n = Math.Min(count, fields.Length);
            for (var i = 0; i < n; i++)
            {
                var id = fields[i];
                if (id < 0) continue;
                var cell = _csv.GetFieldSpan(i);
                if (cell.IsEmpty) continue;
                RawFields.Set(_raw, id, _pooled[i] ? _pool.Get(cell) : new string(cell));
            }
            item = RawFields.Parse(_raw, _name, _line);
            return true;
        }
        item = default;
        return false;
    }

    private void ReadHeader(int count)
    {
        var fields = new int[count];
        var pooled = new bool[count];
        var seen = new HashSet<int>();
        for (var i = 0; i < count; i++)
        {
            var id = RawFields.FindHeader(_csv.GetString(i));
            // A repeated column name: the first one counts, so that a later helper column cannot silently override it.
            fields[i] = id >= 0 && seen.Add(id) ? id : -1;
            pooled[i] = fields[i] >= 0 && RawFields.IsRepetitive(fields[i]);
        }
        _fields = fields;
        _pooled = pooled;
    }

    /// <summary>Physical lines a raw record spans: LF, CRLF and a lone CR each end one line.</summary>
    internal static int LineBreaks(ReadOnlySpan<char> raw)
    {
        var lf = raw.Count('\n');
        var crIndex = raw.IndexOf('\r');
        if (crIndex < 0) return lf;
        var rest = raw[crIndex..];
        return lf + rest.Count('\r') - rest.Count("\r\n");
    }

    public void Dispose() => _csv.Dispose();
}
