namespace KefuScore.App.Reading.Mapping;

/// <summary>
/// Keeps carriage returns that are not line ends inside their field. Sylvan ends a record at any CR, LF or CRLF, so a
/// bare CR typed into an unquoted field (twcs tweet 3399: <c>@AskPayPal \r\rI just love…</c>) would split one record
/// into three. The first line break of the file decides: if it is LF or CRLF, a later CR not followed by LF is data and
/// is handed to Sylvan as <see cref="Placeholder"/>, which <see cref="Restore"/> turns back into CR; if the first line
/// break is a lone CR (old Mac files), CRs end lines and nothing is changed.
/// </summary>
internal sealed class LoneCrReader(TextReader inner) : TextReader
{
    /// <summary>U+FFFF is a Unicode noncharacter, never valid in text; one found in the input is read as U+FFFD.</summary>
    public const char Placeholder = '\uFFFF';

    private readonly char[] _buffer = new char[1 << 16];
    private int _pos, _len;
    private bool _eof;
    private bool? _lfEndsLines;

    public static string Restore(string cell) => cell.Contains(Placeholder, StringComparison.Ordinal) ? cell.Replace(Placeholder, '\r') : cell;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        var n = 0;
        while (n < buffer.Length)
        {
            // Keep one character of look-ahead so that a CR at the end of a chunk can see whether LF follows.
            if (_len - _pos < 2 && !_eof) Fill();
            if (_pos == _len) break;
            var c = _buffer[_pos++];
            if (c == '\r')
            {
                var crlf = _pos < _len && _buffer[_pos] == '\n';
                _lfEndsLines ??= crlf;
                buffer[n++] = crlf || _lfEndsLines == false || _pos == _len ? '\r' : Placeholder;
            }
            else
            {
                if (c == '\n') _lfEndsLines ??= true;
                buffer[n++] = c == Placeholder ? '\uFFFD' : c;
            }
        }
        return n;
    }

    public override int Read()
    {
        Span<char> one = stackalloc char[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    public override int Peek() => throw new NotSupportedException("the CSV reader does not peek");

    private void Fill()
    {
        if (_pos > 0)
        {
            Array.Copy(_buffer, _pos, _buffer, 0, _len - _pos);
            _len -= _pos;
            _pos = 0;
        }
        while (_len < _buffer.Length)
        {
            var read = inner.Read(_buffer, _len, _buffer.Length - _len);
            if (read == 0) { _eof = true; break; }
            _len += read;
            if (_len >= 2) break;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
