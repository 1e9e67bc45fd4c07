using System.Globalization;
using KefuScore.Engine.Events;

namespace KefuScore.Engine.Simulation;

/// <summary>
/// What a simulated shop carries from day to day: its id counters (ids are unique per shop and per type prefix)
/// and the events already decided that fall on a later day (a reply after midnight, a delivery three days on).
/// Times are whole seconds after local midnight of the run's first day.
/// </summary>
internal sealed class ShopState
{
    public const int SecondsPerDay = 86_400;

    private readonly DateTime _origin;
    private readonly TimeSpan _offset;
    private List<ChatEvent> _pending = [];
    private List<ChatEvent> _keep = [];
    private long _messages, _ratings, _reviews, _complaints, _aftersales, _shipments, _statuses, _sessions;
    private long _conversations, _customers, _orders;

    public ShopState(SimulationOptions options, int index)
    {
        Index = index;
        Id = Roster.ShopId(index);
        _origin = options.Start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        _offset = options.UtcOffset;
        // Shops differ in size: a few big ones, more small ones (0.6–1.5 times the typical traffic).
        Size = Math.Clamp(SimRandom.Derive(options.Seed, index, 0, 0x53495A45).LogNormal(1.0, 0.3), 0.6, 1.5);
    }

    public int Index { get; }
    public string Id { get; }
    public double Size { get; }

    /// <summary>Events of this shop decided so far and not yet handed out.</summary>
    public int PendingCount => _pending.Count;

    public string NextConversation() => "c" + Number(++_conversations);

    public string NextOrder() => "o" + Number(++_orders);

    /// <summary>A new customer most of the time, else one who came before.</summary>
    public string PickCustomer(SimRandom random) =>
        "u" + Number(_customers > 20 && random.Chance(0.25) ? 1 + random.Next((int)Math.Min(_customers, int.MaxValue)) : ++_customers);

    public void Message(long t, string conversation, string? customer, Sender sender, string? agent, MessageKind kind, string text) =>
        _pending.Add(new ChatEvent
        {
            Type = EventType.Message, Id = "m" + Number(++_messages), Shop = Id, At = At(t), Conversation = conversation,
            Customer = customer, Sender = sender, Agent = agent, Kind = kind, Text = text,
        });

    public void Rating(long t, string conversation, string agent, int stars, string? reason) =>
        _pending.Add(new ChatEvent
        {
            Type = EventType.Rating, Id = "r" + Number(++_ratings), Shop = Id, At = At(t), Conversation = conversation,
            Agent = agent, Stars = (byte)stars, Reason = reason,
        });

    public void Review(long t, string order, int stars, string? text, string media) =>
        _pending.Add(new ChatEvent
        {
            Type = EventType.Review, Id = "rv" + Number(++_reviews), Shop = Id, At = At(t), Order = order,
            Stars = (byte)stars, Text = text, Media = media,
        });

    public void Complaint(long t, string? conversation, string? order, string? agent, string category) =>
        _pending.Add(new ChatEvent
        {
            Type = EventType.Complaint, Id = "cp" + Number(++_complaints), Shop = Id, At = At(t), Conversation = conversation,
            Order = order, Agent = agent, Category = category, Text = Phrases.ComplaintText(category),
        });

    /// <summary>An after-sale step; the parser keeps an after-sale's <c>kind</c> (refund, return, exchange) in <see cref="ChatEvent.Category"/>.</summary>
    public void Aftersale(long t, string order, string action, string kind) =>
        _pending.Add(new ChatEvent
        {
            Type = EventType.Aftersale, Id = "as" + Number(++_aftersales), Shop = Id, At = At(t), Order = order,
            Action = action, Category = kind,
        });

    public void Shipment(long t, string order, string action) =>
        _pending.Add(new ChatEvent
        {
            Type = EventType.Shipment, Id = "sh" + Number(++_shipments), Shop = Id, At = At(t), Order = order, Action = action,
        });

    public void Status(long t, string agent, string status, int capacity) =>
        _pending.Add(new ChatEvent
        {
            Type = EventType.AgentStatus, Id = "st" + Number(++_statuses), Shop = Id, At = At(t), Agent = agent,
            Status = status, Capacity = capacity,
        });

    public void Session(long t, string conversation, string action, string? agent) =>
        _pending.Add(new ChatEvent
        {
            Type = EventType.Session, Id = "ss" + Number(++_sessions), Shop = Id, At = At(t), Conversation = conversation,
            Action = action, Agent = agent,
        });

    /// <summary>Moves the events before <paramref name="end"/> into <paramref name="target"/> in the order they were decided.</summary>
    public void TakeBefore(long end, List<ChatEvent> target)
    {
        var endTicks = At(end).UtcTicks;
        _keep.Clear();
        foreach (var e in _pending)
        {
            if (e.At.UtcTicks < endTicks) target.Add(e);
            else _keep.Add(e);
        }
        (_pending, _keep) = (_keep, _pending);
        _keep.Clear();
    }

    /// <summary>Drops every event not taken yet (a run cut at an hour, <see cref="SimulationOptions.Hours"/>).</summary>
    public void DropPending() => _pending.Clear();

    private DateTimeOffset At(long t) => new(_origin.AddTicks(t * TimeSpan.TicksPerSecond), _offset);

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}
