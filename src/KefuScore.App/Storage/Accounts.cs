using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Storage;

/// <summary>An API key as a request presents it, once verified: its name and the shops it covers.</summary>
public sealed record ApiKeyGrant(string Name, IReadOnlySet<string>? Shops)
{
    /// <summary>True when the key covers every shop, including shops not yet known.</summary>
    public bool AllShops => Shops is null;

    public bool Covers(string shop) => Shops is null || Shops.Contains(shop);
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
