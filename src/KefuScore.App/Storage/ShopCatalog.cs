using System.Text.RegularExpressions;
using KefuScore.App.Profiles;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Storage;

/// <summary>Why a shop cannot be created or given a profile.</summary>
public enum ShopRefusal { None, BadId, BadName, UnknownProfile, Exists, Unknown, HasEvents }

/// <summary>
/// Shops made before their first events arrive, with the rule profile chosen: the store analyses a shop's events under
/// the profile its row names, so a shop set up first is judged by its own platform's rules from its first message.
/// A shop's profile changes only while it has no events: its stored facts are the chosen profile's, and a change
/// afterwards would leave them judged by the old rules. The profile is a built-in id or a stored version (<c>id@version</c>,
/// <see cref="StoredProfiles"/>).
/// </summary>
public static partial class ShopCatalog
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex IdPattern();

    public static async Task<ShopRefusal> Create(KefuDb db, string id, string name, string profile, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!IdPattern().IsMatch(id ?? "")) return ShopRefusal.BadId;
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100) return ShopRefusal.BadName;
        if (profile is null || !await StoredProfiles.Exists(db, profile, ct)) return ShopRefusal.UnknownProfile;
        if (await db.Shops.AnyAsync(s => s.Id == id, ct)) return ShopRefusal.Exists;
        db.Shops.Add(new ShopRow { Id = id!, Name = name.Trim(), Profile = profile });
        await db.SaveChangesAsync(ct);
        return ShopRefusal.None;
    }

    public static async Task<ShopRefusal> SetProfile(KefuDb db, string id, string profile, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (profile is null || !await StoredProfiles.Exists(db, profile, ct)) return ShopRefusal.UnknownProfile;
        var row = await db.Shops.SingleOrDefaultAsync(s => s.Id == id, ct);
        if (row is null) return ShopRefusal.Unknown;
        if (await db.ShopCounts.AnyAsync(c => c.Shop == id && c.Events > 0, ct) || await db.Events.AnyAsync(e => e.Shop == id, ct)) return ShopRefusal.HasEvents;
        row.Profile = profile;
        await db.SaveChangesAsync(ct);
        return ShopRefusal.None;
    }
}
