using KefuScore.Engine.Events;

namespace KefuScore.Engine.Metrics;

/// <summary>
/// What the analysis reads of an event, in one struct. Open conversations live for a day or more of event time;
/// keeping full events (texts included) would push millions of objects through every garbage-collector generation,
/// while a list of these is one object per conversation. Shop and conversation are the caller's.
/// </summary>
public readonly struct SlimEvent : IConversationEvent
{
    private readonly byte _action;

    public SlimEvent(ChatEvent e, bool keepSource = false)
    {
        At = e.At;
        Id = e.Id;
        Agent = e.Agent;
        Customer = e.Customer;
        Reason = e.Reason;
        Type = e.Type;
        Sender = e.Sender;
        Kind = e.Kind;
        Stars = e.Stars;
        Satisfaction = e.Satisfaction;
        _action = ActionCode(e.Action);
        Source = keepSource ? e : null;
    }

    /// <summary>From a row: its id lives in the caller's buffer (the reorder buffer orders by it there), so none here.</summary>
    public SlimEvent(in EventRow e)
    {
        At = new DateTimeOffset(e.Ticks, TimeSpan.Zero);
        Id = string.Empty;
        Agent = e.Agent;
        Reason = e.Reason;
        Type = e.Type;
        Sender = e.Sender;
        Kind = e.Kind;
        Stars = e.Stars;
        Satisfaction = e.Satisfaction;
        _action = e.Action;
    }

    /// <summary>From the fold's compact copy (<see cref="StateFold"/>): no id, no customer, no source.</summary>
    internal SlimEvent(long ticks, string? agent, string? reason, EventType type, Sender sender, MessageKind kind, byte stars, Satisfaction satisfaction, byte action)
    {
        At = new DateTimeOffset(ticks, TimeSpan.Zero);
        Id = string.Empty;
        Agent = agent;
        Reason = reason;
        Type = type;
        Sender = sender;
        Kind = kind;
        Stars = stars;
        Satisfaction = satisfaction;
        _action = action;
    }

    internal byte ActionByte => _action;

    internal static byte ActionCode(string? action) => action switch { "opened" => 1, "transferred" => 2, "closed" => 3, _ => 0 };

    public DateTimeOffset At { get; }
    public string Id { get; }
    public string? Agent { get; }
    /// <summary>The buyer who wrote a customer message (for the buyer unit).</summary>
    public string? Customer { get; }
    public string? Reason { get; }
    public EventType Type { get; }
    public Sender Sender { get; }
    public MessageKind Kind { get; }
    public byte Stars { get; }
    public Satisfaction Satisfaction { get; }
    /// <summary>The full event, kept only where a person will read it (explain).</summary>
    public ChatEvent? Source { get; }

    public long Ticks => At.UtcTicks;
    public string? Text => Source?.Text;
    public string? Action => _action switch { 1 => "opened", 2 => "transferred", 3 => "closed", _ => null };
    public bool IsOpened => _action == 1;
    public bool IsTransfer => _action == 2;
    public bool IsClosed => _action == 3;

    public bool IsHumanReply => Type == EventType.Message && Sender == Sender.Agent && Kind is not (MessageKind.Auto or MessageKind.Welcome);

    public bool IsCustomerMessage => Type == EventType.Message && Sender == Sender.Customer;
}
