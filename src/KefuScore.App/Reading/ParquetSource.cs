using KefuScore.Engine.Events;
using Parquet;
using Parquet.Schema;

namespace KefuScore.App.Reading;

/// <summary>
/// Parquet: top-level columns named like the SPEC §3 fields, read one row group at a time (the format stores columns,
/// so a row group is the smallest unit that yields whole rows). "Line" is the 1-based row index across the file.
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
    private int _group = -1, _rowInGroup, _rowsInGroup;
    private long _row;

    public ParquetSource(Stream stream, string name, CancellationToken ct)
    {
        _name = name;
        _ct = ct;
        _reader = ParquetReader.CreateAsync(stream, new ParquetOptions { TreatByteArrayAsString = true }, leaveStreamOpen: true, ct)
            .GetAwaiter().GetResult();
        try
        {
            _columns = Columns(_reader, name, out _naiveAt);
            _texts = new string?[_columns.Length][];
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

    public bool Next(out ReadItem item)
    {
        while (_rowInGroup >= _rowsInGroup)
        {
            if (_group + 1 >= _reader.RowGroupCount) { item = default; return false; }
            LoadGroup(++_group);
        }

        var r = _rowInGroup++;
        _row++;
        _raw.Clear();
        var naive = false;
        for (var c = 0; c < _columns.Length; c++)
        {
            var text = _texts[c][r];
            if (text is null) continue;
            var id = _columns[c].Id;
            if (id == RawFields.At && _naiveAt) { naive = true; continue; }
            RawFields.Set(_raw, id, text);
        }
        item = naive ? ReadItem.Reject(_name, _row, "at", NaiveTimestampReason) : RawFields.Parse(_raw, _name, _row);
        return true;
    }

    /// <summary>Largest row group (uncompressed, as the file's metadata says): one group is held in memory at a time.</summary>
    internal const long MaxRowGroupBytes = 512L << 20;

    private void LoadGroup(int index)
    {
        CheckGroupSize(_reader, index, _name);
        using var group = _reader.OpenRowGroupReader(index);
        var rows = checked((int)group.RowCount);
        for (var c = 0; c < _columns.Length; c++)
            _texts[c] = ParquetColumns.ReadTexts(group, _columns[c].Field, rows, _ct);
        _rowInGroup = 0;
        _rowsInGroup = rows;
    }

    /// <summary>Refuses a row group too large to hold in memory, before it is read.</summary>
    internal static void CheckGroupSize(ParquetReader reader, int index, string name)
    {
        if (reader.Metadata?.RowGroups is { } groups && index < groups.Count && groups[index].TotalByteSize > MaxRowGroupBytes)
            throw new InputFileException(name, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"row group {index + 1} holds {groups[index].TotalByteSize:N0} bytes uncompressed, more than the limit of 512 MiB (limit: 512 MiB per row group); write the file with smaller row groups"));
    }

    // The reader only offers DisposeAsync; it just releases buffers, so waiting here is harmless.
    public void Dispose() => _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
