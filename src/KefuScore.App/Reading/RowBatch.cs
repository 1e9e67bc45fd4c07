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

    /// <summary>Hash buckets a <see cref="Plan"/> deals to parts.</summary>
    internal const int Buckets = 64;

    private int[]? _plan;
    private int _planParts;

    /// <summary>
    /// The fold worker a shop belongs to among <paramref name="parts"/>: its hash bucket's part in the <see cref="Plan"/>,
    /// or without one a fixed hash of its name, so every parser deals a shop to the same worker (as the cluster places a
    /// shop on one silo) and each worker sees all of its events. Which worker folds a shop changes no figure.
    /// </summary>
    public int PartOf(ReadOnlySpan<char> shop, int parts) =>
        parts == 1 ? 0 : _plan is { } plan && _planParts == parts ? plan[Fnv(shop) % Buckets] : (int)(Fnv(shop) % (uint)parts);

    /// <summary>
    /// Deals the hash buckets to <paramref name="parts"/> workers by the rows a sample of the input put in each
    /// (<paramref name="rowsPerBucket"/>, the buckets of <see cref="PartOf"/> with <see cref="Buckets"/> parts): the
    /// heaviest bucket first, each to the part with the fewest rows so far; buckets the sample never saw by their number.
    /// By hash alone the Zipf-like shops fell 57/43 on two workers and one core idled at the end (decisions §79).
    /// Only before any shop is known: a shop already dealt must keep its worker.
    /// </summary>
    public void Plan(ReadOnlySpan<long> rowsPerBucket, int parts)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(rowsPerBucket.Length, Buckets);
        var plan = new int[Buckets];
        var load = new long[parts];
        var order = new int[Buckets];
        for (var b = 0; b < Buckets; b++) order[b] = b;
        var rows = rowsPerBucket.ToArray();
        Array.Sort(order, (x, y) => rows[y] != rows[x] ? rows[y].CompareTo(rows[x]) : x.CompareTo(y));
        foreach (var b in order)
        {
            if (rows[b] == 0)
            {
                plan[b] = b % parts;
                continue;
            }
            var lightest = 0;
            for (var p = 1; p < parts; p++) if (load[p] < load[lightest]) lightest = p;
            plan[b] = lightest;
            load[lightest] += rows[b];
        }
        lock (_lock)
        {
            if (_shopNames.Count > 0) throw new InvalidOperationException("shops were dealt to workers before the plan");
            (_plan, _planParts) = (plan, parts);
        }
    }

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
