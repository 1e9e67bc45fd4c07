namespace KefuScore.Engine.Events;

/// <summary>What an event records (SPEC §3 <c>type</c>).</summary>
public enum EventType : byte { Message, Rating, Review, Complaint, Aftersale, Shipment, AgentStatus, Session }

/// <summary>Who wrote a message: 顾客 customer, 客服 agent, 机器人 bot (robot or auto-reply), 系统 system.</summary>
public enum Sender : byte { None, Customer, Agent, Bot, System }

/// <summary>A message's kind; <c>auto</c> from an agent account is an auto-reply, <c>welcome</c> the greeting, <c>assist</c> a bot reply in assist mode.</summary>
public enum MessageKind : byte { Text, Image, Card, Welcome, Auto, Assist }

/// <summary>满意 / 一般 / 不满意 (失望): a rating's level once the profile has mapped stars.</summary>
public enum Satisfaction : byte { None, Satisfied, Neutral, Dissatisfied }

/// <summary>What reply matching needs to know of an event, whether a full event or the engine's slim copy.</summary>
public interface IConversationEvent
{
    long Ticks { get; }
    bool IsCustomerMessage { get; }
    bool IsHumanReply { get; }
}

/// <summary>
/// One event of the interchange format (SPEC §3). Field meanings depend on <see cref="Type"/>;
/// fields a type does not use are null. Instances are immutable once built.
/// </summary>
public sealed class ChatEvent : IConversationEvent
{
    public required EventType Type { get; init; }
    public required string Id { get; init; }
    public required string Shop { get; init; }
    public required DateTimeOffset At { get; init; }

    public string? Conversation { get; init; }
    public string? Customer { get; init; }
    public Sender Sender { get; init; }
    public string? Agent { get; init; }
    public MessageKind Kind { get; init; }
    public string? Text { get; init; }

    /// <summary>1–5 for ratings given in stars and for reviews; 0 when absent.</summary>
    public byte Stars { get; init; }
    public Satisfaction Satisfaction { get; init; }
    public string? Reason { get; init; }

    public string? Order { get; init; }
    public string? Media { get; init; }
    public string? Category { get; init; }
    /// <summary><c>action</c> of aftersale, shipment and session events, kept as the validated lower-case word.</summary>
    public string? Action { get; init; }
    /// <summary><c>status</c> of agent_status events.</summary>
    public string? Status { get; init; }
    /// <summary>Concurrent chats an agent can take (agent_status); 0 when absent.</summary>
    public int Capacity { get; init; }

    /// <summary>UTC ticks of <see cref="At"/>, the only clock the engine knows.</summary>
    public long Ticks => At.UtcTicks;

    /// <summary>A human reply as SPEC §4 defines it: an agent's message that is not an auto-reply or a welcome.</summary>
    public bool IsHumanReply => Type == EventType.Message && Sender == Sender.Agent && Kind is not (MessageKind.Auto or MessageKind.Welcome);

    public bool IsCustomerMessage => Type == EventType.Message && Sender == Sender.Customer;

    public override string ToString() => $"{Type} {Shop}/{Id} @ {At:O}";
}
