using System.Text;
using System.Text.Unicode;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;

namespace KefuScore.App.Reading;

/// <summary>
/// One parser thread of <see cref="CsvChunks"/>: a chunk's UTF-8 lines into rows, by the rules of
/// <see cref="CsvSource.NextRows"/> (the common shape straight into a row, every other line through
/// <see cref="RawFields.Parse"/>), with shops and agents looked up in a cache of its own before the shared names.
/// Rejected lines carry their line's index in the chunk; the reader adds the chunk's first line.
/// </summary>
internal sealed class ChunkParser(RunNames names, int parts)
{
    private readonly ParserNames _names = new(names, parts);
    private readonly RawEvent _raw = new();
    private Range[] _cells = new Range[32];
    private CsvHeader _header = null!;

    public void Parse(RowChunk chunk)
    {
        if (chunk.Bytes.Length < chunk.Length) chunk.Bytes = new byte[Math.Max(chunk.Length, CsvChunks.DefaultChunkBytes + (64 << 10))];
        var read = 0;
        while (read < chunk.Length)
        {
            var n = RandomAccess.Read(chunk.Handle!, chunk.Bytes.AsSpan(read, chunk.Length - read), chunk.Start + read);
            if (n == 0) throw new IOException("the file became shorter while it was read");
            read += n;
        }
        var data = chunk.Bytes.AsSpan(0, chunk.Length);
        // Only a quote can put a line break inside a field; a lone CR ends a line for Sylvan; bad UTF-8 becomes U+FFFD there.
        if (data.IndexOf((byte)'"') >= 0 || HasLoneCr(data) || !Utf8.IsValid(data))
        {
            chunk.Sequential = true;
            return;
        }
        _header = chunk.Header!;
        var index = 0;
        while (!data.IsEmpty)
        {
            var nl = data.IndexOf((byte)'\n');
            var line = nl < 0 ? data : data[..nl];
            data = nl < 0 ? default : data[(nl + 1)..];
            var at = index++;
            if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
            if (line.IsEmpty) continue; // a blank line, as Sylvan skips it
            chunk.Records++;
            var count = Split(line);
            if (!TryRow(line, count, chunk)) Slow(line, count, chunk, at);
        }
        chunk.Lines = index;
    }

    private static bool HasLoneCr(ReadOnlySpan<byte> data)
    {
        for (var i = data.IndexOf((byte)'\r'); i >= 0;)
        {
            if (i + 1 >= data.Length || data[i + 1] != '\n') return true;
            var next = data[(i + 1)..].IndexOf((byte)'\r');
            i = next < 0 ? -1 : i + 1 + next;
        }
        return false;
    }

    /// <summary>Finds the cells of the header's columns (no more are read); returns the line's cell count, capped past them.</summary>
    private int Split(ReadOnlySpan<byte> line)
    {
        var wanted = _header.Fields.Length;
        if (_cells.Length < wanted + 1) _cells = new Range[wanted + 1];
        var count = 0;
        var start = 0;
        while (true)
        {
            var comma = line[start..].IndexOf((byte)',');
            if (comma < 0)
            {
                _cells[count++] = start..line.Length;
                return count;
            }
            _cells[count++] = start..(start + comma);
            start += comma + 1;
            if (count == wanted) return count + 1; // more cells than columns: the rest are ignored, as Math.Min(count, columns) does
        }
    }

    private ReadOnlySpan<byte> Cell(ReadOnlySpan<byte> line, int field, int count)
    {
        var column = _header.ColumnOf[field];
        return column >= 0 && column < count && column < _header.Fields.Length ? line[_cells[column]] : default;
    }

    private bool TryRow(ReadOnlySpan<byte> line, int count, RowChunk chunk)
    {
        var type = Cell(line, RawFields.Type, count);
        if (!type.SequenceEqual("message"u8) && !type.SequenceEqual("rating"u8)) return false;
        var fields = _header.Fields;
        for (var i = Math.Min(count, fields.Length) - 1; i >= 0; i--)
            if (fields[i] >= 0 && CommonRow.TooLong(line[_cells[i]])) return false;
        var id = Cell(line, RawFields.Id, count);
        var shop = Cell(line, RawFields.Shop, count);
        var conversation = Cell(line, RawFields.Conversation, count);
        var agent = Cell(line, RawFields.Agent, count);
        var reason = Cell(line, RawFields.Reason, count);
        if (!CommonRow.PlainNames(id, shop, conversation, agent, reason)) return false;
        if (!CommonRow.TryAt(Cell(line, RawFields.At, count), out var ticks)) return false;
        if (!CommonRow.TryTyped(type, Cell(line, RawFields.Sender, count), Cell(line, RawFields.Kind, count), Cell(line, RawFields.Satisfaction, count),
                Cell(line, RawFields.Stars, count), !conversation.IsEmpty, ticks, out var row)) return false;
        _names.Place(chunk, row, shop, agent, reason, id, conversation);
        return true;
    }

    /// <summary>Any other line: its cells as strings through the string path's parser, as <see cref="CsvSource"/> does.</summary>
    private void Slow(ReadOnlySpan<byte> line, int count, RowChunk chunk, int index)
    {
        _raw.Clear();
        var fields = _header.Fields;
        var n = Math.Min(count, fields.Length);
        for (var i = 0; i < n; i++)
        {
            var id = fields[i];
            if (id < 0) continue;
            var cell = line[_cells[i]];
            if (cell.IsEmpty) continue;
            RawFields.Set(_raw, id, Encoding.UTF8.GetString(cell));
        }
        var item = RawFields.Parse(_raw, chunk.File, index);
        _names.Place(chunk, item);
    }
}
