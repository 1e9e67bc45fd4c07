using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Storage;

/// <summary>A row of <c>agent_roster</c>: a shop's agent id with the name people know them by and their group (客服名册).</summary>
public sealed class AgentRosterRow
{
    public required string Shop { get; set; }
    public required string Agent { get; set; }
    public required string Name { get; set; }
    public string Group { get; set; } = "";
}

/// <summary>One roster entry as callers give it.</summary>
public sealed record RosterEntry(string Agent, string Name, string Group);

/// <summary>
/// 客服名册: each shop's agent ids with display names and groups. Events carry platform account ids (<c>s1-a5</c>); the
/// pages show the names a team lead knows. A roster is replaced as a whole, like the shop's other settings.
/// </summary>
public static class AgentRoster
{
    public const int MaxEntries = 5000;
    public const int MaxLength = 100;

    public static void Configure(ModelBuilder b) => b.Entity<AgentRosterRow>(e =>
    {
        e.ToTable("agent_roster");
        e.HasKey(x => new { x.Shop, x.Agent });
    });

    public static async Task<IReadOnlyList<RosterEntry>> Get(KefuDb db, string shop, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.Set<AgentRosterRow>().AsNoTracking().Where(r => r.Shop == shop).ToListAsync(ct);
        return rows.OrderBy(r => r.Group, StringComparer.Ordinal).ThenBy(r => r.Agent, StringComparer.Ordinal).Select(r => new RosterEntry(r.Agent, r.Name, r.Group)).ToList();
    }

    /// <summary>What is wrong with a roster, in English for the API (the page checks the same rules in its language): empty when nothing.</summary>
    public static IEnumerable<string> Problems(IReadOnlyList<RosterEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count > MaxEntries) yield return $"at most {MaxEntries} agents";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (string.IsNullOrWhiteSpace(e.Agent)) yield return $"[{i}].agent: is required";
            else if (!seen.Add(e.Agent.Trim())) yield return $"[{i}].agent: '{e.Agent}' is listed twice";
            if (string.IsNullOrWhiteSpace(e.Name)) yield return $"[{i}].name: is required";
            if ((e.Agent?.Length ?? 0) > MaxLength || (e.Name?.Length ?? 0) > MaxLength || (e.Group?.Length ?? 0) > MaxLength)
                yield return $"[{i}]: agent, name and group hold at most {MaxLength} characters";
        }
    }

    /// <summary>Replaces the shop's roster (callers check <see cref="Problems"/> first).</summary>
    public static async Task Replace(KefuDb db, string shop, IReadOnlyList<RosterEntry> entries, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(entries);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Set<AgentRosterRow>().Where(r => r.Shop == shop).ExecuteDeleteAsync(ct);
        db.AddRange(entries.Select(e => new AgentRosterRow { Shop = shop, Agent = e.Agent.Trim(), Name = e.Name.Trim(), Group = e.Group?.Trim() ?? "" }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }
}
