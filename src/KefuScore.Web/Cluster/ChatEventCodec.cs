using KefuScore.Engine.Events;

namespace KefuScore.Web.Cluster;

/// <summary>
/// What a <see cref="ChatEvent"/> is on the wire between silos: Orleans' generated, versioned binary codec over the
/// event's fields (the engine takes no packages, so its type carries no attributes and Orleans converts through this
/// surrogate). It replaced Orleans' System.Text.Json fallback, which wrote every event of a shop's batch as JSON text
/// on one silo and parsed it on the other (docs/decisions.md §48). Ids are fixed: a field is added with a new id.
/// </summary>
[GenerateSerializer]
internal struct ChatEventSurrogate
{
    [Id(0)] public EventType Type;
    [Id(1)] public string Id;
    [Id(2)] public string Shop;
    // With its offset: reports by the shop's day read the wall clock back.
    [Id(3)] public DateTimeOffset At;
    [Id(4)] public string? Conversation;
    [Id(5)] public string? Customer;
    [Id(6)] public Sender Sender;
    [Id(7)] public string? Agent;
    [Id(8)] public MessageKind Kind;
    [Id(9)] public string? Text;
    [Id(10)] public byte Stars;
    [Id(11)] public Satisfaction Satisfaction;
    [Id(12)] public string? Reason;
    [Id(13)] public string? Order;
    [Id(14)] public string? Media;
    [Id(15)] public string? Category;
    [Id(16)] public string? Action;
    [Id(17)] public string? Status;
    [Id(18)] public int Capacity;
}

/// <summary>Orleans' converter between the engine's event and its surrogate (found by the code generator through the attribute).</summary>
[RegisterConverter]
internal sealed class ChatEventConverter : IConverter<ChatEvent, ChatEventSurrogate>
{
    public ChatEvent ConvertFromSurrogate(in ChatEventSurrogate s) => new()
    {
        Type = s.Type,
        Id = s.Id,
        Shop = s.Shop,
        At = s.At,
        Conversation = s.Conversation,
        Customer = s.Customer,
        Sender = s.Sender,
        Agent = s.Agent,
        Kind = s.Kind,
        Text = s.Text,
        Stars = s.Stars,
        Satisfaction = s.Satisfaction,
        Reason = s.Reason,
        Order = s.Order,
        Media = s.Media,
        Category = s.Category,
        Action = s.Action,
        Status = s.Status,
        Capacity = s.Capacity,
    };

    public ChatEventSurrogate ConvertToSurrogate(in ChatEvent e) => new()
    {
        Type = e.Type,
        Id = e.Id,
        Shop = e.Shop,
        At = e.At,
        Conversation = e.Conversation,
        Customer = e.Customer,
        Sender = e.Sender,
        Agent = e.Agent,
        Kind = e.Kind,
        Text = e.Text,
        Stars = e.Stars,
        Satisfaction = e.Satisfaction,
        Reason = e.Reason,
        Order = e.Order,
        Media = e.Media,
        Category = e.Category,
        Action = e.Action,
        Status = e.Status,
        Capacity = e.Capacity,
    };
}
