using KefuScore.Engine.Events;

namespace KefuScore.App.Storage;

/// <summary>
/// The stored events and current facts of recently written conversations, so that a write touching them re-analyses
/// from memory instead of reading their events and facts back from the database. Bounded (least recently written
/// conversations leave first) and only ever a copy: an entry is replaced after its transaction commits, and the whole
/// cache is dropped when the database's write generation shows another writer (another process) was there in between,
/// or when a transaction fails.
/// </summary>
internal sealed class ConversationCache(int capacity)
{
    public readonly record struct Key(string Profile, string Shop, string Conversation);

    /// <summary>A conversation's stored events (in <see cref="EventOrder"/>) and the facts they give under <see cref="Key.Profile"/>.</summary>
    public sealed record Entry(ChatEvent[] Events, List<StoredFact> Facts);

    private readonly Dictionary<Key, LinkedListNode<(Key Key, Entry Entry)>> _entries = [];
    private readonly LinkedList<(Key Key, Entry Entry)> _order = [];

    /// <summary>The write generation the cache is valid for; -1 when nothing is known.</summary>
    public long Generation { get; set; } = -1;

    public int Count => _entries.Count;

    public int Capacity => capacity;

    public bool TryGet(Key key, out Entry entry)
    {
        if (_entries.TryGetValue(key, out var node))
        {
            entry = node.Value.Entry;
            return true;
        }
        entry = null!;
        return false;
    }

    public void Put(Key key, Entry entry)
    {
        if (capacity <= 0) return;
        if (_entries.TryGetValue(key, out var node)) _order.Remove(node);
        _entries[key] = _order.AddFirst((key, entry));
        while (_entries.Count > capacity)
        {
            var last = _order.Last!;
            _order.RemoveLast();
            _entries.Remove(last.Value.Key);
        }
    }

    public void Clear()
    {
        _entries.Clear();
        _order.Clear();
        Generation = -1;
    }
}
