using KefuScore.Engine.Events;

namespace KefuScore.Engine.Metrics;

/// <summary>
/// Who of a shop's agents was online when, from its <c>agent_status</c> events, for the rules that ask "was anybody
/// there?" (JD's leave-message, SPEC §5.3). <c>online</c> and <c>busy</c> count as online: the agent is signed in and
/// a message reaches them; <c>away</c> and <c>offline</c> do not. Statuses may arrive in any order; each agent's
/// changes are kept sorted, and a question about an instant reads each agent's latest status at or before it.
/// </summary>
public sealed class ShopPresence
{
    private readonly Dictionary<string, List<(long Ticks, bool Online)>> _agents = new(StringComparer.Ordinal);
    private long _first = long.MaxValue;

    /// <summary>Records an <c>agent_status</c> event; any other event is ignored.</summary>
    public void Add(ChatEvent e)
    {
        if (e.Type != EventType.AgentStatus || e.Agent is null) return;
        var online = e.Status is "online" or "busy";
        if (!_agents.TryGetValue(e.Agent, out var changes)) _agents[e.Agent] = changes = [];
        var i = changes.Count;
        while (i > 0 && changes[i - 1].Ticks > e.Ticks) i--;
        changes.Insert(i, (e.Ticks, online));
        if (e.Ticks < _first) _first = e.Ticks;
    }

    /// <summary>
    /// True when the shop's presence is known at <paramref name="ticks"/> (some status was sent at or before it) and no
    /// agent was online then. A shop that never sends statuses, or an instant before its first, is never "nobody there".
    /// </summary>
    public bool NobodyOnline(long ticks)
    {
        if (ticks < _first) return false;
        foreach (var changes in _agents.Values)
        {
            var lo = 0;
            var hi = changes.Count - 1;
            var found = -1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                if (changes[mid].Ticks <= ticks) { found = mid; lo = mid + 1; }
                else hi = mid - 1;
            }
            if (found >= 0 && changes[found].Online) return false;
        }
        return true;
    }
}
