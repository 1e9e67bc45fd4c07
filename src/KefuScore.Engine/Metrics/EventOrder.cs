using KefuScore.Engine.Events;

namespace KefuScore.Engine.Metrics;

/// <summary>
/// The total order the engine analyses a conversation in: by instant; at the same instant a session opening
/// comes first, then customer messages (so a reply at the same instant answers them, SPEC §4), then other
/// messages, then transfers, closings and ratings; finally by id, so shuffled input gives identical results.
/// </summary>
public sealed class EventOrder : IComparer<ChatEvent>, IComparer<SlimEvent>
{
    public static EventOrder Instance { get; } = new();

    public int Compare(ChatEvent? x, ChatEvent? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        return Compare(new SlimEvent(x), new SlimEvent(y));
    }

    public int Compare(SlimEvent x, SlimEvent y) => Order(x, y);

    /// <summary>The same order without copying the events (the fold's reorder buffer sorts many).</summary>
    public static int Order(in SlimEvent x, in SlimEvent y)
    {
        var c = x.Ticks.CompareTo(y.Ticks);
        if (c != 0) return c;
        c = Rank(x).CompareTo(Rank(y));
        return c != 0 ? c : string.CompareOrdinal(x.Id, y.Id);
    }

    /// <summary>The order up to the id (instant, then rank): for callers that keep ids elsewhere.</summary>
    internal static int OrderBeforeId(in SlimEvent x, in SlimEvent y)
    {
        var c = x.Ticks.CompareTo(y.Ticks);
        return c != 0 ? c : Rank(x).CompareTo(Rank(y));
    }

    internal static int Rank(in SlimEvent e) => Rank(e.Type, e.Sender, e.ActionByte);

    /// <summary>The rank from the fields it reads (<paramref name="action"/> as <see cref="SlimEvent"/> codes it).</summary>
    internal static int Rank(EventType type, Sender sender, byte action) => type switch
    {
        EventType.Session when action == 1 => 0,
        EventType.Message when sender == Sender.Customer => 1,
        EventType.Message => 2,
        EventType.Session => 3,
        _ => 4,
    };
}
