namespace KefuScore.App.Reading.Mapping;

/// <summary>
/// Threads of an export, from a first pass that keeps only ids: reply links joined with union-find (or the
/// conversation column), each thread named after its root and given a shop, the agent of its first agent message.
/// A link to a tweet outside the file still joins the rows that answer it; the thread is then named after that tweet.
/// </summary>
internal sealed class Threads
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<string> _ids = [];
    private readonly List<int> _parent = [];
    private readonly List<bool> _hasParent = [];
    /// <summary>Per thread root: its name and its shop (null: no agent message, so no shop).</summary>
    private string?[] _label = [], _shop = [];

    /// <summary>The thread of a row, from its own id (links) or its conversation value; null when the row has neither.</summary>
    public string? ThreadOf(string? key) =>
        key is not null && _index.TryGetValue(Normalise(key), out var i) ? _label[Find(i)] : null;

    public string? ShopOf(string? key) =>
        key is not null && _index.TryGetValue(Normalise(key), out var i) ? _shop[Find(i)] : null;

    public int Count => _label.Count(l => l is not null);

    /// <summary>Pass 1: reads the file once, keeping ids, links and each thread's first agent.</summary>
    public static Threads Build(Stream stream, ImportMapping mapping, string name, CancellationToken ct)
    {
        var threads = new Threads();
        using var csv = new MappedCsv(stream, mapping.Csv, name);
        var rows = new RowMapper(mapping, csv);
        var links = mapping.Links;
        int id = -1, inReplyTo = -1, replies = -1;
        if (links is not null)
        {
            id = csv.Ordinal(links.Id);
            inReplyTo = links.InReplyTo is { } r ? csv.Ordinal(r) : -1;
            replies = links.Replies is { } rs ? csv.Ordinal(rs) : -1;
        }
        var conversationField = mapping.Field("conversation");
        var agentField = mapping.Field("agent");
        // Agent messages seen: (row's key, time, agent). Resolved to threads only when every link is known.
        var agents = new List<(int Key, long Ticks, string Agent)>();
        while (csv.Next())
        {
            ct.ThrowIfCancellationRequested();
            int key;
            if (links is not null)
            {
                if (csv.Cell(id) is not { } own) continue;
                key = threads.Intern(own);
                if (csv.Cell(inReplyTo) is { } parent) threads.Link(key, threads.Intern(parent));
                foreach (var child in (csv.Cell(replies) ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries))
                    threads.Link(threads.Intern(child), key);
            }
            else if (conversationField is not null && rows.TryValue(conversationField, null, out var c, out _) && c is not null) key = threads.Intern(c);
            else continue;

            if (agentField is not null && rows.TrySender(out var sender, out _) && sender == "agent"
                && rows.TryValue(agentField, sender, out var agent, out _) && agent is not null && rows.TryTicks(out var ticks))
                agents.Add((key, ticks, agent.Trim()));
        }
        threads.Finish(agents);
        return threads;
    }

    /// <summary>Pandas writes integer ids of a column with gaps as floats: <c>3.0</c> is tweet <c>3</c>.</summary>
    internal static string Normalise(string id)
    {
        var s = id.Trim();
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && s.AsSpan(0, dot).ContainsAnyExceptInRange('0', '9') == false && s.AsSpan(dot + 1).Trim('0').IsEmpty) return s[..dot];
        return s;
    }

    private int Intern(string id)
    {
        id = Normalise(id);
        if (_index.TryGetValue(id, out var i)) return i;
        i = _ids.Count;
        _index[id] = i;
        _ids.Add(id);
        _parent.Add(i);
        _hasParent.Add(false);
        return i;
    }

    /// <summary>Records that <paramref name="child"/> answers <paramref name="parent"/>.</summary>
    private void Link(int child, int parent)
    {
        if (child == parent) return;
        _hasParent[child] = true;
        var a = Find(child);
        var b = Find(parent);
        // The earlier-seen root stays root, so that names do not depend on which side a link was read from.
        if (a != b) _parent[Math.Max(a, b)] = Math.Min(a, b);
    }

    private int Find(int i)
    {
        while (_parent[i] != i)
        {
            _parent[i] = _parent[_parent[i]]; // path halving keeps the chains of long threads short
            i = _parent[i];
        }
        return i;
    }

    private void Finish(List<(int Key, long Ticks, string Agent)> agents)
    {
        _label = new string?[_ids.Count];
        _shop = new string?[_ids.Count];
        // A thread is named after a tweet that answers nothing (its root), the first such one seen; a loop of links has
        // no root, so it is named after its first id.
        for (var i = 0; i < _ids.Count; i++)
            if (!_hasParent[i] && _label[Find(i)] is null) _label[Find(i)] = _ids[i];
        for (var i = 0; i < _ids.Count; i++) _label[Find(i)] ??= _ids[i];

        var first = new long[_ids.Count];
        foreach (var (key, ticks, agent) in agents)
        {
            var root = Find(key);
            // Strictly earlier wins, so equal times keep the first in file order.
            if (_shop[root] is null || ticks < first[root]) (_shop[root], first[root]) = (agent, ticks);
        }
    }
}
