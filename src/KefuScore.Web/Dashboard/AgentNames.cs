using KefuScore.App.Storage;

namespace KefuScore.Web.Dashboard;

/// <summary>
/// The shop's roster as a lookup (<see cref="AgentRoster"/>): where a page shows an agent id it shows the display
/// name instead, and the id where the roster has none. One lookup for every page, so a name reads the same everywhere.
/// </summary>
public sealed class AgentNames
{
    private readonly Dictionary<string, RosterEntry> _byId;

    private AgentNames(IEnumerable<RosterEntry> entries) => _byId = entries.ToDictionary(e => e.Agent, StringComparer.Ordinal);

    public static AgentNames None { get; } = new([]);

    public static async Task<AgentNames> Load(KefuDb db, string shop, CancellationToken ct = default) => new(await AgentRoster.Get(db, shop, ct));

    /// <summary>The display name, or the id when the roster does not name the agent.</summary>
    public string Name(string agent) => _byId.TryGetValue(agent, out var e) ? e.Name : agent;

    /// <summary>The agent's group, empty when none.</summary>
    public string Group(string agent) => _byId.TryGetValue(agent, out var e) ? e.Group : "";
}
