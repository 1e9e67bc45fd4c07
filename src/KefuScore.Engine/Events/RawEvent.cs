using KefuScore.Engine.Text;

namespace KefuScore.Engine.Events;

/// <summary>
/// One input record as text, before validation: readers of every format (JSONL, CSV, XLSX, Parquet,
/// HTTP) fill it, <see cref="EventParser"/> turns it into a <see cref="ChatEvent"/> or a <see cref="FieldError"/>.
/// Reused between lines by readers: call <see cref="Clear"/> first.
/// </summary>
public sealed class RawEvent
{
    public string? Type { get; set; }
    public string? Id { get; set; }
    public string? Shop { get; set; }
    public string? At { get; set; }
    public string? Conversation { get; set; }
    public string? Customer { get; set; }
    public string? Sender { get; set; }
    public string? Agent { get; set; }
    public string? Kind { get; set; }
    public string? Text { get; set; }
    public string? Satisfaction { get; set; }
    public string? Stars { get; set; }
    public string? Reason { get; set; }
    public string? Order { get; set; }
    public string? Media { get; set; }
    public string? Category { get; set; }
    public string? Action { get; set; }
    public string? Status { get; set; }
    public string? Capacity { get; set; }

    /// <summary>The SPEC §3 field names, in the order CSV writers use.</summary>
    public static IReadOnlyList<string> FieldNames { get; } =
    [
        "type", "id", "shop", "at", "conversation", "customer", "sender", "agent", "kind", "text",
        "satisfaction", "stars", "reason", "order", "media", "category", "action", "status", "capacity",
    ];

    /// <summary>Sets a field by its SPEC name; returns false for a name the format does not know (kept but ignored).</summary>
    public bool Set(string name, string? value)
    {
        switch (name)
        {
            case "type": Type = value; break;
            case "id": Id = value; break;
            case "shop": Shop = value; break;
            case "at": At = value; break;
            case "conversation": Conversation = value; break;
            case "customer": Customer = value; break;
            case "sender": Sender = value; break;
            case "agent": Agent = value; break;
            case "kind": Kind = value; break;
            case "text": Text = value; break;
            case "satisfaction": Satisfaction = value; break;
            case "stars": Stars = value; break;
            case "reason": Reason = value; break;
            case "order": Order = value; break;
            case "media": Media = value; break;
            case "category": Category = value; break;
            case "action": Action = value; break;
            case "status": Status = value; break;
            case "capacity": Capacity = value; break;
            default: return false;
        }
        return true;
    }

    public string? Get(string name) => name switch
    {
        "type" => Type, "id" => Id, "shop" => Shop, "at" => At, "conversation" => Conversation,
        "customer" => Customer, "sender" => Sender, "agent" => Agent, "kind" => Kind, "text" => Text,
        "satisfaction" => Satisfaction, "stars" => Stars, "reason" => Reason, "order" => Order,
        "media" => Media, "category" => Category, "action" => Action, "status" => Status,
        "capacity" => Capacity, _ => null,
    };

    public void Clear()
    {
        Type = Id = Shop = At = Conversation = Customer = Sender = Agent = Kind = Text = null;
        Satisfaction = Stars = Reason = Order = Media = Category = Action = Status = Capacity = null;
    }
}

/// <summary>Why one input record was rejected: the field at fault and the reason as a code with arguments.</summary>
public readonly record struct FieldError(string Field, Msg Text)
{
    /// <summary>A reason said in English only (mapped imports, the command line's own checks).</summary>
    public FieldError(string field, string reason) : this(field, new Msg(Codes.Untranslated, reason)) { }

    /// <summary>The reason in the command line's English (the API's <c>reason</c>).</summary>
    public string Reason => Text is null ? "" : EnglishText.Render(Text); // default(FieldError): no error
}

/// <summary>
/// A rejected record with its place: file (or request), 1-based line, field and reason as a code with arguments,
/// which the dashboard renders in its reader's language; <see cref="Reason"/> is the CLI's and the API's English.
/// </summary>
public sealed record RejectedLine(string File, long Line, string Field, Msg Text)
{
    public RejectedLine(string file, long line, string field, string reason) : this(file, line, field, new Msg(Codes.Untranslated, reason)) { }

    public string Reason => EnglishText.Render(Text);
}
