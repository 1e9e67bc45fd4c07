using System.Text;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;

namespace KefuScore.App.Reading;

/// <summary>
/// A parser thread's cache of the run's interned shop and agent names (the shared <see cref="RunNames"/> takes a lock,
/// so each thread asks it once per new name), and where a parsed record goes: an event into its shop's part of the
/// chunk, a rejection into the chunk's rejections. The CSV and Parquet parsers share it.
/// </summary>
internal sealed class ParserNames(RunNames names, int parts)
{
    internal readonly record struct ShopName(string Shop, int Index, int Part);

    /// <summary>An agent's instance and its run-wide number, so the fold finds its own number by index, not by hashing.</summary>
    internal readonly record struct AgentName(string Agent, int Number);

    private readonly Dictionary<string, ShopName> _shops = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AgentName> _agents = new(StringComparer.Ordinal);
    // Rows in the common shape look names up by their UTF-8 bytes first: no decoding, no string compared elsewhere in the heap.
    private readonly Utf8Names<ShopName> _shopBytes = new();
    private readonly Utf8Names<AgentName> _agentBytes = new();
    private char[] _scratch = new char[256];

    public ShopName Shop(ReadOnlySpan<char> shop)
    {
        var lookup = _shops.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(shop, out var known)) return known;
        var index = names.Shop(shop, out var interned);
        var name = new ShopName(interned, index, RunNames.PartOf(interned, parts));
        _shops[interned] = name;
        return name;
    }

    public AgentName AgentOf(ReadOnlySpan<char> agent)
    {
        var lookup = _agents.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(agent, out var known)) return known;
        var interned = names.Agent(agent, out var number);
        var name = new AgentName(interned, number);
        _agents.Add(interned, name);
        return name;
    }

    public ShopName Shop(ReadOnlySpan<byte> utf8) => Shop(utf8, _shopBytes.Hash(utf8));

    public AgentName Agent(ReadOnlySpan<byte> utf8) => Agent(utf8, _agentBytes.Hash(utf8));

    /// <summary>A shop by its UTF-8 bytes and their <see cref="ShopHash"/>.</summary>
    public ShopName Shop(ReadOnlySpan<byte> utf8, ulong hash)
    {
        if (_shopBytes.TryGet(utf8, hash, out var known)) return known;
        var name = Shop(Chars(utf8));
        _shopBytes.Add(utf8, hash, name);
        return name;
    }

    /// <summary>An agent by its UTF-8 bytes and their <see cref="AgentHash"/>.</summary>
    public AgentName Agent(ReadOnlySpan<byte> utf8, ulong hash)
    {
        if (_agentBytes.TryGet(utf8, hash, out var known)) return known;
        var agent = AgentOf(Chars(utf8));
        _agentBytes.Add(utf8, hash, agent);
        return agent;
    }

    public ulong ShopHash(ReadOnlySpan<byte> utf8) => _shopBytes.Hash(utf8);

    public ulong AgentHash(ReadOnlySpan<byte> utf8) => _agentBytes.Hash(utf8);

    /// <summary>A line's shop and agent hashed for <see cref="Hint(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> and the lookups that follow.</summary>
    internal readonly record struct NameHint(ulong ShopHash, ulong AgentHash, bool HasAgent);

    /// <summary>
    /// The first hint for a line a few lines ahead of its row (the CSV and JSON Lines parsers): its shop and agent
    /// hashed once, their table slots asked for; <see cref="HintEntries"/> some lines later asks for the entries.
    /// </summary>
    public NameHint Hint(ReadOnlySpan<byte> shop, ReadOnlySpan<byte> agent)
    {
        var hint = new NameHint(ShopHash(shop), agent.IsEmpty ? 0 : AgentHash(agent), !agent.IsEmpty);
        Prefetch(hint.ShopHash, hint.AgentHash, hint.HasAgent, entries: false);
        return hint;
    }

    /// <summary>The second hint (<see cref="Hint(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>): the entries the slots name.</summary>
    public void HintEntries(in NameHint hint) => Prefetch(hint.ShopHash, hint.AgentHash, hint.HasAgent, entries: true);

    /// <summary>
    /// Hints for a row a few lines ahead (a parser's lookups miss the cache on the wide shape's 20,000 shops and
    /// 117,000 agents): <paramref name="entries"/> false fetches the names' table slots, true (some lines later) the
    /// entries those slots name. Only hints: the lookup itself decides.
    /// </summary>
    public void Prefetch(ulong shopHash, ulong agentHash, bool hasAgent, bool entries)
    {
        if (entries)
        {
            _shopBytes.PrefetchEntry(shopHash);
            if (hasAgent) _agentBytes.PrefetchEntry(agentHash);
        }
        else
        {
            _shopBytes.PrefetchSlot(shopHash);
            if (hasAgent) _agentBytes.PrefetchSlot(agentHash);
        }
    }

    /// <summary>UTF-8 decoded into a scratch buffer (bad bytes become U+FFFD, as a string made of them would hold); valid until the next call.</summary>
    public ReadOnlySpan<char> Chars(ReadOnlySpan<byte> utf8)
    {
        if (_scratch.Length < utf8.Length) _scratch = new char[Math.Max(utf8.Length, _scratch.Length * 2)];
        var n = Encoding.UTF8.GetChars(utf8, _scratch);
        return _scratch.AsSpan(0, n);
    }

    /// <summary>A cell's characters appended to a part's text: where they start and how many.</summary>
    public static (int Start, int Length) Append(ReadOnlySpan<byte> utf8, RowPart part)
    {
        if (part.Used + utf8.Length > part.Chars.Length) Array.Resize(ref part.Chars, Math.Max(part.Chars.Length * 2, part.Used + utf8.Length));
        var n = Encoding.UTF8.GetChars(utf8, part.Chars.AsSpan(part.Used));
        var start = part.Used;
        part.Used += n;
        return (start, n);
    }

    /// <summary>
    /// A row in the common shape into its shop's part, its shop and agent (default: none) already found: reason interned,
    /// id and conversation appended to the part's text. The CSV and Parquet parsers' fast paths both end here.
    /// </summary>
    public void Place(RowChunk chunk, EventRow row, ShopName name, AgentName agent, ReadOnlySpan<byte> reason, ReadOnlySpan<byte> id,
        ReadOnlySpan<byte> conversation)
    {
        row.Shop = name.Shop;
        row.ShopIndex = name.Index;
        if (agent.Agent is not null) (row.Agent, row.AgentNumber) = agent;
        if (!reason.IsEmpty) row.Reason = names.Reason(Chars(reason));
        var part = chunk.Parts[name.Part];
        (row.IdStart, row.IdLength) = Append(id, part);
        if (!conversation.IsEmpty) (row.ConversationStart, row.ConversationLength) = Append(conversation, part);
        part.Add(row);
    }

    /// <summary>A record read the slow way (<see cref="RawFields.Parse"/>): its event as a row of its shop's part, or its rejection.</summary>
    public void Place(RowChunk chunk, ReadItem item)
    {
        if (item.Event is { } e)
        {
            var name = Shop(e.Shop);
            var part = chunk.Parts[name.Part];
            var row = EventRow.Of(e, name.Index, ref part.Chars, ref part.Used);
            row.Shop = name.Shop;
            // Numbered like the fast paths' rows, so the fold finds the agent by number here too.
            if (e.Agent is { } agent) (row.Agent, row.AgentNumber) = AgentOf(agent);
            part.Add(row);
        }
        else chunk.Rejected.Add(item.Rejected!);
    }
}
