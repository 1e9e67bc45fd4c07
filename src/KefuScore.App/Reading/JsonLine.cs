using System.Text;
using System.Text.Json;
using KefuScore.Engine.Events;
using KefuScore.Engine.Text;

namespace KefuScore.App.Reading;

/// <summary>
/// Fills a <see cref="RawEvent"/> from one JSON Lines line with <see cref="Utf8JsonReader"/>: no document, no per-line
/// allocation beyond the field strings. Strings, numbers, true/false and null are taken as text; nested values of
/// unknown properties are skipped.
/// </summary>
internal sealed class JsonLine
{
    /// <summary>How a line is read, here and by the chunked reader (<see cref="JsonChunkParser"/>), so both take the same JSON.</summary>
    internal static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 };
    private readonly StringPool _pool = new();

    /// <summary>
    /// False when the line is not one JSON object, or a known field holds an object or array; then
    /// <paramref name="field"/> is "" (the whole line) or the field's name.
    /// </summary>
    public bool TryFill(ReadOnlySpan<byte> line, RawEvent raw, out string field, out Msg? reason)
    {
        field = "";
        reason = null;
        try
        {
            var reader = new Utf8JsonReader(line, Options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                reason = new Msg(Codes.JsonNotObject, Describe(reader.TokenType));
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // Escaped names ("\u0074ype") are legal JSON but rare: unescape them the slow way, still matched exactly.
                var id = reader.ValueIsEscaped ? RawFields.Find(Encoding.UTF8.GetBytes(reader.GetString()!)) : RawFields.Find(reader.ValueSpan);
                reader.Read();
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                    case JsonTokenType.Number:
                        if (id >= 0) RawFields.Set(raw, id, Text(ref reader, id));
                        break;
                    case JsonTokenType.True:
                        if (id >= 0) RawFields.Set(raw, id, "true");
                        break;
                    case JsonTokenType.False:
                        if (id >= 0) RawFields.Set(raw, id, "false");
                        break;
                    case JsonTokenType.Null:
                        if (id >= 0) RawFields.Set(raw, id, null);
                        break;
                    default:
                        if (id >= 0)
                        {
                            field = RawFields.Name(id);
                            reason = new Msg(Codes.JsonValueType, Describe(reader.TokenType));
                            return false;
                        }
                        reader.Skip();
                        break;
                }
            }
            // Anything after the closing brace other than blanks makes the reader throw here.
            while (reader.Read()) { }
            return true;
        }
        catch (JsonException e)
        {
            reason = new Msg(Codes.JsonSyntax, Plain(e.Message), e.BytePositionInLine is { } b ? b + 1 : 0L);
            return false;
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader reports bad UTF-8 inside a string this way.
            reason = new Msg(Codes.JsonUnreadable, e.Message);
            return false;
        }
    }

    private string Text(ref Utf8JsonReader reader, int id)
    {
        var bytes = reader.ValueSpan;
        if (reader.TokenType == JsonTokenType.Number)
        {
            // A number for a text field keeps its exact spelling ("5", "2.0", "1e3"); JSON numbers are ASCII.
            if (bytes.Length > StringPool.MaxLength) return Encoding.ASCII.GetString(bytes);
            Span<char> digits = stackalloc char[bytes.Length];
            for (var i = 0; i < bytes.Length; i++) digits[i] = (char)bytes[i];
            return RawFields.IsRepetitive(id) ? _pool.Get(digits) : new string(digits);
        }
        if (!RawFields.IsRepetitive(id) || bytes.Length > StringPool.MaxLength) return reader.GetString()!;
        // Unescaped UTF-16 is never longer than the escaped UTF-8 it comes from.
        Span<char> chars = stackalloc char[StringPool.MaxLength];
        var n = reader.CopyString(chars);
        return _pool.Get(chars[..n]);
    }

    private static Ref Describe(JsonTokenType token) => new(RefKind.JsonToken, token switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.StartObject => "object",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "bool",
        JsonTokenType.Null => "null",
        _ => "nothing",
    });

    /// <summary>Drops the reader's "LineNumber: 0" suffix: positions within one line mean nothing in the report.</summary>
    private static string Plain(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
