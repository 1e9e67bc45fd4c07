using KefuScore.Engine.Events;
using Parquet;
using Parquet.Schema;

namespace KefuScore.App.Reading;

/// <summary>
/// Parquet: top-level columns named like the SPEC §3 fields, read one row group at a time (the format stores columns,
/// so a row group is the smallest unit that yields whole rows). "Line" is the 1-based row index across the file.
/// A group is decoded by our own page decoder (<see cref="ParquetDecodedGroup"/>, as the report's row-group parser does)
/// when the file is a file on disk and the decoder takes its chunks; otherwise through Parquet.Net, with the same events
/// and rejections either way.
/// </summary>
internal sealed class ParquetSource : IEventSource
{
    /// <summary>Why a naive timestamp in <c>at</c> is refused: its zone is unknown, and guessing one shifts every metric.</summary>
    internal static readonly Engine.Text.Msg NaiveTimestampReason = new(Engine.Text.Codes.ParquetNaive);

    private readonly ParquetReader _reader;
    private readonly string _name;
    private readonly CancellationToken _ct;
    private readonly RawEvent _raw = new();
    private readonly (DataField Field, int Id)[] _columns;
    private readonly string?[][] _texts;
    private readonly bool _naiveAt;
    // The page decoder reads by offset through the file's handle: only a file on disk (or a spooled stream) has one.
    private readonly FileStream? _file;
    private readonly ParquetPlan? _plan;
    private readonly ParquetDecodedGroup? _decoded;
    private bool _inDecoded; // the current group is in _decoded, not in _texts
    private int _group = -1, _rowInGroup, _rowsInGroup;
    private long _row;

    /// <param name="pages">False reads every group through Parquet.Net: the reference the tests and the bench compare with.</param>
    public ParquetSource(Stream stream, string name, CancellationToken ct, bool pages = true)
    {
        _name = name;
        _ct = ct;
        _reader = ParquetReader.CreateAsync(stream, new ParquetOptions { TreatByteArrayAsString = true }, leaveStreamOpen: true, ct)
            .GetAwaiter().GetResult();
        try
        {
            _columns = Columns(_reader, name, out _naiveAt);
            _texts = new string?[_columns.Length][];
            if (pages && stream is FileStream file && ParquetDecodedGroup.PlanOf(_reader, _columns, _naiveAt) is { } plan)
            {
                _file = file;
                _plan = plan;
                _decoded = new ParquetDecodedGroup();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The file's columns that carry SPEC §3 fields, each with its field id; whether <c>at</c> is a naive timestamp.</summary>
    internal static (DataField Field, int Id)[] Columns(ParquetReader reader, string name, out bool naiveAt)
    {
        naiveAt = false;
        var columns = new List<(DataField, int)>();
        var seen = new HashSet<int>();
        var top = ParquetPlan.TopLevel(reader);
        // Only plain top-level columns: nested and repeated ones are not part of the interchange format.
        foreach (var field in reader.Schema.Fields.OfType<DataField>())
        {
            if (field.IsArray) continue;
            var id = RawFields.FindHeader(field.Name);
            if (id < 0 || !seen.Add(id)) continue;
            if (!ParquetColumns.CanRead(field))
                throw new InputFileException(name, $"column '{field.Name}' has type {field.ClrType.Name}; expected text, a whole number or a timestamp");
            // Naive by the schema's own words too: Parquet.Net's field does not say so for every unit.
            if (id == RawFields.At && (field is DateTimeDataField { DateTimeFormat: DateTimeFormat.Timestamp, IsAdjustedToUTC: false }
                    || top.TryGetValue(field.Name, out var e) && e.LogicalType?.TIMESTAMP is { IsAdjustedToUTC: false }))
                naiveAt = true;
            columns.Add((field, id));
        }
        return [.. columns];
    }

    public long Line => _row;

    /// <summary>How many row groups so far were read by the page decoder rather than Parquet.Net (tests and the bench check it).</summary>
    internal int DecodedGroups { get; private set; }

    public bool Next(out ReadItem item)
    {
        while (_rowInGroup >= _rowsInGroup)
        {
            if (_group + 1 >= _reader.RowGroupCount) { item = default; return false; }
            LoadGroup(++_group);
        }

        var r = _rowInGroup++;
        _row++;
        item = _inDecoded ? _decoded!.Row(_raw, r, _name, _row) : Row(_raw, _columns, _texts, null, _naiveAt, r, _name, _row);
        return true;
    }

    /// <summary>
    /// Row <paramref name="r"/> of a group read through Parquet.Net: its texts (or, for <c>at</c> read as instants, their
    /// text) through the string path's parser; every row of a file whose <c>at</c> is a naive timestamp is rejected.
    /// </summary>
    internal static ReadItem Row(RawEvent raw, (DataField Field, int Id)[] columns, string?[][] texts, DateTime?[]? instants, bool naiveAt, int r,
        string file, long line)
    {
        raw.Clear();
        var naive = false;
        for (var c = 0; c < columns.Length; c++)
        {
            var id = columns[c].Id;
            string? text;
            if (id == RawFields.At && instants is not null) text = instants[r] is { } v ? ParquetColumns.Instant(v) : null;
            else text = texts[c][r];
            if (text is null) continue;
            if (id == RawFields.At && naiveAt) { naive = true; continue; }
            RawFields.Set(raw, id, text);
        }
        return naive ? ReadItem.Reject(file, line, "at", NaiveTimestampReason) : RawFields.Parse(raw, file, line);
    }

    /// <summary>Largest row group (uncompressed, as the file's metadata says): one group is held in memory at a time.</summary>
    internal const long MaxRowGroupBytes = 512L << 20;

    private void LoadGroup(int index)
    {
        CheckGroupSize(_reader, index, _name);
        _rowInGroup = _rowsInGroup = 0; // nothing of the previous group is served if this one fails to read
        if (_decoded is not null && _decoded.TryRead(_file!.SafeFileHandle, _reader, _plan!, index))
        {
            _inDecoded = true;
            DecodedGroups++;
            _rowsInGroup = _decoded.Rows;
            // The import's progress is the stream's position, which reading by offset leaves alone: move it past the group.
            if (_reader.Metadata!.RowGroups[index] is { FileOffset: { } at and > 0, TotalCompressedSize: { } size and > 0 } && at + size <= _file.Length)
                _file.Position = at + size;
            return;
        }
        _inDecoded = false;
        using var group = _reader.OpenRowGroupReader(index);
        var rows = checked((int)group.RowCount);
        for (var c = 0; c < _columns.Length; c++)
            _texts[c] = ParquetColumns.ReadTexts(group, _columns[c].Field, rows, _ct);
        _rowsInGroup = rows;
    }

    /// <summary>Refuses a row group too large to hold in memory, before it is read.</summary>
    internal static void CheckGroupSize(ParquetReader reader, int index, string name)
    {
        if (reader.Metadata?.RowGroups is { } groups && index < groups.Count && groups[index].TotalByteSize > MaxRowGroupBytes)
            throw new InputFileException(name, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"row group {index + 1} holds {groups[index].TotalByteSize:N0} bytes uncompressed, more than the limit of 512 MiB (limit: 512 MiB per row group); write the file with smaller row groups"));
    }

    // The reader only offers DisposeAsync; it just releases buffers, so waiting here is harmless.
    public void Dispose()
    {
        _decoded?.Dispose();
        _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
