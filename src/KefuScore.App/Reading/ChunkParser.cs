using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
    /// <summary>
    /// Lines between a line's first hint (its names' table slots) and its second (their entries), and again to its
    /// parse: a line is parsed <c>2 × Ahead - 1</c> lines after its cells are found, in file order.
    /// </summary>
    private const int Ahead = 4;
    private const int RingSize = 2 * Ahead;

    /// <summary>A line whose cells are found and whose parse is still to come.</summary>
    private struct Pending
    {
        public Range[] Cells;
        public int Start, End, Count, Index;
        public ParserNames.NameHint Names;
    }

    private readonly ParserNames _names = new(names, parts);
    private readonly RawEvent _raw = new();
    private readonly Pending[] _ring = new Pending[RingSize];
    private int _head, _tail;
    /// <summary>The cells of the line being parsed (one of the ring's).</summary>
    private Range[] _cells = [];
    private CsvHeader _header = null!;

    /// <summary>Reads a chunk's bytes from its file into its own buffer (the CSV and JSON Lines parsers both start here).</summary>
    internal static ReadOnlySpan<byte> Load(RowChunk chunk)
    {
        if (chunk.Bytes.Length < chunk.Length) chunk.Bytes = new byte[Math.Max(chunk.Length, CsvChunks.DefaultChunkBytes + (64 << 10))];
        var read = 0;
        while (read < chunk.Length)
        {
            var n = RandomAccess.Read(chunk.Handle!, chunk.Bytes.AsSpan(read, chunk.Length - read), chunk.Start + read);
            if (n == 0) throw new IOException("the file became shorter while it was read");
            read += n;
        }
        return chunk.Bytes.AsSpan(0, chunk.Length);
    }

    public void Parse(RowChunk chunk)
    {
        var data = Load(chunk);
        // Only a quote can put a line break inside a field; a lone CR ends a line for Sylvan; bad UTF-8 becomes U+FFFD there.
        if (data.IndexOf((byte)'"') >= 0 || HasLoneCr(data) || !Utf8.IsValid(data))
        {
            chunk.Sequential = true;
            return;
        }
        _header = chunk.Header!;
        var wanted = _header.Fields.Length;
        if (_ring[0].Cells is null || _ring[0].Cells.Length < wanted + 1)
            for (var r = 0; r < RingSize; r++) _ring[r].Cells = new Range[wanted + 1];
        _head = _tail = 0;
        var cells = _ring[0].Cells;
        // One pass over the chunk finds commas and line breaks together, 32 bytes at a time (no quote and no lone CR
        // is left to care about here): a line's cells are known when its line break is.
        ref var origin = ref MemoryMarshal.GetReference(data);
        int index = 0, lineStart = 0, cellStart = 0, count = 0;
        for (var block = 0; block < data.Length; block += 32)
        {
            var mask = block + 32 <= data.Length ? Separators(ref Unsafe.Add(ref origin, block)) : Separators(data[block..]);
            while (mask != 0)
            {
                var at = block + BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                if (Unsafe.Add(ref origin, at) == (byte)',')
                {
                    // Cells up to the header's column count; a comma past them makes the count one more, and the rest of the line is ignored.
                    if (count >= wanted) continue;
                    cells[count++] = (cellStart - lineStart)..(at - lineStart);
                    cellStart = at + 1;
                    if (count == wanted) count++;
                    continue;
                }
                cells = Line(data, lineStart, at, cellStart, count, index++, chunk);
                lineStart = cellStart = at + 1;
                count = 0;
            }
        }
        if (lineStart < data.Length) Line(data, lineStart, data.Length, cellStart, count, index++, chunk);
        while (_tail < _head) Parse(data, _tail++, chunk);
        chunk.Lines = index;
    }

    /// <summary>
    /// The line <paramref name="start"/>..<paramref name="end"/> (its break excluded) whose cells before the last are
    /// found in the ring's next slot: queued with its hints, the line queued longest ago parsed. Returns where the next
    /// line's cells go.
    /// </summary>
    private Range[] Line(ReadOnlySpan<byte> data, int start, int end, int cellStart, int count, int index, RowChunk chunk)
    {
        ref var pending = ref _ring[_head & (RingSize - 1)];
        if (end > start && data[end - 1] == '\r') end--;
        if (end == start) return pending.Cells; // a blank line, as Sylvan skips it
        chunk.Records++;
        if (count < _header.Fields.Length) pending.Cells[count++] = (cellStart - start)..(end - start);
        (pending.Start, pending.End, pending.Count, pending.Index) = (start, end, count, index);
        var line = data[start..end];
        pending.Names = _names.Hint(Cell(line, RawFields.Shop, count, pending.Cells), Cell(line, RawFields.Agent, count, pending.Cells));
        _head++;
        if (_head - _tail > Ahead) _names.HintEntries(_ring[(_head - 1 - Ahead) & (RingSize - 1)].Names);
        if (_head - _tail == RingSize) Parse(data, _tail++, chunk);
        return _ring[_head & (RingSize - 1)].Cells;
    }

    /// <summary>The queued line at <paramref name="at"/>: the common shape straight into a row, anything else the string path's way.</summary>
    private void Parse(ReadOnlySpan<byte> data, int at, RowChunk chunk)
    {
        ref var pending = ref _ring[at & (RingSize - 1)];
        _cells = pending.Cells;
        var line = data[pending.Start..pending.End];
        if (!TryRow(line, pending.Count, chunk, pending.Names.ShopHash, pending.Names.AgentHash)) Slow(line, pending.Count, chunk, pending.Index);
    }

    /// <summary>Bit i set when byte i of the 32 at <paramref name="p"/> is a comma or a line break.</summary>
    private static uint Separators(ref byte p)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            var v = Vector256.LoadUnsafe(ref p);
            return (Vector256.Equals(v, Vector256.Create((byte)',')) | Vector256.Equals(v, Vector256.Create((byte)'\n'))).ExtractMostSignificantBits();
        }
        var lo = Vector128.LoadUnsafe(ref p);
        var hi = Vector128.LoadUnsafe(ref p, 16);
        var comma = Vector128.Create((byte)',');
        var lf = Vector128.Create((byte)'\n');
        return (Vector128.Equals(lo, comma) | Vector128.Equals(lo, lf)).ExtractMostSignificantBits()
            | (Vector128.Equals(hi, comma) | Vector128.Equals(hi, lf)).ExtractMostSignificantBits() << 16;
    }

    /// <summary>The same for the chunk's last bytes, fewer than 32.</summary>
    private static uint Separators(ReadOnlySpan<byte> tail)
    {
        uint mask = 0;
        for (var i = 0; i < tail.Length; i++)
            if (tail[i] is (byte)',' or (byte)'\n') mask |= 1u << i;
        return mask;
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

    private ReadOnlySpan<byte> Cell(ReadOnlySpan<byte> line, int field, int count) => Cell(line, field, count, _cells);

    private ReadOnlySpan<byte> Cell(ReadOnlySpan<byte> line, int field, int count, Range[] cells)
    {
        var column = _header.ColumnOf[field];
        return column >= 0 && column < count && column < _header.Fields.Length ? line[cells[column]] : default;
    }

    private bool TryRow(ReadOnlySpan<byte> line, int count, RowChunk chunk, ulong shopHash, ulong agentHash)
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
        if (!CommonRow.TryRow(type, id, shop, conversation, agent, reason, Cell(line, RawFields.At, count), Cell(line, RawFields.Sender, count),
                Cell(line, RawFields.Kind, count), Cell(line, RawFields.Satisfaction, count), Cell(line, RawFields.Stars, count), out var row)) return false;
        _names.Place(chunk, row, _names.Shop(shop, shopHash), agent.IsEmpty ? default : _names.Agent(agent, agentHash), reason, id, conversation);
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
