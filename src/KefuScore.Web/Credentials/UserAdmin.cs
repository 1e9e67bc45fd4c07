using KefuScore.App.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.Web.Credentials;

/// <summary>
/// Taking credentials back and changing them, shared by the API (<see cref="CredentialsApi"/>) and the settings page so
/// both do exactly the same. Every change to a user renews their security stamp, so cookies issued before it stop
/// working at their next request. The last admin can be neither deleted nor demoted (nobody could manage users again).
/// Callers check that the caller is an admin.
/// </summary>
public static class UserAdmin
{
    public sealed record UserItem(string Name, string Role, IReadOnlyList<UserShop> Shops);

    public sealed record UserShop(string Shop, string Agent);

    public static async Task<IReadOnlyList<UserItem>> List(KefuDb db, CancellationToken ct = default)
    {
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name }).ToListAsync(ct);
        var shops = await db.UserShops.AsNoTracking().ToListAsync(ct);
        return (await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct)).Select(u => new UserItem(u.UserName ?? "",
            string.Join(",", roles.Where(r => r.UserId == u.Id).Select(r => r.Name)),
            shops.Where(s => s.UserId == u.Id).Select(s => new UserShop(s.Shop, s.Agent)).ToList())).ToList();
    }

    /// <summary>Deletes a user and their shops; null when done, else why not.</summary>
    public static async Task<string?> Delete(UserManager<IdentityUser> users, KefuDb db, string name, CancellationToken ct = default)
    {
        if (await users.FindByNameAsync(name) is not { } user) return $"user '{name}' does not exist";
        if (await IsLastAdmin(users, user)) return $"'{name}' is the last admin; make another user admin first";
        await db.UserShops.Where(s => s.UserId == user.Id).ExecuteDeleteAsync(ct);
        var deleted = await users.DeleteAsync(user);
        return deleted.Succeeded ? null : string.Join("; ", deleted.Errors.Select(e => e.Description));
    }

    /// <summary>Gives a user one role (and, for supervisors and agents, their shops: agents with their agent id); null when done.</summary>
    public static async Task<string?> SetRole(UserManager<IdentityUser> users, KefuDb db, string name, string role, IReadOnlyList<UserShop> shops, CancellationToken ct = default)
    {
        if (!Roles.All.Contains(role)) return $"role '{role}' is not one of {string.Join(", ", Roles.All)}";
        if (await users.FindByNameAsync(name) is not { } user) return $"user '{name}' does not exist";
        if (role != Roles.Admin && shops.Count == 0) return "supervisors and agents need at least one shop";
        if (role == Roles.Agent && shops.Any(s => s.Agent.Trim().Length == 0)) return "an agent needs their agent id in each shop";
        var current = await users.GetRolesAsync(user);
        if (role != Roles.Admin && current.Contains(Roles.Admin) && await IsLastAdmin(users, user)) return $"'{name}' is the last admin; make another user admin first";
        foreach (var old in current.Where(r => r != role))
        {
            var removed = await users.RemoveFromRoleAsync(user, old);
            if (!removed.Succeeded) return string.Join("; ", removed.Errors.Select(e => e.Description));
        }
        if (!current.Contains(role))
        {
            var added = await users.AddToRoleAsync(user, role);
            if (!added.Succeeded) return string.Join("; ", added.Errors.Select(e => e.Description));
        }
        await db.UserShops.Where(s => s.UserId == user.Id).ExecuteDeleteAsync(ct);
        if (role != Roles.Admin)
            foreach (var s in shops.DistinctBy(s => s.Shop, StringComparer.Ordinal))
                db.UserShops.Add(new UserShopRow { UserId = user.Id, Shop = s.Shop.Trim(), Agent = role == Roles.Agent ? s.Agent.Trim() : "" });
        await db.SaveChangesAsync(ct);
        // The role is in the cookie: renew the stamp so the old role's cookie stops at its next request.
        await users.UpdateSecurityStampAsync(user);
        return null;
    }

    /// <summary>Sets a user's password (the policy applies; the stamp is renewed by Identity); the errors, empty when done.</summary>
    public static async Task<IReadOnlyList<string>> SetPassword(UserManager<IdentityUser> users, string name, string password)
    {
        if (await users.FindByNameAsync(name) is not { } user) return [$"user '{name}' does not exist"];
        // The reset path checks the new password against the policy before it replaces the old one.
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var reset = await users.ResetPasswordAsync(user, token, password);
        return reset.Succeeded ? [] : reset.Errors.Select(e => e.Description).ToList();
    }

    private static async Task<bool> IsLastAdmin(UserManager<IdentityUser> users, IdentityUser user)
    {
        var admins = await users.GetUsersInRoleAsync(Roles.Admin);
        return admins.Count == 1 && admins[0].Id == user.Id;
    }
}
