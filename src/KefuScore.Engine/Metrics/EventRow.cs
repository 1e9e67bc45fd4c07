using KefuScore.Engine.Events;

namespace KefuScore.Engine.Metrics;

/// <summary>
/// An event as the report path carries it: a struct, with shop, agent and reason as instances the reader shares
/// between lines (interned per run) and id and conversation as ranges of a character buffer the caller passes with
/// it, so reading and folding a line allocate nothing. Only what the fold reads is here: a profile the incremental
/// state supports (<see cref="IncrementalRules"/>) needs no text, customer, order or presence.
/// </summary>
public struct EventRow
{
    public long Ticks;
    public string Shop;
    /// <summary>The shop's number in this run (the order it first appeared in): deals shops to fold workers.</summary>
    public int ShopIndex;
    public string? Agent;
    /// <summary>
    /// The agent's number in this run (the order it first appeared in), as <see cref="ShopIndex"/> for shops; any
    /// value the fold does not know for <see cref="Agent"/> (e.g. 0 from a reader that does not number agents) only
    /// makes it look the agent up by name.
    /// </summary>
    public int AgentNumber;
    public string? Reason;
    public int IdStart, IdLength;
    /// <summary>-1 when the event has no conversation.</summary>
    public int ConversationStart, ConversationLength;
    public EventType Type;
    public Sender Sender;
    public MessageKind Kind;
    public byte Stars;
    public Satisfaction Satisfaction;
    /// <summary>A session's action as <see cref="SlimEvent"/> codes it (1 opened, 2 transferred, 3 closed).</summary>
    public byte Action;

    /// <summary>The row of a parsed event; its id and conversation are appended to <paramref name="chars"/> at <paramref name="used"/>.</summary>
    public static EventRow Of(ChatEvent e, int shopIndex, ref char[] chars, ref int used)
    {
        var row = new EventRow
        {
            Ticks = e.Ticks, Shop = e.Shop, ShopIndex = shopIndex, Agent = e.Agent, Reason = e.Reason, Type = e.Type,
            Sender = e.Sender, Kind = e.Kind, Stars = e.Stars, Satisfaction = e.Satisfaction, Action = SlimEvent.ActionCode(e.Action),
            ConversationStart = -1, ConversationLength = -1,
        };
        (row.IdStart, row.IdLength) = Append(e.Id, ref chars, ref used);
        if (e.Conversation is not null) (row.ConversationStart, row.ConversationLength) = Append(e.Conversation, ref chars, ref used);
        return row;
    }

    /// <summary>Copies <paramref name="text"/> to the end of a growable buffer; returns where it went.</summary>
    public static (int Start, int Length) Append(ReadOnlySpan<char> text, ref char[] chars, ref int used)
    {
        if (used + text.Length > chars.Length) Array.Resize(ref chars, Math.Max(chars.Length * 2, used + text.Length));
        text.CopyTo(chars.AsSpan(used));
        var start = used;
        used += text.Length;
        return (start, text.Length);
    }
}
