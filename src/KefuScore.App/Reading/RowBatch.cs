using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;

namespace KefuScore.App.Reading;

/// <summary>
/// Events read as rows, with the characters of their ids and conversations, and the lines rejected among them in
/// file order. Reused: a reader fills it, the fold empties it, <see cref="Clear"/> hands it back.
/// </summary>
public sealed class RowBatch
{
    public const int Capacity = 4096;

    public EventRow[] Rows { get; } = new EventRow[Capacity];
    public int Count { get; private set; }
    public char[] Chars = new char[Capacity * 24];
    public int Used;
    public List<RejectedLine> Rejected { get; } = [];
    /// <summary>Records this batch stands for (events and rejected lines): for progress.</summary>
    public int Records { get; set; }

    public bool Full => Count == Capacity;

    public ReadOnlySpan<char> Text => Chars.AsSpan(0, Used);

    public void Add(in EventRow row) => Rows[Count++] = row;

    /// <summary>Adds a row of another batch, copying its id and conversation here.</summary>
    public void Add(in EventRow row, ReadOnlySpan<char> chars)
    {
        var copy = row;
        (copy.IdStart, copy.IdLength) = EventRow.Append(chars.Slice(row.IdStart, row.IdLength), ref Chars, ref Used);
        if (row.ConversationLength >= 0)
            (copy.ConversationStart, copy.ConversationLength) = EventRow.Append(chars.Slice(row.ConversationStart, row.ConversationLength), ref Chars, ref Used);
        Rows[Count++] = copy;
    }

    public void Clear()
    {
        Array.Clear(Rows, 0, Count); // no shop or agent string stays reachable from a pooled batch
        Count = 0;
        Used = 0;
        Records = 0;
        Rejected.Clear();
    }
}

/// <summary>
/// The shops, agents and reasons of one run, each kept once: a row carries these instances, so reading a line makes
/// no string for them, and a shop's number is the order it first appeared in. Thread-safe: parsers on several threads
/// share it (each with a cache of its own in front, <see cref="ChunkParser"/>).
/// </summary>
public sealed class RunNames
{
    private readonly Lock _lock = new();

    /// <summary>
    /// The fold worker a shop belongs to among <paramref name="parts"/>: a fixed hash of its name, so every parser
    /// deals a shop to the same worker (as the cluster places a shop on one silo) and each worker sees all of its events.
    /// </summary>
    public static int PartOf(ReadOnlySpan<char> shop, int parts) => parts == 1 ? 0 : (int)(Fnv(shop) % (uint)parts);

    private static uint Fnv(ReadOnlySpan<char> text)
    {
        var h = 2166136261u;
        foreach (var c in text) h = (h ^ c) * 16777619u;
        return h ^ (h >> 15);
    }

    private readonly Dictionary<string, int> _shops = new(StringComparer.Ordinal);
    private readonly List<string> _shopNames = [];
    private readonly Dictionary<string, int> _agents = new(StringComparer.Ordinal);
    private readonly StringPool _reasons = new();

    public int ShopCount { get { lock (_lock) return _shopNames.Count; } }

    public string ShopName(int index) { lock (_lock) return _shopNames[index]; }

    public int Shop(ReadOnlySpan<char> name, out string shop)
    {
        lock (_lock) return ShopLocked(name, out shop);
    }

    private int ShopLocked(ReadOnlySpan<char> name, out string shop)
    {
        var lookup = _shops.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(name, out shop!, out var index)) return index;
        shop = new string(name);
        index = _shopNames.Count;
        _shops.Add(shop, index);
        _shopNames.Add(shop);
        return index;
    }

    /// <summary>The agent's instance and its number in this run (the order it first appeared in).</summary>
    public string Agent(ReadOnlySpan<char> name, out int number)
    {
        lock (_lock) return AgentLocked(name, out number);
    }

    private string AgentLocked(ReadOnlySpan<char> name, out int number)
    {
        var lookup = _agents.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(name, out var agent, out number)) return agent;
        agent = new string(name);
        number = _agents.Count;
        _agents.Add(agent, number);
        return agent;
    }

    public string Reason(ReadOnlySpan<char> text)
    {
        lock (_lock) return _reasons.Get(text);
    }
}
