using System.Security.Claims;
using KefuScore.App.Storage;
using KefuScore.Engine.Reports;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.Web.Dashboard;

/// <summary>
/// What the signed-in user may see, for pages and the API alike (<see cref="Accounts.UserGrant"/>): one rule in one
/// place, so a page can never show what the API would refuse.
/// </summary>
public sealed class Access(AuthenticationStateProvider auth, DbContextOptions<KefuDb> options)
{
    private ApiKeyGrant? _grant;

    /// <summary>The grant of the circuit's user (read once per circuit); nothing when signed out.</summary>
    public async Task<ApiKeyGrant> Current(CancellationToken ct = default)
    {
        if (_grant is not null) return _grant;
        var state = await auth.GetAuthenticationStateAsync();
        await using var db = new KefuDb(options);
        _grant = await GrantOf(db, state.User, ct);
        return _grant;
    }

    /// <summary>The shops the user may see, in id order, with their names.</summary>
    public async Task<IReadOnlyList<ShopRow>> Shops(CancellationToken ct = default)
    {
        var grant = await Current(ct);
        await using var db = new KefuDb(options);
        var shops = await db.Shops.AsNoTracking().ToListAsync(ct);
        return shops.Where(s => grant.Covers(s.Id)).OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
    }

    internal static async Task<ApiKeyGrant> GrantOf(IServiceProvider services, ClaimsPrincipal user, CancellationToken ct)
    {
        var db = services.GetRequiredService<KefuDb>();
        return await GrantOf(db, user, ct);
    }

    private static async Task<ApiKeyGrant> GrantOf(KefuDb db, ClaimsPrincipal user, CancellationToken ct)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (user.Identity?.IsAuthenticated != true || id is null) return new ApiKeyGrant("", new HashSet<string>()) { IsUser = true };
        // Roles from the database, not the cookie: a role taken away applies at once.
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == id select r.Name).ToListAsync(ct);
        return await Accounts.UserGrant(db, id, user.Identity.Name ?? "", roles.OfType<string>(), ct);
    }

    /// <summary>The report cut down to one agent: the shop totals and every other agent removed.</summary>
    public static Report OnlyAgent(Report report, string agent) => report with
    {
        Shops = report.Shops.Select(s => s with { Periods = [], Agents = s.Agents.Where(a => a.Agent == agent).ToList() }).ToList(),
    };
}
