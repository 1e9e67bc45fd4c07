using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using KefuScore.Engine.Events;

namespace KefuScore.App.Writing;

/// <summary>
/// JSON Lines (SPEC §3): one object a line, fields in <see cref="RawEvent.FieldNames"/> order, absent fields
/// left out, <c>stars</c> and <c>capacity</c> as numbers, Chinese text as UTF-8 (not \u escapes).
/// </summary>
public static class JsonLinesEventWriter
{
    private const int FlushAt = 1 << 16;

    private static readonly JsonEncodedText[] Names =
        Enum.GetValues<EventField>().Select(f => JsonEncodedText.Encode(EventFields.Name(f))).ToArray();

    private static readonly JsonWriterOptions Options = new()
    {
        // Relaxed: keeps CJK characters readable; quotes, backslashes and control characters are still escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>Writes every event to <paramref name="stream"/>; returns how many were written.</summary>
    public static long Write(Stream stream, IEnumerable<ChatEvent> events)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(events);
        var buffer = new ArrayBufferWriter<byte>(FlushAt + 4096);
        using var json = new Utf8JsonWriter(buffer, Options);
        Span<char> at = stackalloc char[EventFields.AtMaxLength + 8];
        long count = 0;
        foreach (var e in events)
        {
            WriteObject(json, e, at);
            json.Flush();
            json.Reset();
            buffer.GetSpan(1)[0] = (byte)'\n';
            buffer.Advance(1);
            count++;
            if (buffer.WrittenCount >= FlushAt)
            {
                stream.Write(buffer.WrittenSpan);
                buffer.ResetWrittenCount();
            }
        }
        stream.Write(buffer.WrittenSpan);
        stream.Flush();
        return count;
    }

    private static void WriteObject(Utf8JsonWriter json, ChatEvent e, Span<char> at)
    {
        json.WriteStartObject();
        foreach (var field in EventFields.InFileOrder)
        {
            var name = Names[(int)field];
            if (field == EventField.At)
            {
                json.WriteString(name, at[..EventFields.FormatAt(e, at)]);
            }
            else if (EventFields.IsNumber(field))
            {
                var n = EventFields.Number(e, field);
                if (n != 0) json.WriteNumber(name, n);
            }
            else if (EventFields.Text(e, field) is { } text)
            {
                json.WriteString(name, text);
            }
        }
        json.WriteEndObject();
    }
}
