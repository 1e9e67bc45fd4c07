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
    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 };
    private const int FieldCount = RawFields.Capacity + 1;

    /// <summary>
    /// The fields a row is built from: such a value must be taken as it is spelled, so an escaped one goes the slow way.
    /// Any other known field (text, customer, order…) is only checked for its length, which unescaping can only shorten.
    /// </summary>
    private const int RowFields = 1 << RawFields.Type | 1 << RawFields.Id | 1 << RawFields.Shop | 1 << RawFields.At | 1 << RawFields.Conversation
        | 1 << RawFields.Sender | 1 << RawFields.Agent | 1 << RawFields.Kind | 1 << RawFields.Satisfaction | 1 << RawFields.Stars | 1 << RawFields.Reason;

    private readonly ParserNames _names = new(names, parts);
    private readonly JsonLine _json = new();
    private readonly RawEvent _raw = new();
    // A known field's value in the line: where it starts and how many bytes (-1: absent or null).
    private readonly int[] _start = new int[FieldCount];
    private readonly int[] _length = new int[FieldCount];

    public void Parse(RowChunk chunk)
    {
        var data = ChunkParser.Load(chunk);
        // Checked once for the chunk (a line's strings are then valid UTF-8, and decoding them cannot differ from the
        // reader's); a chunk with bad bytes checks line by line and sends those lines the slow way.
        var valid = Utf8.IsValid(data);
        int index = 0, start = 0;
        while (start < data.Length)
        {
            var nl = data[start..].IndexOf((byte)'\n');
            var end = nl < 0 ? data.Length : start + nl;
            var line = data[start..end];
            // Physical line 1 of the file (a JSON Lines file has no header: a chunk at offset 0 starts with it).
            if (index == 0 && chunk.Start == 0 && line.StartsWith("\uFEFF"u8)) line = line[3..];
            if (line.EndsWith("\r"u8)) line = line[..^1];
            if (!line.Trim(" \t"u8).IsEmpty)
            {
                chunk.Records++;
                if (!(valid || Utf8.IsValid(line)) || !TryRow(line, chunk)) Slow(line, index, chunk);
            }
            index++;
            start = end + 1;
        }
        chunk.Lines = index;
    }

    private bool TryRow(ReadOnlySpan<byte> line, RowChunk chunk)
    {
        Array.Fill(_length, -1);
        try
        {
            var reader = new Utf8JsonReader(line, Options);
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
                        (_start[id], _length[id]) = ((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
                        break;
                    case JsonTokenType.Number when id >= 0:
                        // Taken as spelled ("5", "2.0"), as the slow reader takes a number for a text field.
                        (_start[id], _length[id]) = ((int)reader.TokenStartIndex, reader.ValueSpan.Length);
                        break;
                    case JsonTokenType.Null when id >= 0:
                        _length[id] = -1;
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
        }
        catch (JsonException)
        {
            return false;
        }

        var type = Cell(line, RawFields.Type);
        if (!type.SequenceEqual("message"u8) && !type.SequenceEqual("rating"u8)) return false;
        for (var f = 0; f < FieldCount; f++)
            if (_length[f] > 0 && CommonRow.TooLong(line.Slice(_start[f], _length[f]))) return false;
        var eventId = Cell(line, RawFields.Id);
        var shop = Cell(line, RawFields.Shop);
        var conversation = Cell(line, RawFields.Conversation);
        var agent = Cell(line, RawFields.Agent);
        var reason = Cell(line, RawFields.Reason);
        if (!CommonRow.PlainNames(eventId, shop, conversation, agent, reason)) return false;
        if (!CommonRow.TryAt(Cell(line, RawFields.At), out var ticks)) return false;
        if (!CommonRow.TryTyped(type, Cell(line, RawFields.Sender), Cell(line, RawFields.Kind), Cell(line, RawFields.Satisfaction),
                Cell(line, RawFields.Stars), !conversation.IsEmpty, ticks, out var row)) return false;
        _names.Place(chunk, row, _names.Shop(shop), agent.IsEmpty ? default : _names.Agent(agent), reason, eventId, conversation);
        return true;
    }

    /// <summary>A field's bytes; empty when absent, null or "" (all three are "not given" to the event parser).</summary>
    private ReadOnlySpan<byte> Cell(ReadOnlySpan<byte> line, int field) =>
        _length[field] > 0 ? line.Slice(_start[field], _length[field]) : default;

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
