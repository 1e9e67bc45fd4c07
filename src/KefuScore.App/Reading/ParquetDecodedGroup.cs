using KefuScore.Engine.Events;
using Microsoft.Win32.SafeHandles;
using Parquet;
using Parquet.Schema;

namespace KefuScore.App.Reading;

/// <summary>
/// One row group decoded by <see cref="ParquetPages"/>: each column's cells (UTF-8 slices), <c>at</c> as UTC ticks when it is
/// a timestamp column, and a row as the texts Parquet.Net would give it. Shared by the report's row-group parser
/// (<see cref="ParquetGroupParser"/>) and the event source (<see cref="ParquetSource"/>), so both read a group alike.
/// </summary>
internal sealed class ParquetDecodedGroup : IDisposable
{
    private readonly ParquetPages _pages = new();
    private readonly int[] _columnOf = new int[RawEvent.FieldNames.Count];
    private ParquetCells[] _cells = [];
    private int[] _mayBeTooLong = [];
    private long[] _ticks = [];
    private ParquetPlan? _plan;

    /// <summary>
    /// How a file's columns are decoded; null (the file goes through Parquet.Net) when one of them is of a kind the decoder
    /// does not read, or when <c>at</c> is a naive timestamp: its rows are all rejected by the Parquet.Net row path.
    /// </summary>
    public static ParquetPlan? PlanOf(ParquetReader reader, (DataField Field, int Id)[] columns, bool naiveAt) =>
        naiveAt ? null : ParquetPlan.Of(reader, columns);

    public int Rows { get; private set; }

    /// <summary>The timestamp column's index, or -1 when <c>at</c> is text or absent.</summary>
    public int AtColumn { get; private set; }

    /// <summary>How many of <see cref="TooLongColumn"/> there are: columns with a cell over the field limit (usually none).</summary>
    public int TooLongCount { get; private set; }

    public ParquetCells TooLongColumn(int k) => _cells[_mayBeTooLong[k]];

    /// <summary>
    /// Decodes row group <paramref name="group"/> of the file; false (nothing usable) when a column chunk uses what the
    /// decoder does not take or a timestamp is outside what a DateTime holds, and the caller reads the group through Parquet.Net.
    /// </summary>
    public bool TryRead(SafeFileHandle file, ParquetReader reader, ParquetPlan plan, int group)
    {
        _plan = plan;
        Rows = 0;
        if (reader.Metadata?.RowGroups is not { } groups || group >= groups.Count) return false;
        var meta = groups[group];
        if (meta.NumRows is < 0 or > int.MaxValue) return false;
        var rows = (int)meta.NumRows;
        var columns = plan.Columns;
        if (_cells.Length < columns.Length)
        {
            Array.Resize(ref _cells, columns.Length);
            for (var c = 0; c < _cells.Length; c++) _cells[c] ??= new ParquetCells();
        }
        Array.Fill(_columnOf, -1);
        var atColumn = -1;
        for (var c = 0; c < columns.Length; c++)
        {
            var column = columns[c];
            if (plan.ChunkOf(meta, c) is not { } columnChunk) return false;
            if (!_pages.TryRead(file, columnChunk, column.Optional, rows, _cells[c], column.Number)) return false;
            _columnOf[column.Id] = c;
            if (column.TicksPerUnit != 0) atColumn = c;
        }
        if (atColumn >= 0 && !Instants(_cells[atColumn], columns[atColumn], rows)) return false;
        if (_mayBeTooLong.Length < columns.Length) _mayBeTooLong = new int[columns.Length];
        var tooLong = 0;
        for (var c = 0; c < columns.Length; c++)
            if (c != atColumn && _cells[c].MaxLength > EventParser.MaxFieldChars) _mayBeTooLong[tooLong++] = c;
        TooLongCount = tooLong;
        AtColumn = atColumn;
        Rows = rows;
        return true;
    }

    /// <summary>An INT64 timestamp column as UTC ticks (long.MinValue for null); false when a value is outside what a DateTime holds.</summary>
    private bool Instants(ParquetCells cells, ParquetPlan.Column column, int rows)
    {
        if (_ticks.Length < rows) _ticks = new long[ParquetCells.Room(rows)];
        var (min, max) = column.Range;
        for (var r = 0; r < rows; r++)
        {
            if (cells.IsNull(r))
            {
                _ticks[r] = long.MinValue;
                continue;
            }
            var v = cells.Int64(r);
            if (v < min || v > max) return false;
            // Nanoseconds truncate to ticks, as Parquet.Net's DateTime does.
            _ticks[r] = DateTime.UnixEpoch.Ticks + (column.TicksPerUnit > 0 ? v * column.TicksPerUnit : v / -column.TicksPerUnit);
        }
        return true;
    }

    /// <summary>Field <paramref name="field"/>'s cell in row <paramref name="r"/>; empty when null or when the file has no such column.</summary>
    public ReadOnlySpan<byte> Cell(int field, int r)
    {
        var c = _columnOf[field];
        return c < 0 ? default : _cells[c].Cell(r);
    }

    /// <summary>
    /// Field <paramref name="field"/>'s dictionary entry in row <paramref name="r"/>: the same entry is the same value
    /// within this group; -1 when the cell is null, not dictionary-encoded, or the file has no such column.
    /// </summary>
    public int Entry(int field, int r)
    {
        var c = _columnOf[field];
        return c < 0 ? -1 : _cells[c].Entries[r];
    }

    /// <summary>How many entries field <paramref name="field"/>'s dictionary has in this group (0: none).</summary>
    public int DictionarySize(int field)
    {
        var c = _columnOf[field];
        return c < 0 ? 0 : _cells[c].DictionarySize;
    }

    /// <summary>Row <paramref name="r"/>'s <c>at</c> as UTC ticks, long.MinValue when null (only with a timestamp column).</summary>
    public long Ticks(int r) => _ticks[r];

    /// <summary>
    /// Row <paramref name="r"/> through the string path's parser, with the texts Parquet.Net would give it (an empty text is
    /// absent, an instant as <see cref="ParquetColumns.Instant"/>): the same event or rejection as the Parquet.Net row path.
    /// </summary>
    public ReadItem Row(RawEvent raw, int r, string file, long line)
    {
        var columns = _plan!.Columns;
        raw.Clear();
        for (var c = 0; c < columns.Length; c++)
        {
            string? text;
            if (c == AtColumn) text = _ticks[r] == long.MinValue ? null : ParquetColumns.Instant(new DateTime(_ticks[r], DateTimeKind.Utc));
            else text = _cells[c].Cell(r) is { IsEmpty: false } cell ? System.Text.Encoding.UTF8.GetString(cell) : null;
            if (text is not null) RawFields.Set(raw, columns[c].Id, text);
        }
        return RawFields.Parse(raw, file, line);
    }

    public void Dispose() => _pages.Dispose();
}
