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
    // The common shape's lines look names up by their bytes first: no decoding, no string compared elsewhere in the heap.
    private readonly Utf8Names<ParserNames.ShopName> _shopBytes = new();
    private readonly Utf8Names<string> _agentBytes = new();
    private readonly RawEvent _raw = new();
    private char[] _scratch = new char[256];
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

    /// <summary>EventParser trims; a cell whose ends are white space (or not ASCII, to keep this simple) takes the string path.</summary>
    private static bool Untrimmed(ReadOnlySpan<byte> v) => !v.IsEmpty && (v[0] >= 0x80 || v[^1] >= 0x80 || char.IsWhiteSpace((char)v[0]) || char.IsWhiteSpace((char)v[^1]));

    private bool TryRow(ReadOnlySpan<byte> line, int count, RowChunk chunk)
    {
        var type = Cell(line, RawFields.Type, count);
        var isMessage = type.SequenceEqual("message"u8);
        if (!isMessage && !type.SequenceEqual("rating"u8)) return false;
        var fields = _header.Fields;
        for (var i = Math.Min(count, fields.Length) - 1; i >= 0; i--)
        {
            if (fields[i] < 0) continue;
            var cell = line[_cells[i]];
            // Characters never outnumber UTF-8 bytes: count them only for a long cell.
            if (cell.Length > EventParser.MaxFieldChars && Encoding.UTF8.GetCharCount(cell) > EventParser.MaxFieldChars) return false;
        }
        var id = Cell(line, RawFields.Id, count);
        var shop = Cell(line, RawFields.Shop, count);
        var conversation = Cell(line, RawFields.Conversation, count);
        var agent = Cell(line, RawFields.Agent, count);
        var reason = Cell(line, RawFields.Reason, count);
        if (id.IsEmpty || shop.IsEmpty || Untrimmed(id) || Untrimmed(shop) || Untrimmed(conversation) || Untrimmed(agent) || Untrimmed(reason)) return false;
        var atBytes = Cell(line, RawFields.At, count);
        if (atBytes.Length > 64 || !System.Text.Ascii.IsValid(atBytes)) return false;
        Span<char> atChars = stackalloc char[atBytes.Length];
        System.Text.Ascii.ToUtf16(atBytes, atChars, out _);
        if (!Timestamp.TryParseCommon(atChars, out var at) || !Timestamp.InEventRange(at)) return false;
        var starsText = Cell(line, RawFields.Stars, count);
        byte stars = 0;
        if (!starsText.IsEmpty)
        {
            if (starsText.Length != 1 || starsText[0] is < (byte)'1' or > (byte)'5') return false;
            stars = (byte)(starsText[0] - '0');
        }
        var row = new EventRow { Ticks = at.UtcTicks, Stars = stars, ConversationStart = -1, ConversationLength = -1 };
        if (isMessage)
        {
            if (conversation.IsEmpty) return false;
            row.Type = EventType.Message;
            var sender = Cell(line, RawFields.Sender, count);
            row.Sender = sender.SequenceEqual("customer"u8) ? Sender.Customer : sender.SequenceEqual("agent"u8) ? Sender.Agent
                : sender.SequenceEqual("bot"u8) ? Sender.Bot : sender.SequenceEqual("system"u8) ? Sender.System : Sender.None;
            if (row.Sender == Sender.None) return false;
            var kind = Cell(line, RawFields.Kind, count);
            if (!kind.IsEmpty)
            {
                row.Kind = kind.SequenceEqual("text"u8) ? MessageKind.Text : kind.SequenceEqual("image"u8) ? MessageKind.Image
                    : kind.SequenceEqual("card"u8) ? MessageKind.Card : kind.SequenceEqual("welcome"u8) ? MessageKind.Welcome
                    : kind.SequenceEqual("auto"u8) ? MessageKind.Auto : kind.SequenceEqual("assist"u8) ? MessageKind.Assist : (MessageKind)255;
                if (row.Kind == (MessageKind)255) return false;
            }
        }
        else
        {
            row.Type = EventType.Rating;
            var satisfaction = Cell(line, RawFields.Satisfaction, count);
            if (!satisfaction.IsEmpty)
            {
                row.Satisfaction = satisfaction.SequenceEqual("satisfied"u8) ? Satisfaction.Satisfied : satisfaction.SequenceEqual("neutral"u8) ? Satisfaction.Neutral
                    : satisfaction.SequenceEqual("dissatisfied"u8) ? Satisfaction.Dissatisfied : Satisfaction.None;
                if (row.Satisfaction == Satisfaction.None) return false;
            }
            if (row.Satisfaction == Satisfaction.None && stars == 0) return false;
        }
        var name = Shop(shop);
        row.Shop = name.Shop;
        row.ShopIndex = name.Index;
        if (!agent.IsEmpty) row.Agent = Agent(agent);
        if (!reason.IsEmpty) row.Reason = names.Reason(Chars(reason));
        var part = chunk.Parts[name.Part];
        (row.IdStart, row.IdLength) = Append(id, part);
        if (!conversation.IsEmpty) (row.ConversationStart, row.ConversationLength) = Append(conversation, part);
        part.Add(row);
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

    private ReadOnlySpan<char> Chars(ReadOnlySpan<byte> utf8)
    {
        if (_scratch.Length < utf8.Length) _scratch = new char[Math.Max(utf8.Length, _scratch.Length * 2)];
        var n = Encoding.UTF8.GetChars(utf8, _scratch);
        return _scratch.AsSpan(0, n);
    }

    private static (int Start, int Length) Append(ReadOnlySpan<byte> utf8, RowPart part)
    {
        if (part.Used + utf8.Length > part.Chars.Length) Array.Resize(ref part.Chars, Math.Max(part.Chars.Length * 2, part.Used + utf8.Length));
        var n = Encoding.UTF8.GetChars(utf8, part.Chars.AsSpan(part.Used));
        var start = part.Used;
        part.Used += n;
        return (start, n);
    }

    private ParserNames.ShopName Shop(ReadOnlySpan<byte> utf8)
    {
        if (_shopBytes.TryGet(utf8, out var hash, out var known)) return known;
        var name = _names.Shop(Chars(utf8));
        _shopBytes.Add(utf8, hash, name);
        return name;
    }

    private string Agent(ReadOnlySpan<byte> utf8)
    {
        if (_agentBytes.TryGet(utf8, out var hash, out var known)) return known;
        var agent = _names.Agent(Chars(utf8));
        _agentBytes.Add(utf8, hash, agent);
        return agent;
    }
}
