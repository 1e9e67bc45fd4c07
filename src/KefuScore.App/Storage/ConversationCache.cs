using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;

namespace KefuScore.App.Storage;

/// <summary>
/// The stored events and facts of recently written conversations, so that a write touching them re-analyses from
/// memory and replaces only the facts that changed, without reading anything back from the database. Bounded (least
/// recently written conversations leave first) and only ever a copy: an entry is replaced after its transaction
/// commits, and the whole cache is dropped when the database's write generation shows another writer (another
/// process) was there in between, or when a transaction fails.
/// </summary>
internal sealed class ConversationCache(int capacity)
{
    /// <summary>
    /// A conversation as the store resumes it, under <paramref name="Profile"/>. For a profile the incremental state
    /// covers: its <see cref="KefuScore.Engine.Metrics.ConversationState"/> as bytes, the last event it took (its
    /// frontier; null when it took none) and, in <paramref name="Facts"/>, the provisional facts stored (what the
    /// state's finish says now) with their seqs, after the first <paramref name="Settled"/> facts, the final ones:
    /// kept only where a conversation's facts are written whole (PostgreSQL, schema 9), else <paramref name="Settled"/>
    /// is 0 and only the provisional ones are kept; <paramref name="Events"/> is empty. Otherwise: every stored event
    /// (in <see cref="EventOrder"/>) and every stored fact, and no state.
    /// </summary>
    public sealed record Entry(string Profile, ChatEvent[] Events, StoredFact[] Facts, byte[]? State = null, SlimEvent? Last = null, int Settled = 0);

    private readonly Dictionary<(string Shop, string Conversation), LinkedListNode<((string Shop, string Conversation) Key, Entry Entry)>> _entries = [];
    private readonly LinkedList<((string Shop, string Conversation) Key, Entry Entry)> _order = [];
    /// <summary>
    /// Each shop's entries, so that forgetting a shop touches its own entries only: walking the whole list for each
    /// shop another silo had written took 12 % of a surviving silo's CPU when 15,000 shops moved to it (decisions §105).
    /// </summary>
    private readonly Dictionary<string, HashSet<LinkedListNode<((string Shop, string Conversation) Key, Entry Entry)>>> _byShop = new(StringComparer.Ordinal);

    /// <summary>The write generation the cache is valid for; -1 when nothing is known (SQLite: one generation for the database).</summary>
    public long Generation { get; set; } = -1;

    /// <summary>
    /// PostgreSQL: each shop's write generation the cache is valid for (<c>shop_counts.generation</c>), since writers of
    /// different shops run at once there; a shop not listed has nothing cached.
    /// </summary>
    public Dictionary<string, long> ShopGenerations { get; } = new(StringComparer.Ordinal);

    /// <summary>Forgets everything of one shop (another process wrote it).</summary>
    public void RemoveShop(string shop)
    {
        ShopGenerations.Remove(shop);
        if (!_byShop.Remove(shop, out var nodes)) return;
        foreach (var node in nodes)
        {
            _order.Remove(node);
            _entries.Remove(node.Value.Key);
        }
    }

    public bool TryGet((string Shop, string Conversation) key, out Entry entry)
    {
        if (_entries.TryGetValue(key, out var node))
        {
            entry = node.Value.Entry;
            return true;
        }
        entry = null!;
        return false;
    }

    public void Put((string Shop, string Conversation) key, Entry entry)
    {
        if (capacity <= 0) return;
        Remove(key);
        var added = _order.AddFirst((key, entry));
        _entries[key] = added;
        if (!_byShop.TryGetValue(key.Shop, out var nodes)) _byShop[key.Shop] = nodes = [];
        nodes.Add(added);
        while (_entries.Count > capacity) Remove(_order.Last!.Value.Key);
    }

    public void Remove((string Shop, string Conversation) key)
    {
        if (!_entries.Remove(key, out var node)) return;
        _order.Remove(node);
        var nodes = _byShop[key.Shop];
        nodes.Remove(node);
        if (nodes.Count == 0) _byShop.Remove(key.Shop);
    }

    public void Clear()
    {
        _entries.Clear();
        _order.Clear();
        _byShop.Clear();
        Generation = -1;
        ShopGenerations.Clear();
    }
}
