using KefuScore.Engine.Events;

namespace KefuScore.App.Writing;

/// <summary>The columns of the interchange format (SPEC §3), in <see cref="RawEvent.FieldNames"/> order.</summary>
internal enum EventField
{
    Type, Id, Shop, At, Conversation, Customer, Sender, Agent, Kind, Text,
    Satisfaction, Stars, Reason, Order, Media, Category, Action, Status, Capacity,
}

/// <summary>
/// A <see cref="ChatEvent"/> field by field as the writers put it in a file: text values, numbers and the time.
/// Absent and default values (null or empty text, stars or capacity 0, kind <c>text</c>) come back as null or 0,
/// exactly what <see cref="EventParser"/> turns an absent field into, so writing and parsing again round-trips.
/// </summary>
internal static class EventFields
{
    /// <summary>ISO 8601 with the event's own offset, seconds fraction only when there is one.</summary>
    public const string AtFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz";

    /// <summary>Longest <see cref="AtFormat"/> text: 19 + 8 + 6 characters.</summary>
    public const int AtMaxLength = 33;

    /// <summary>The fields in file order, taken from <see cref="RawEvent.FieldNames"/> so the two cannot drift apart.</summary>
    public static IReadOnlyList<EventField> InFileOrder { get; } = RawEvent.FieldNames.Select(FromName).ToArray();

    private static readonly string[] TypeNames = Enum.GetValues<EventType>().Select(EventParser.TypeName).ToArray();

    public static string Name(EventField field) => RawEvent.FieldNames[(int)field];

    /// <summary>True for the fields written as JSON numbers.</summary>
    public static bool IsNumber(EventField field) => field is EventField.Stars or EventField.Capacity;

    /// <summary>Stars or capacity; 0 means absent.</summary>
    public static int Number(ChatEvent e, EventField field) => field switch
    {
        EventField.Stars => e.Stars,
        EventField.Capacity => e.Capacity,
        _ => 0,
    };

    /// <summary>Writes <see cref="ChatEvent.At"/> into <paramref name="destination"/>; returns the characters written.</summary>
    public static int FormatAt(ChatEvent e, Span<char> destination)
    {
        if (!e.At.TryFormat(destination, out var written, AtFormat, System.Globalization.CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"cannot format the time of {e}");
        return written;
    }

    /// <summary>A text field's value, or null when absent (use <see cref="FormatAt"/> and <see cref="Number"/> for the others).</summary>
    public static string? Text(ChatEvent e, EventField field)
    {
        var value = field switch
        {
            EventField.Type => TypeNames[(int)e.Type],
            EventField.Id => e.Id,
            EventField.Shop => e.Shop,
            EventField.Conversation => e.Conversation,
            EventField.Customer => e.Customer,
            EventField.Sender => SenderName(e.Sender),
            EventField.Agent => e.Agent,
            // The parser keeps an after-sale's kind (refund, return, exchange) in Category.
            EventField.Kind => e.Type == EventType.Aftersale ? e.Category : e.Type == EventType.Message ? KindName(e.Kind) : null,
            EventField.Text => e.Text,
            EventField.Satisfaction => SatisfactionName(e.Satisfaction),
            EventField.Reason => e.Reason,
            EventField.Order => e.Order,
            EventField.Media => e.Media,
            EventField.Category => e.Type == EventType.Aftersale ? null : e.Category,
            EventField.Action => e.Action,
            EventField.Status => e.Status,
            _ => null,
        };
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static string? SenderName(Sender sender) => sender switch
    {
        Sender.Customer => "customer",
        Sender.Agent => "agent",
        Sender.Bot => "bot",
        Sender.System => "system",
        _ => null,
    };

    private static string? KindName(MessageKind kind) => kind switch
    {
        MessageKind.Image => "image",
        MessageKind.Card => "card",
        MessageKind.Welcome => "welcome",
        MessageKind.Auto => "auto",
        MessageKind.Assist => "assist",
        _ => null, // text is the default
    };

    private static string? SatisfactionName(Satisfaction satisfaction) => satisfaction switch
    {
        Satisfaction.Satisfied => "satisfied",
        Satisfaction.Neutral => "neutral",
        Satisfaction.Dissatisfied => "dissatisfied",
        _ => null,
    };

    private static EventField FromName(string name) =>
        Enum.TryParse<EventField>(name.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var field)
        && string.Equals(RawEvent.FieldNames[(int)field], name, StringComparison.Ordinal)
            ? field
            : throw new InvalidOperationException($"RawEvent field '{name}' has no writer column");
}
