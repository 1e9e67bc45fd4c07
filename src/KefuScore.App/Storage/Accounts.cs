using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Storage;

/// <summary>
/// What a request may see, once verified: an API key's or a signed-in user's name and the shops it covers. For an
/// agent's sign-in, <see cref="AgentOf"/> names the agent id they stand for in each shop: they see that agent's
/// figures and conversations only, never the shop's totals or another agent's.
/// </summary>
public sealed record ApiKeyGrant(string Name, IReadOnlySet<string>? Shops)
{
    /// <summary>True when the key covers every shop, including shops not yet known.</summary>
    public bool AllShops => Shops is null;

    /// <summary>Shop → agent id, for an agent's sign-in; null for keys, admins and supervisors.</summary>
    public IReadOnlyDictionary<string, string>? AgentOf { get; init; }

    /// <summary>True for a signed-in user (not an API key): such a grant never pushes events (no CSRF through the cookie).</summary>
    public bool IsUser { get; init; }

    public bool Covers(string shop) => Shops is null || Shops.Contains(shop);

    /// <summary>The agent id this grant is limited to in <paramref name="shop"/>, or null when it sees the whole shop.</summary>
    public string? AgentIn(string shop) => AgentOf is { } a && a.TryGetValue(shop, out var agent) ? agent : null;
}

/// <summary>The three roles of a sign-in: admin sees everything, supervisor the shops assigned, agent their own figures.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Supervisor = "supervisor";
    public const string Agent = "agent";
    public static readonly IReadOnlyList<string> All = [Admin, Supervisor, Agent];
}

/// <summary>
/// API keys and users. Keys are 32 random bytes shown once as <c>kefu_</c> + base64url; only their SHA-256 is stored
/// (a key has 256 bits of entropy, so a salt adds nothing) and looked up by it. Passwords are PBKDF2-SHA256 with a
/// per-user salt. Neither is ever logged.
/// </summary>
public static class Accounts
{
    public const string AllShops = "*";
    private const int Iterations = 100_000;

    /// <summary>A new random key (to show once).</summary>
    public static string NewKey() => "kefu_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static byte[] HashKey(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>Stores a key; <paramref name="shops"/> null for every shop.</summary>
    public static async Task AddKey(KefuDb db, string name, string key, IEnumerable<string>? shops, long createdTicks, CancellationToken ct = default)
    {
        db.ApiKeys.Add(new ApiKeyRow
        {
            Name = name, Prefix = key[..Math.Min(9, key.Length)], Hash = HashKey(key),
            Shops = shops is null ? AllShops : string.Join(",", shops), CreatedTicks = createdTicks,
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The grant of a presented key, or null when it is not a stored key.</summary>
    public static async Task<ApiKeyGrant?> Verify(KefuDb db, string key, CancellationToken ct = default)
    {
        var hash = HashKey(key);
        var row = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Hash == hash, ct);
        if (row is null) return null;
        return new ApiKeyGrant(row.Name, row.Shops == AllShops ? null : row.Shops.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>
    /// What a signed-in user may see: admins every shop; supervisors the shops of their <c>user_shops</c> rows; agents
    /// the shops of their rows, limited to the agent id each row names. A user with no role sees nothing.
    /// </summary>
    public static async Task<ApiKeyGrant> UserGrant(KefuDb db, string userId, string userName, IEnumerable<string> roles, CancellationToken ct = default)
    {
        var set = roles.ToHashSet(StringComparer.Ordinal);
        if (set.Contains(Roles.Admin)) return new ApiKeyGrant(userName, null) { IsUser = true };
        var rows = await db.UserShops.AsNoTracking().Where(r => r.UserId == userId).ToListAsync(ct);
        if (set.Contains(Roles.Supervisor))
            return new ApiKeyGrant(userName, rows.Select(r => r.Shop).ToHashSet(StringComparer.Ordinal)) { IsUser = true };
        if (set.Contains(Roles.Agent))
        {
            var agentRows = rows.Where(r => r.Agent.Length > 0).GroupBy(r => r.Shop, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Agent, StringComparer.Ordinal);
            return new ApiKeyGrant(userName, agentRows.Keys.ToHashSet(StringComparer.Ordinal)) { IsUser = true, AgentOf = agentRows };
        }
        return new ApiKeyGrant(userName, new HashSet<string>(StringComparer.Ordinal)) { IsUser = true };
    }

    /// <summary>A generated password for a first admin: 18 random bytes, base64url.</summary>
    public static string NewPassword() => Base64Url(RandomNumberGenerator.GetBytes(18));

    /// <summary><c>pbkdf2-sha256$iterations$salt$hash</c> (base64).</summary>
    public static string HashPassword(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool VerifyPassword(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "pbkdf2-sha256" || !int.TryParse(parts[1], out var iterations)) return false;
        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
