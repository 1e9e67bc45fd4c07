using KefuScore.Engine.Events;

namespace KefuScore.App.Reading;

/// <summary>
/// SPEC §3 field names as small integers (the order of <see cref="RawEvent.FieldNames"/>), so that readers
/// resolve a column or property name once and then set values without comparing strings on every record.
/// </summary>
internal static class RawFields
{
    public const int Type = 0, Id = 1, Shop = 2, At = 3, Conversation = 4, Customer = 5, Sender = 6, Agent = 7, Kind = 8, Text = 9,
        Satisfaction = 10, Stars = 11, Reason = 12, Order = 13, Media = 14, Category = 15, Action = 16, Status = 17, Capacity = 18;

    public static string Name(int id) => RawEvent.FieldNames[id];

    /// <summary>
    /// Fields whose values repeat across lines (shops, agents, conversations, enumerations) and are worth pooling;
    /// ids, times, texts and orders are mostly unique.
    /// </summary>
    public static bool IsRepetitive(int id) => id is Type or Shop or Conversation or Customer or Sender or Agent or Kind
        or Satisfaction or Stars or Media or Category or Action or Status or Capacity;

    /// <summary>
    /// Resolves a header cell. Trimmed and case-insensitive because CSV and Excel headers are often typed by hand;
    /// returns -1 for a column the format does not know (kept but ignored, SPEC §3).
    /// </summary>
    public static int FindHeader(string? header)
    {
        if (header is null) return -1;
        var name = header.AsSpan().Trim().TrimStart('\uFEFF');
        var names = RawEvent.FieldNames;
        for (var i = 0; i < names.Count; i++)
            if (name.Equals(names[i], StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    /// <summary>Resolves a JSON property name from its UTF-8 bytes, exactly as SPEC §3 spells it.</summary>
    public static int Find(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 => name.SequenceEqual("id"u8) ? Id : name.SequenceEqual("at"u8) ? At : -1,
        4 => name.SequenceEqual("type"u8) ? Type : name.SequenceEqual("shop"u8) ? Shop
            : name.SequenceEqual("kind"u8) ? Kind : name.SequenceEqual("text"u8) ? Text : -1,
        5 => name.SequenceEqual("agent"u8) ? Agent : name.SequenceEqual("stars"u8) ? Stars
            : name.SequenceEqual("order"u8) ? Order : name.SequenceEqual("media"u8) ? Media : -1,
        6 => name.SequenceEqual("sender"u8) ? Sender : name.SequenceEqual("reason"u8) ? Reason
            : name.SequenceEqual("action"u8) ? Action : name.SequenceEqual("status"u8) ? Status : -1,
        8 => name.SequenceEqual("customer"u8) ? Customer : name.SequenceEqual("category"u8) ? Category
            : name.SequenceEqual("capacity"u8) ? Capacity : -1,
        12 => name.SequenceEqual("conversation"u8) ? Conversation : name.SequenceEqual("satisfaction"u8) ? Satisfaction : -1,
        _ => -1,
    };

    public static void Set(RawEvent raw, int id, string? value)
    {
        switch (id)
        {
            case Type: raw.Type = value; break;
            case Id: raw.Id = value; break;
            case Shop: raw.Shop = value; break;
            case At: raw.At = value; break;
            case Conversation: raw.Conversation = value; break;
            case Customer: raw.Customer = value; break;
            case Sender: raw.Sender = value; break;
            case Agent: raw.Agent = value; break;
            case Kind: raw.Kind = value; break;
            case Text: raw.Text = value; break;
            case Satisfaction: raw.Satisfaction = value; break;
            case Stars: raw.Stars = value; break;
            case Reason: raw.Reason = value; break;
            case Order: raw.Order = value; break;
            case Media: raw.Media = value; break;
            case Category: raw.Category = value; break;
            case Action: raw.Action = value; break;
            case Status: raw.Status = value; break;
            case Capacity: raw.Capacity = value; break;
            default: break;
        }
    }

    /// <summary>Validates a filled record and wraps the outcome with its place in the file.</summary>
    public static ReadItem Parse(RawEvent raw, string file, long line)
    {
        var e = EventParser.Parse(raw, out var error);
        return e is not null ? ReadItem.Of(e) : ReadItem.Reject(file, line, error.Field, error.Text);
    }
}
