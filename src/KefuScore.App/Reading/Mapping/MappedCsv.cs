using System.Globalization;
using System.Text;
using Sylvan.Data.Csv;

namespace KefuScore.App.Reading.Mapping;

/// <summary>
/// The rows of an export as the mapping's <see cref="CsvLayout"/> describes it, with physical line numbers: the header
/// (if any) is line 1; line breaks inside quoted fields are counted; a CR kept as data (<see cref="LoneCrReader"/>) is not.
/// Read twice when threads are rebuilt, so it holds nothing but the current row.
/// </summary>
internal sealed class MappedCsv : IDisposable
{
    private readonly CsvDataReader _csv;
    private readonly string _name;
    private readonly bool _hasHeader;
    private string[] _header = [];
    private long _nextLine = 1;

    public MappedCsv(Stream stream, CsvLayout layout, string name)
    {
        _name = name;
        var encoding = EncodingOf(layout.Encoding) ?? Encoding.UTF8;
        var text = new LoneCrReader(new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true));
        _csv = CsvDataReader.Create(text, new CsvDataReaderOptions
        {
            HasHeaders = false,
            Delimiter = layout.Delimiter,
            Quote = layout.Quote,
            CsvStyle = CsvStyle.Lax,
            BufferSize = 1 << 16,
            MaxBufferSize = 16 << 20,
            OwnsReader = true,
        });
        _hasHeader = layout.Header;
        if (_hasHeader) ReadHeader();
    }

    /// <summary>The line where the current row starts.</summary>
    public long Line { get; private set; }

    /// <summary>Columns in the header; 0 without one.</summary>
    public int HeaderCount => _header.Length;

    public int FieldCount => _csv.RowFieldCount;

    /// <summary>Moves to the next non-blank row.</summary>
    public bool Next()
    {
        while (_csv.Read())
        {
            Line = _nextLine;
            _nextLine += CsvSource.LineBreaks(_csv.GetRawRecordSpan());
            if (_csv.RowFieldCount <= 1 && _csv.GetFieldSpan(0).IsEmpty) continue;
            return true;
        }
        return false;
    }

    /// <summary>A cell of the current row; null when empty or beyond the row's end.</summary>
    public string? Cell(int ordinal)
    {
        if (ordinal < 0 || ordinal >= _csv.RowFieldCount) return null;
        var span = _csv.GetFieldSpan(ordinal);
        return span.IsEmpty ? null : LoneCrReader.Restore(new string(span));
    }

    /// <summary>The 0-based ordinal of a column; throws <see cref="InputFileException"/> when the file has no such column.</summary>
    public int Ordinal(ColumnRef column)
    {
        if (_hasHeader && _header.Length == 0) return -1; // an empty file: no rows will ask
        if (!_hasHeader)
        {
            if (int.TryParse(column.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var position) && position >= 1) return position - 1;
            throw new InputFileException(_name, $"column {column} must be a 1-based position, since the mapping says the file has no header");
        }
        for (var i = 0; i < _header.Length; i++)
            if (string.Equals(_header[i], column.Name, StringComparison.OrdinalIgnoreCase)) return i;
        var named = string.Join(", ", _header.Where(h => h.Length > 0));
        throw new InputFileException(_name, $"column {column} of the mapping is not in the header (columns: {named})");
    }

    public static Encoding? EncodingOf(string name)
    {
        // Code pages such as GB18030 ship with .NET but must be registered before they can be named.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        try { return Encoding.GetEncoding(name); }
        catch (ArgumentException) { return null; }
    }

    private void ReadHeader()
    {
        if (!Next()) return;
        _header = new string[_csv.RowFieldCount];
        for (var i = 0; i < _header.Length; i++) _header[i] = (Cell(i) ?? "").Trim().TrimStart('\uFEFF');
    }

    public void Dispose() => _csv.Dispose();
}
