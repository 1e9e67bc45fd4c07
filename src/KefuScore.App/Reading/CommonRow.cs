using System.Text;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;

namespace KefuScore.App.Reading;

/// <summary>
/// The typed part of a row in the common shape (a message or a rating with plain values), decided from its cells as
/// characters or as UTF-8 bytes: the one rule the CSV and Parquet row readers share. False sends the line to <see cref="RawFields.Parse"/>,
/// so anything unusual is accepted or rejected exactly as the string path does.
/// </summary>
internal static class CommonRow
{
    /// <summary>True when the trimmed value would differ (EventParser trims): such a line takes the string path.</summary>
    public static bool Untrimmed(ReadOnlySpan<char> v) => !v.IsEmpty && (char.IsWhiteSpace(v[0]) || char.IsWhiteSpace(v[^1]));

    /// <summary>The name cells a common row may hold as they are: an id and a shop, none with ends EventParser would trim.</summary>
    public static bool PlainNames(ReadOnlySpan<char> id, ReadOnlySpan<char> shop, ReadOnlySpan<char> conversation, ReadOnlySpan<char> agent, ReadOnlySpan<char> reason) =>
        !id.IsEmpty && !shop.IsEmpty && !Untrimmed(id) && !Untrimmed(shop) && !Untrimmed(conversation) && !Untrimmed(agent) && !Untrimmed(reason);

    /// <summary><see cref="PlainNames(ReadOnlySpan{char}, ReadOnlySpan{char}, ReadOnlySpan{char}, ReadOnlySpan{char}, ReadOnlySpan{char})"/> on UTF-8 cells.</summary>
    public static bool PlainNames(ReadOnlySpan<byte> id, ReadOnlySpan<byte> shop, ReadOnlySpan<byte> conversation, ReadOnlySpan<byte> agent, ReadOnlySpan<byte> reason) =>
        !id.IsEmpty && !shop.IsEmpty && !Untrimmed(id) && !Untrimmed(shop) && !Untrimmed(conversation) && !Untrimmed(agent) && !Untrimmed(reason);

    public static bool TryTyped(ReadOnlySpan<char> type, ReadOnlySpan<char> sender, ReadOnlySpan<char> kind, ReadOnlySpan<char> satisfaction,
        ReadOnlySpan<char> starsText, bool hasConversation, long ticks, out EventRow row)
    {
        row = default;
        var isMessage = type.SequenceEqual("message");
        if (!isMessage && !type.SequenceEqual("rating")) return false;
        byte stars = 0;
        if (!starsText.IsEmpty)
        {
            if (starsText.Length != 1 || starsText[0] is < '1' or > '5') return false;
            stars = (byte)(starsText[0] - '0');
        }
        row = new EventRow { Ticks = ticks, Stars = stars, ConversationStart = -1, ConversationLength = -1 };
        if (isMessage)
        {
            if (!hasConversation) return false;
            row.Type = EventType.Message;
            row.Sender = sender.SequenceEqual("customer") ? Sender.Customer : sender.SequenceEqual("agent") ? Sender.Agent
                : sender.SequenceEqual("bot") ? Sender.Bot : sender.SequenceEqual("system") ? Sender.System : Sender.None;
            if (row.Sender == Sender.None) return false;
            if (!kind.IsEmpty)
            {
                row.Kind = kind.SequenceEqual("text") ? MessageKind.Text : kind.SequenceEqual("image") ? MessageKind.Image
                    : kind.SequenceEqual("card") ? MessageKind.Card : kind.SequenceEqual("welcome") ? MessageKind.Welcome
                    : kind.SequenceEqual("auto") ? MessageKind.Auto : kind.SequenceEqual("assist") ? MessageKind.Assist : (MessageKind)255;
                if (row.Kind == (MessageKind)255) return false;
            }
        }
        else
        {
            row.Type = EventType.Rating;
            if (!satisfaction.IsEmpty)
            {
                row.Satisfaction = satisfaction.SequenceEqual("satisfied") ? Satisfaction.Satisfied : satisfaction.SequenceEqual("neutral") ? Satisfaction.Neutral
                    : satisfaction.SequenceEqual("dissatisfied") ? Satisfaction.Dissatisfied : Satisfaction.None;
                if (row.Satisfaction == Satisfaction.None) return false;
            }
            if (row.Satisfaction == Satisfaction.None && stars == 0) return false;
        }
        return true;
    }

    /// <summary>
    /// A line in the common shape from its UTF-8 cells, the rule the CSV and JSON Lines row parsers share: plain names,
    /// an <c>at</c> read from its bytes, a known type and known values. False sends the line to the string path.
    /// </summary>
    public static bool TryRow(ReadOnlySpan<byte> type, ReadOnlySpan<byte> id, ReadOnlySpan<byte> shop, ReadOnlySpan<byte> conversation,
        ReadOnlySpan<byte> agent, ReadOnlySpan<byte> reason, ReadOnlySpan<byte> at, ReadOnlySpan<byte> sender, ReadOnlySpan<byte> kind,
        ReadOnlySpan<byte> satisfaction, ReadOnlySpan<byte> stars, out EventRow row)
    {
        row = default;
        return PlainNames(id, shop, conversation, agent, reason) && TryAt(at, out var ticks)
            && TryTyped(type, sender, kind, satisfaction, stars, !conversation.IsEmpty, ticks, out row);
    }

    /// <summary>EventParser trims; a cell whose ends are white space (or not ASCII, to keep this simple) takes the string path.</summary>
    public static bool Untrimmed(ReadOnlySpan<byte> v) => !v.IsEmpty && (v[0] >= 0x80 || v[^1] >= 0x80 || char.IsWhiteSpace((char)v[0]) || char.IsWhiteSpace((char)v[^1]));

    /// <summary>More characters than a field may hold (characters never outnumber UTF-8 bytes: counted only for a long cell).</summary>
    public static bool TooLong(ReadOnlySpan<byte> cell) => cell.Length > EventParser.MaxFieldChars && Encoding.UTF8.GetCharCount(cell) > EventParser.MaxFieldChars;

    /// <summary>An <c>at</c> cell in a shape <see cref="Timestamp.TryParseCommon"/> reads, within the event range, as UTC ticks.</summary>
    public static bool TryAt(ReadOnlySpan<byte> at, out long ticks)
    {
        ticks = 0;
        // Read from the bytes (no UTF-16 copy); a cell over 64 bytes still takes the string path, as it did when this
        // copied to a stack buffer of that size, so the rows this accepts are unchanged.
        if (at.Length > 64 || !Timestamp.TryParseCommon(at, out var instant) || !Timestamp.InEventRange(instant)) return false;
        ticks = instant.UtcTicks;
        return true;
    }

    /// <summary><see cref="TryTyped(ReadOnlySpan{char}, ReadOnlySpan{char}, ReadOnlySpan{char}, ReadOnlySpan{char}, ReadOnlySpan{char}, bool, long, out EventRow)"/> on UTF-8 cells.</summary>
    public static bool TryTyped(ReadOnlySpan<byte> type, ReadOnlySpan<byte> sender, ReadOnlySpan<byte> kind, ReadOnlySpan<byte> satisfaction,
        ReadOnlySpan<byte> starsText, bool hasConversation, long ticks, out EventRow row)
    {
        row = default;
        var isMessage = type.SequenceEqual("message"u8);
        if (!isMessage && !type.SequenceEqual("rating"u8)) return false;
        byte stars = 0;
        if (!starsText.IsEmpty)
        {
            if (starsText.Length != 1 || starsText[0] is < (byte)'1' or > (byte)'5') return false;
            stars = (byte)(starsText[0] - '0');
        }
        row = new EventRow { Ticks = ticks, Stars = stars, ConversationStart = -1, ConversationLength = -1 };
        if (isMessage)
        {
            if (!hasConversation) return false;
            row.Type = EventType.Message;
            row.Sender = sender.SequenceEqual("customer"u8) ? Sender.Customer : sender.SequenceEqual("agent"u8) ? Sender.Agent
                : sender.SequenceEqual("bot"u8) ? Sender.Bot : sender.SequenceEqual("system"u8) ? Sender.System : Sender.None;
            if (row.Sender == Sender.None) return false;
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
            if (!satisfaction.IsEmpty)
            {
                row.Satisfaction = satisfaction.SequenceEqual("satisfied"u8) ? Satisfaction.Satisfied : satisfaction.SequenceEqual("neutral"u8) ? Satisfaction.Neutral
                    : satisfaction.SequenceEqual("dissatisfied"u8) ? Satisfaction.Dissatisfied : Satisfaction.None;
                if (row.Satisfaction == Satisfaction.None) return false;
            }
            if (row.Satisfaction == Satisfaction.None && stars == 0) return false;
        }
        return true;
    }
}
