using KefuScore.Engine.Events;

namespace KefuScore.Engine.Metrics;

/// <summary>
/// What the fold keeps of an event while its conversation is open: the fields analysis reads, in one struct.
/// Open conversations live for a day or more of event time; keeping full events (texts included) would push
/// millions of objects through every garbage-collector generation. Shop and conversation are the key's.
/// </summary>
internal readonly struct SlimEvent
{
    private readonly DateTimeOffset _at;
    private readonly string _id;
    private readonly string? _agent;
    private readonly string? _reason;
    private readonly EventType _type;
    private readonly Sender _sender;
    private readonly MessageKind _kind;
    private readonly byte _stars;
    private readonly Satisfaction _satisfaction;
    private readonly byte _action;

    public SlimEvent(ChatEvent e)
    {
        _at = e.At;
        _id = e.Id;
        _agent = e.Agent;
        _reason = e.Reason;
        _type = e.Type;
        _sender = e.Sender;
        _kind = e.Kind;
        _stars = e.Stars;
        _satisfaction = e.Satisfaction;
        _action = e.Action switch { "opened" => 1, "transferred" => 2, "closed" => 3, _ => 0 };
    }

    public long Ticks => _at.UtcTicks;

    /// <summary>A short-lived event again, for the analysis (literal action strings, no text).</summary>
    public ChatEvent ToEvent(string shop, string conversation) => new()
    {
        Type = _type, Id = _id, Shop = shop, At = _at, Conversation = conversation, Sender = _sender, Agent = _agent,
        Kind = _kind, Stars = _stars, Satisfaction = _satisfaction, Reason = _reason,
        Action = _action switch { 1 => "opened", 2 => "transferred", 3 => "closed", _ => null },
    };
}
