using System.Text.Json;
using System.Text.Unicode;
using KefuScore.Engine.Events;

namespace KefuScore.App.Reading;

/// <summary>
/// One parser thread's reading of JSON Lines chunks (<see cref="CsvChunks"/> cuts the file at line breaks, which a JSON
/// string cannot hold) into rows, by the rules of <see cref="JsonLinesSource"/>: lines numbered physically, a BOM
/// dropped from line 1, a trailing CR dropped, blank lines skipped. A line in the common shape (a message or rating
/// whose fields the row reads are plain strings or numbers) goes straight into a row from the line's bytes, with no
/// string made; any other line, and any line the fast path has a doubt about, is read as the sequential reader reads
/// it (<see cref="JsonLine"/>, then <see cref="RawFields.Parse"/>), so events and rejections are exactly that reader's.
/// </summary>
internal sealed class JsonChunkParser(RunNames names, int parts)
{
    private const int FieldCount = RawFields.Capacity + 1;

    /// <summary>
    /// The fields a row is built from: such a value must be taken as it is spelled, so an escaped one goes the slow way.
    /// Any other known field (text, customer, order…) is only checked for its length, which unescaping can only shorten.
    /// </summary>
    private const int RowFields = 1 << RawFields.Type | 1 << RawFields.Id | 1 << RawFields.Shop | 1 << RawFields.At | 1 << RawFields.Conversation
        | 1 << RawFields.Sender | 1 << RawFields.Agent | 1 << RawFields.Kind | 1 << RawFields.Satisfaction | 1 << RawFields.Stars | 1 << RawFields.Reason;

    /// <summary>
    /// Lines between a line's tokens and its first name hint (its table slots), and again to the second (their entries)
    /// and its row, as <see cref="ChunkParser"/> does: the wide shape's 20,000 shops and 117,000 agents miss the cache.
    /// </summary>
    private const int Ahead = 4;
    private const int RingSize = 2 * Ahead;

    /// <summary>A non-blank line whose tokens are read and whose row is still to come.</summary>
    private struct Pending
    {
        /// <summary>A known field's value in the line: where it starts and how many bytes (-1: absent or null).</summary>
        public int[] Start, Length;
        public int LineStart, LineEnd, Index;
        /// <summary>The line is one object whose known fields the row can take as spelled; false sends it the slow way.</summary>
        public bool Plain;
        public ParserNames.NameHint Names;
    }

    private readonly ParserNames _names = new(names, parts);
    private readonly JsonLine _json = new();
    private readonly RawEvent _raw = new();
    private readonly Pending[] _ring = CreateRing();
    private int _head, _tail;

    private static Pending[] CreateRing()
    {
        var ring = new Pending[RingSize];
        for (var i = 0; i < RingSize; i++) (ring[i].Start, ring[i].Length) = (new int[FieldCount], new int[FieldCount]);
        return ring;
    }

    public void Parse(RowChunk chunk)
    {
        var data = ChunkParser.Load(chunk);
        // Checked once for the chunk (a line's strings are then valid UTF-8, and decoding them cannot differ from the
        // reader's); a chunk with bad bytes checks line by line and sends those lines the slow way.
        var valid = Utf8.IsValid(data);
        _head = _tail = 0;
        int index = 0, start = 0;
        while (start < data.Length)
        {
            var nl = data[start..].IndexOf((byte)'\n');
            var end = nl < 0 ? data.Length : start + nl;
            var lineStart = start;
            // Physical line 1 of the file (a JSON Lines file has no header: a chunk at offset 0 starts with it).
            if (index == 0 && chunk.Start == 0 && data[start..end].StartsWith("\uFEFF"u8)) lineStart += 3;
            var lineEnd = end > lineStart && data[end - 1] == '\r' ? end - 1 : end;
            if (!data[lineStart..lineEnd].Trim(" \t"u8).IsEmpty)
            {
                chunk.Records++;
                Queue(data, lineStart, lineEnd, index, valid, chunk);
            }
            index++;
            start = end + 1;
        }
        while (_tail < _head) Row(data, _tail++, chunk);
        chunk.Lines = index;
    }

    /// <summary>Reads a line's tokens into the ring's next slot with its name hints; the line queued longest ago becomes a row.</summary>
    private void Queue(ReadOnlySpan<byte> data, int start, int end, int index, bool valid, RowChunk chunk)
    {
        ref var p = ref _ring[_head & (RingSize - 1)];
        (p.LineStart, p.LineEnd, p.Index) = (start, end, index);
        var line = data[start..end];
        p.Plain = (valid || Utf8.IsValid(line)) && Tokens(line, p.Start, p.Length);
        if (p.Plain) p.Names = _names.Hint(Cell(line, RawFields.Shop, p), Cell(line, RawFields.Agent, p));
        _head++;
        if (_head - _tail > Ahead && _ring[(_head - 1 - Ahead) & (RingSize - 1)] is { Plain: true } middle) _names.HintEntries(middle.Names);
        if (_head - _tail == RingSize) Row(data, _tail++, chunk);
    }

    private void Row(ReadOnlySpan<byte> data, int at, RowChunk chunk)
    {
        ref var p = ref _ring[at & (RingSize - 1)];
        var line = data[p.LineStart..p.LineEnd];
        if (!p.Plain || !TryRow(line, ref p, chunk)) Slow(line, p.Index, chunk);
    }

    /// <summary>The line's known fields as positions; false when it is not one object or a value must go the slow way.</summary>
    private static bool Tokens(ReadOnlySpan<byte> line, int[] starts, int[] lengths)
    {
        Array.Fill(lengths, -1);
        try
        {
            var reader = new Utf8JsonReader(line, JsonLine.Options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueIsEscaped) return false;
                var id = RawFields.Find(reader.ValueSpan);
                reader.Read();
                switch (reader.TokenType)
                {
                    case JsonTokenType.String when id >= 0:
                        if (reader.ValueIsEscaped && ((RowFields >> id & 1) != 0 || CommonRow.TooLong(reader.ValueSpan))) return false;
                        (starts[id], lengths[id]) = ((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
                        break;
                    case JsonTokenType.Number when id >= 0:
                        // Taken as spelled ("5", "2.0"), as the slow reader takes a number for a text field.
                        (starts[id], lengths[id]) = ((int)reader.TokenStartIndex, reader.ValueSpan.Length);
                        break;
                    case JsonTokenType.Null when id >= 0:
                        lengths[id] = -1;
                        break;
                    case JsonTokenType.String or JsonTokenType.Number or JsonTokenType.Null:
                        break;
                    default:
                        // true/false (rare) for a known field, or an object or array for one: the slow reader decides.
                        if (id >= 0) return false;
                        reader.Skip();
                        break;
                }
            }
            // Anything after the closing brace other than blanks makes the reader throw here.
            while (reader.Read()) { }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private bool TryRow(ReadOnlySpan<byte> line, ref Pending p, RowChunk chunk)
    {
        var type = Cell(line, RawFields.Type, p);
        if (!type.SequenceEqual("message"u8) && !type.SequenceEqual("rating"u8)) return false;
        for (var f = 0; f < FieldCount; f++)
            if (p.Length[f] > 0 && CommonRow.TooLong(line.Slice(p.Start[f], p.Length[f]))) return false;
        var eventId = Cell(line, RawFields.Id, p);
        var shop = Cell(line, RawFields.Shop, p);
        var conversation = Cell(line, RawFields.Conversation, p);
        var agent = Cell(line, RawFields.Agent, p);
        var reason = Cell(line, RawFields.Reason, p);
        if (!CommonRow.TryRow(type, eventId, shop, conversation, agent, reason, Cell(line, RawFields.At, p), Cell(line, RawFields.Sender, p),
                Cell(line, RawFields.Kind, p), Cell(line, RawFields.Satisfaction, p), Cell(line, RawFields.Stars, p), out var row)) return false;
        _names.Place(chunk, row, _names.Shop(shop, p.Names.ShopHash), agent.IsEmpty ? default : _names.Agent(agent, p.Names.AgentHash), reason, eventId, conversation);
        return true;
    }

    /// <summary>A field's bytes; empty when absent, null or "" (all three are "not given" to the event parser).</summary>
    private static ReadOnlySpan<byte> Cell(ReadOnlySpan<byte> line, int field, in Pending p) =>
        p.Length[field] > 0 ? line.Slice(p.Start[field], p.Length[field]) : default;

    /// <summary>The sequential reader's way; <paramref name="index"/> is the line's place in the chunk (the reader adds the chunk's first line).</summary>
    private void Slow(ReadOnlySpan<byte> line, int index, RowChunk chunk)
    {
        _raw.Clear();
        var item = _json.TryFill(line, _raw, out var field, out var reason)
            ? RawFields.Parse(_raw, chunk.File, index)
            : ReadItem.Reject(chunk.File, index, field, reason!);
        _names.Place(chunk, item);
    }
}
