using System.Globalization;
using KefuScore.Engine.Events;

namespace KefuScore.Tests;

/// <summary>
/// Builds a conversation the way the platforms' own examples read:
/// <c>Chat.On("2026-11-20").Customer("10:10:15").Customer("10:15:20").Agent("10:18:10")</c>.
/// Times are local wall-clock times at +08:00 unless a full ISO instant is given.
/// </summary>
public sealed class Chat
{
    private readonly List<ChatEvent> _events = [];
    private DateOnly _date;
    private int _next;

    private Chat(DateOnly date, string shop, string conversation, string customer)
    {
        _date = date;
        Shop = shop;
        Conversation = conversation;
        CustomerId = customer;
    }

    public string Shop { get; }
    public string Conversation { get; }
    public string CustomerId { get; }
    public IReadOnlyList<ChatEvent> Events => _events;

    public static Chat On(string date, string shop = "s1", string conversation = "c1", string customer = "u1") =>
        new(DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture), shop, conversation, customer);

    /// <summary>Later calls use this local date.</summary>
    public Chat Then(string date)
    {
        _date = DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        return this;
    }

    public Chat Customer(string time, string? text = null, string? id = null) =>
        Add(id, time, EventType.Message, Sender.Customer, null, MessageKind.Text, text ?? "在吗?");

    public Chat Agent(string time, string agent = "a1", string? text = null, string? id = null) =>
        Add(id, time, EventType.Message, Sender.Agent, agent, MessageKind.Text, text ?? "您好,在的");

    public Chat AutoReply(string time, string agent = "a1", string? id = null) =>
        Add(id, time, EventType.Message, Sender.Agent, agent, MessageKind.Auto, "自动回复");

    public Chat Bot(string time, string? id = null) => Add(id, time, EventType.Message, Sender.Bot, null, MessageKind.Text, "机器人回复");

    public Chat Assist(string time, string? id = null) => Add(id, time, EventType.Message, Sender.Bot, null, MessageKind.Assist, "智能辅助");

    public Chat Welcome(string time, string? id = null) => Add(id, time, EventType.Message, Sender.System, null, MessageKind.Welcome, "欢迎光临");

    public Chat Rating(string time, int stars = 0, Satisfaction satisfaction = Satisfaction.None, string? agent = null, string? reason = null, string? id = null)
    {
        _events.Add(new ChatEvent
        {
            Type = EventType.Rating, Id = id ?? NextId("r"), Shop = Shop, At = At(time), Conversation = Conversation,
            Agent = agent, Stars = (byte)stars, Satisfaction = satisfaction, Reason = reason,
        });
        return this;
    }

    /// <summary>An <c>agent_status</c> event of the shop (it belongs to no conversation).</summary>
    public Chat Status(string time, string agent, string status, int capacity = 0, string? id = null)
    {
        _events.Add(new ChatEvent { Type = EventType.AgentStatus, Id = id ?? NextId("st"), Shop = Shop, At = At(time), Agent = agent, Status = status, Capacity = capacity });
        return this;
    }

    public Chat Session(string time, string action, string? agent = null, string? id = null)
    {
        _events.Add(new ChatEvent { Type = EventType.Session, Id = id ?? NextId("e"), Shop = Shop, At = At(time), Conversation = Conversation, Action = action, Agent = agent });
        return this;
    }

    private Chat Add(string? id, string time, EventType type, Sender sender, string? agent, MessageKind kind, string text)
    {
        _events.Add(new ChatEvent
        {
            Type = type, Id = id ?? NextId("m"), Shop = Shop, At = At(time), Conversation = Conversation,
            Customer = sender == Sender.Customer ? CustomerId : null, Sender = sender, Agent = agent, Kind = kind, Text = text,
        });
        return this;
    }

    private string NextId(string prefix) => $"{Conversation}-{prefix}{++_next}";

    /// <summary>"10:00:00", "10:00:00.5" (local +08:00 on the current date) or a full ISO instant.</summary>
    public DateTimeOffset At(string time)
    {
        if (time.Contains('T', StringComparison.Ordinal))
            return DateTimeOffset.Parse(time, CultureInfo.InvariantCulture);
        var t = TimeOnly.ParseExact(time, time.Contains('.', StringComparison.Ordinal) ? "HH:mm:ss.FFFFFFF" : "HH:mm:ss", CultureInfo.InvariantCulture);
        return new DateTimeOffset(_date.ToDateTime(t), TimeSpan.FromHours(8));
    }
}
