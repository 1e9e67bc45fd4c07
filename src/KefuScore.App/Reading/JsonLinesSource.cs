using System.Buffers;
using KefuScore.Engine.Events;

namespace KefuScore.App.Reading;

/// <summary>
/// JSON Lines: splits the byte stream on '\n' in a pooled buffer and hands each line to <see cref="JsonLine"/>.
/// Lines are numbered physically (1-based, empty lines counted, then skipped).
/// </summary>
internal sealed class JsonLinesSource : IEventSource
{
    /// <summary>A longer line is almost certainly not JSON Lines (a whole JSON array, a binary file); it is rejected, not buffered.</summary>
    internal const int MaxLineBytes = 16 << 20;

    private readonly Stream _stream;
    private readonly string _name;
    private readonly RawEvent _raw = new();
    private readonly JsonLine _parser = new();
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
    private int _start, _end, _scanned;
    private bool _eof, _skipping;
    private long _line;

    /// <param name="linesBefore">Lines of the file before the stream's position (a reader resumed mid-file at a line's start).</param>
    public JsonLinesSource(Stream stream, string name, long linesBefore = 0)
    {
        _stream = stream;
        _name = name;
        _line = linesBefore;
    }

    public long Line => _line;

    public bool Next(out ReadItem item)
    {
        while (true)
        {
            var status = NextLine(out var line);
            if (status == LineStatus.End) { item = default; return false; }
            _line++;
            if (status == LineStatus.TooLong)
            {
                item = ReadItem.Reject(_name, _line, "", new Engine.Text.Msg(Engine.Text.Codes.JsonTooLong, MaxLineBytes >> 20));
                return true;
            }
            if (_line == 1 && line.StartsWith("\uFEFF"u8)) line = line[3..];
            if (line.EndsWith("\r"u8)) line = line[..^1];
            if (line.Trim(" \t"u8).IsEmpty) continue;

            _raw.Clear();
            if (!_parser.TryFill(line, _raw, out var field, out var reason))
                item = ReadItem.Reject(_name, _line, field, reason!);
            else
                item = RawFields.Parse(_raw, _name, _line);
            return true;
        }
    }

    private enum LineStatus { Line, TooLong, End }

    private LineStatus NextLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var nl = _buffer.AsSpan(_scanned, _end - _scanned).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                var stop = _scanned + nl;
                line = _buffer.AsSpan(_start, stop - _start);
                _start = _scanned = stop + 1;
                if (!_skipping) return LineStatus.Line;
                // The tail of an over-long line, already reported.
                _skipping = false;
                continue;
            }
            _scanned = _end;
            if (_eof)
            {
                line = _buffer.AsSpan(_start, _end - _start);
                var had = _start < _end && !_skipping;
                _start = _scanned = _end;
                _skipping = false;
                if (had) return LineStatus.Line;
                return LineStatus.End;
            }
            if (!Fill()) continue;
            // Buffer full at the cap: report the line once and drop bytes until its end.
            line = default;
            var first = !_skipping;
            _skipping = true;
            _start = _scanned = _end = 0;
            if (first) return LineStatus.TooLong;
        }
    }

    /// <summary>Reads more bytes; returns true when the current line fills a buffer of <see cref="MaxLineBytes"/>.</summary>
    private bool Fill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _scanned -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxLineBytes) return true;
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, MaxLineBytes));
            _buffer.AsSpan(0, _end).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        var n = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0) _eof = true;
        _end += n;
        return false;
    }

    public void Dispose()
    {
        var b = _buffer;
        _buffer = [];
        if (b.Length > 0) ArrayPool<byte>.Shared.Return(b);
    }
}
