using System.Text;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
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
    /// <summary>Field id → its column (the first with that name), -1 when the header lacks it.</summary>
    private int[] _columnOf = [];
    private long _nextLine = 1, _line;

    public CsvSource(Stream stream, string name)
    {
        _name = name;
        // The StreamReader drops a UTF-8 BOM; Sylvan reads the header as an ordinary record so its lines are counted too.
        var text = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        _csv = CsvDataReader.Create(text, Options(delimiter: null));
    }

    /// <summary>
    /// Resumes a comma-separated file mid-way, at the start of a record (<see cref="CsvChunks"/>: no quote before it),
    /// with its header already read and <paramref name="firstLine"/> the physical line the stream starts on.
    /// </summary>
    internal CsvSource(Stream stream, string name, CsvHeader header, long firstLine)
    {
        _name = name;
        // No BOM detection here: bytes EF BB BF at the start of a later line are text, as the whole-file reader reads them.
        var text = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16, leaveOpen: true);
        _csv = CsvDataReader.Create(text, Options(delimiter: ','));
        Use(header);
        _nextLine = firstLine;
    }

    private static CsvDataReaderOptions Options(char? delimiter) => new()
    {
        HasHeaders = false,
        // Lax: a stray quote inside a field is kept as text instead of failing the rest of the file.
        CsvStyle = CsvStyle.Lax,
        BufferSize = 1 << 16,
        MaxBufferSize = 16 << 20,
        OwnsReader = true,
        Delimiter = delimiter,
    };

    public long Line => _line;

    /// <summary>Moves to the next record that holds data (the header read on the way, blank lines skipped), keeping line numbers.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(_fields))]
    private bool NextRecord(out int count)
    {
        while (_csv.Read())
        {
            _line = _nextLine;
            _nextLine += LineBreaks(_csv.GetRawRecordSpan());
            count = _csv.RowFieldCount;
            if (count <= 1 && _csv.GetFieldSpan(0).IsEmpty) continue; // blank line
            if (_fields is null)
            {
                ReadHeader(count);
                continue;
            }
            return true;
        }
        count = 0;
        return false;
    }

    public bool Next(out ReadItem item)
    {
        while (NextRecord(out var count))
        {
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

    /// <summary>
    /// Reads records into <paramref name="batch"/> as rows until it is full or the file ends (then false). A line in the
    /// common shape (a message or a rating, plain values, an ISO instant with Z or ±hh:mm) becomes a row straight from
    /// the reader's spans; any other line goes through <see cref="RawFields.Parse"/> as in <see cref="Next"/>, so
    /// events and rejections are exactly those of the string path.
    /// </summary>
    public bool NextRows(RowBatch batch, RunNames names)
    {
        while (!batch.Full)
        {
            if (!NextRecord(out var count)) return false;
            batch.Records++;
            if (TryRow(count, batch, names)) continue;
            var fields = _fields;
            _raw.Clear();
            var n = Math.Min(count, fields.Length);
            for (var i = 0; i < n; i++)
            {
                var id = fields[i];
                if (id < 0) continue;
                var cell = _csv.GetFieldSpan(i);
                if (cell.IsEmpty) continue;
                RawFields.Set(_raw, id, _pooled[i] ? _pool.Get(cell) : new string(cell));
            }
            var item = RawFields.Parse(_raw, _name, _line);
            if (item.Event is { } e)
            {
                var row = EventRow.Of(e, names.Shop(e.Shop, out var shop), ref batch.Chars, ref batch.Used);
                row.Shop = shop;
                batch.Add(row);
            }
            else batch.Rejected.Add(item.Rejected!);
        }
        return true;
    }

    private ReadOnlySpan<char> Cell(int field, int count)
    {
        var column = _columnOf[field];
        return column >= 0 && column < count ? _csv.GetFieldSpan(column) : default;
    }

    private bool TryRow(int count, RowBatch batch, RunNames names)
    {
        var fields = _fields!;
        var type = Cell(RawFields.Type, count);
        if (!type.SequenceEqual("message") && !type.SequenceEqual("rating")) return false;
        for (var i = Math.Min(count, fields.Length) - 1; i >= 0; i--)
            if (fields[i] >= 0 && _csv.GetFieldSpan(i).Length > EventParser.MaxFieldChars) return false;
        var id = Cell(RawFields.Id, count);
        var shop = Cell(RawFields.Shop, count);
        var conversation = Cell(RawFields.Conversation, count);
        var agent = Cell(RawFields.Agent, count);
        var reason = Cell(RawFields.Reason, count);
        if (!CommonRow.PlainNames(id, shop, conversation, agent, reason)) return false;
        if (!Timestamp.TryParseCommon(Cell(RawFields.At, count), out var at) || !Timestamp.InEventRange(at)) return false;
        if (!CommonRow.TryTyped(type, Cell(RawFields.Sender, count), Cell(RawFields.Kind, count), Cell(RawFields.Satisfaction, count),
                Cell(RawFields.Stars, count), !conversation.IsEmpty, at.UtcTicks, out var row)) return false;
        row.ShopIndex = names.Shop(shop, out row.Shop);
        if (!agent.IsEmpty) row.Agent = names.Agent(agent, out row.AgentNumber);
        if (!reason.IsEmpty) row.Reason = names.Reason(reason);
        (row.IdStart, row.IdLength) = EventRow.Append(id, ref batch.Chars, ref batch.Used);
        if (!conversation.IsEmpty) (row.ConversationStart, row.ConversationLength) = EventRow.Append(conversation, ref batch.Chars, ref batch.Used);
        batch.Add(row);
        return true;
    }

    private void ReadHeader(int count)
    {
        var names = new string[count];
        for (var i = 0; i < count; i++) names[i] = _csv.GetString(i);
        Use(CsvHeader.Of(names));
    }

    private void Use(CsvHeader header)
    {
        _fields = header.Fields;
        _pooled = header.Pooled;
        _columnOf = header.ColumnOf;
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

/// <summary>A CSV header resolved to SPEC §3 fields: one rule for the Sylvan reader and the chunked one.</summary>
internal sealed class CsvHeader
{
    /// <summary>Column ordinal → field id (-1: ignored).</summary>
    public required int[] Fields { get; init; }
    public required bool[] Pooled { get; init; }
    /// <summary>Field id → its column (the first with that name), -1 when the header lacks it.</summary>
    public required int[] ColumnOf { get; init; }

    public static CsvHeader Of(IReadOnlyList<string> names)
    {
        var count = names.Count;
        var fields = new int[count];
        var pooled = new bool[count];
        var seen = new HashSet<int>();
        for (var i = 0; i < count; i++)
        {
            var id = RawFields.FindHeader(names[i]);
            // A repeated column name: the first one counts, so that a later helper column cannot silently override it.
            fields[i] = id >= 0 && seen.Add(id) ? id : -1;
            pooled[i] = fields[i] >= 0 && RawFields.IsRepetitive(fields[i]);
        }
        var columnOf = new int[RawEvent.FieldNames.Count];
        Array.Fill(columnOf, -1);
        for (var i = 0; i < count; i++)
            if (fields[i] >= 0) columnOf[fields[i]] = i;
        return new CsvHeader { Fields = fields, Pooled = pooled, ColumnOf = columnOf };
    }
}
