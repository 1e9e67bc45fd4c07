using System.Globalization;
using System.Text;
using KefuScore.Engine.Events;

namespace KefuScore.App.Writing;

/// <summary>
/// CSV (SPEC §3, RFC 4180): a header row of <see cref="RawEvent.FieldNames"/>, CRLF line ends, UTF-8 without
/// a byte-order mark; a value is quoted when it holds a comma, a quote, a line break or edge spaces, with
/// quotes doubled; an absent field is an empty cell.
/// </summary>
public static class CsvEventWriter
{
    private const string LineEnd = "\r\n";

    /// <summary>Writes the header and every event to <paramref name="stream"/>; returns how many events were written.</summary>
    public static long Write(Stream stream, IEnumerable<ChatEvent> events)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(events);
        using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true);
        writer.Write(string.Join(',', RawEvent.FieldNames));
        writer.Write(LineEnd);
        Span<char> scratch = stackalloc char[EventFields.AtMaxLength + 8];
        long count = 0;
        foreach (var e in events)
        {
            WriteRow(writer, e, scratch);
            count++;
        }
        writer.Flush();
        return count;
    }

    private static void WriteRow(StreamWriter writer, ChatEvent e, Span<char> scratch)
    {
        var first = true;
        foreach (var field in EventFields.InFileOrder)
        {
            if (!first) writer.Write(',');
            first = false;
            if (field == EventField.At)
            {
                writer.Write(scratch[..EventFields.FormatAt(e, scratch)]);
            }
            else if (EventFields.IsNumber(field))
            {
                var n = EventFields.Number(e, field);
                if (n != 0 && n.TryFormat(scratch, out var written, provider: CultureInfo.InvariantCulture)) writer.Write(scratch[..written]);
            }
            else if (EventFields.Text(e, field) is { } text)
            {
                WriteCell(writer, text);
            }
        }
        writer.Write(LineEnd);
    }

    private static void WriteCell(StreamWriter writer, string value)
    {
        if (!NeedsQuotes(value))
        {
            writer.Write(value);
            return;
        }
        writer.Write('"');
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '"') continue;
            writer.Write(value.AsSpan(start, i + 1 - start));
            writer.Write('"');
            start = i + 1;
        }
        writer.Write(value.AsSpan(start));
        writer.Write('"');
    }

    private static bool NeedsQuotes(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]);
}
