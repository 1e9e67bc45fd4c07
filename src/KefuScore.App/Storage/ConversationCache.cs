using KefuScore.Engine.Events;

namespace KefuScore.App.Storage;

/// <summary>
/// The stored events of recently written conversations, so that a write touching them re-analyses from memory instead
/// of reading their events back from the database. Bounded (least recently written
/// conversations leave first) and only ever a copy: an entry is replaced after its transaction commits, and the whole
/// cache is dropped when the database's write generation shows another writer (another process) was there in between,
/// or when a transaction fails.
/// </summary>
internal sealed class ConversationCache(int capacity)
{
    private readonly Dictionary<(string Shop, string Conversation), LinkedListNode<((string Shop, string Conversation) Key, ChatEvent[] Events)>> _entries = [];
    private readonly LinkedList<((string Shop, string Conversation) Key, ChatEvent[] Events)> _order = [];

    /// <summary>The write generation the cache is valid for; -1 when nothing is known.</summary>
    public long Generation { get; set; } = -1;

    /// <summary>The conversation's stored events, in <see cref="EventOrder"/>.</summary>
    public bool TryGet((string Shop, string Conversation) key, out ChatEvent[] events)
    {
        if (_entries.TryGetValue(key, out var node))
        {
            events = node.Value.Events;
            return true;
        }
        events = [];
        return false;
    }

    public void Put((string Shop, string Conversation) key, ChatEvent[] events)
    {
        if (capacity <= 0) return;
        if (_entries.TryGetValue(key, out var node)) _order.Remove(node);
        _entries[key] = _order.AddFirst((key, events));
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
