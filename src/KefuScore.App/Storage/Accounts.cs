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
/// (a key has 256 bits of entropy, so a salt adds nothing) and looked up by it, with at most 4 characters of the
/// random part kept to tell keys apart. A key is named, may expire, can be revoked, and records its last use.
/// Passwords are PBKDF2-SHA256 with a per-user salt. Neither is ever logged.
/// </summary>
public static class Accounts
{
    public const string AllShops = "*";
    private const int Iterations = 100_000;

    /// <summary>A new random key (to show once).</summary>
    public static string NewKey() => "kefu_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static byte[] HashKey(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>Stores a key; <paramref name="shops"/> null for every shop. Returns its id.</summary>
    public static Task<long> AddKey(KefuDb db, string name, string key, IEnumerable<string>? shops, long createdTicks, CancellationToken ct = default) =>
        AddKey(db, name, key, shops, createdTicks, expiresTicks: null, bootstrap: false, ct);

    /// <summary>Stores a key that expires at <paramref name="expiresTicks"/> (null: never); a bootstrap key keeps no prefix at all.</summary>
    public static async Task<long> AddKey(KefuDb db, string name, string key, IEnumerable<string>? shops, long createdTicks, long? expiresTicks, bool bootstrap,
        CancellationToken ct = default)
    {
        var row = new ApiKeyRow
        {
            Name = name, Prefix = bootstrap ? "" : ShownPrefix(key), Hash = HashKey(key),
            Shops = shops is null ? AllShops : string.Join(",", shops), CreatedTicks = createdTicks, ExpiresTicks = expiresTicks, Bootstrap = bootstrap,
        };
        db.ApiKeys.Add(row);
        await db.SaveChangesAsync(ct);
        return row.Id;
    }

    /// <summary>How many characters of a key's random part are kept in clear to tell keys apart (22 bits: no help to a guesser).</summary>
    public const int PrefixLength = 4;

    /// <summary>
    /// The characters kept in clear: the first 4 after <c>kefu_</c> of a generated key; nothing of any other key (an
    /// operator's chosen key such as <c>demo-key</c> may be short or guessable, so none of it is kept).
    /// </summary>
    public static string ShownPrefix(string key) =>
        key.StartsWith("kefu_", StringComparison.Ordinal) && key.Length >= 5 + 32 ? key.Substring(5, PrefixLength) : "";

    /// <summary>
    /// The grant of a presented key at <paramref name="nowTicks"/>, or null when it is not a stored key, was revoked or
    /// has expired. Records the use (at most one write a minute per key).
    /// </summary>
    public static async Task<ApiKeyGrant?> Verify(KefuDb db, string key, long nowTicks, CancellationToken ct = default)
    {
        var hash = HashKey(key);
        var row = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Hash == hash, ct);
        if (row is null || !IsLive(row, nowTicks)) return null;
        if (row.LastUsedTicks is not { } used || nowTicks - used >= TimeSpan.TicksPerMinute)
            await db.ApiKeys.Where(k => k.Id == row.Id).ExecuteUpdateAsync(u => u.SetProperty(k => k.LastUsedTicks, nowTicks), ct);
        return new ApiKeyGrant(row.Name, row.Shops == AllShops ? null : row.Shops.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>Neither revoked nor expired at <paramref name="nowTicks"/>.</summary>
    public static bool IsLive(ApiKeyRow row, long nowTicks) => row.RevokedTicks is null && (row.ExpiresTicks is not { } expires || nowTicks < expires);

    /// <summary>Revokes a key; false when there is no such key or it was revoked already.</summary>
    public static async Task<bool> RevokeKey(KefuDb db, long id, long nowTicks, CancellationToken ct = default) =>
        await db.ApiKeys.Where(k => k.Id == id && k.RevokedTicks == null).ExecuteUpdateAsync(u => u.SetProperty(k => k.RevokedTicks, nowTicks), ct) > 0;

    /// <summary>
    /// Brings the bootstrap key in line with <c>KEFU_BOOTSTRAP_API_KEY</c> at start: the variable's key is added when
    /// missing (never revived once revoked), and every other bootstrap key, all of them when the variable is unset, is
    /// revoked, so removing or changing the variable takes the old key back.
    /// </summary>
    public static async Task ReconcileBootstrap(KefuDb db, string? key, long nowTicks, CancellationToken ct = default)
    {
        var hash = key is null ? null : HashKey(key);
        if (hash is not null && !await db.ApiKeys.AnyAsync(k => k.Hash == hash, ct))
            await AddKey(db, "bootstrap", key!, null, nowTicks, expiresTicks: null, bootstrap: true, ct);
        foreach (var row in await db.ApiKeys.Where(k => k.Bootstrap && k.RevokedTicks == null).ToListAsync(ct))
            if (hash is null || !row.Hash.AsSpan().SequenceEqual(hash)) row.RevokedTicks = nowTicks;
        await db.SaveChangesAsync(ct);
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
