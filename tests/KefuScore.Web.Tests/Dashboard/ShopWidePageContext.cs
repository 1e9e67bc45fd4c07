using System.Security.Claims;
using Bunit;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Web.Dashboard;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace KefuScore.Web.Tests.Dashboard;

/// <summary>
/// A bUnit context over a real SQLite store for the shop-wide pages (体验分, 排班): events ingested as the server
/// does, a user signed in with a role, the page rendered as it runs over a circuit.
/// </summary>
public abstract class ShopWidePageContext : BunitContext
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kefu-page-" + Guid.NewGuid().ToString("N"));

    protected DbContextOptions<KefuDb> Options { get; }

    protected ShopWidePageContext()
    {
        Options = KefuStorage.Options(new StorageLocation(_folder));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    protected async Task Store(IEnumerable<ChatEvent> events)
    {
        await KefuStorage.InitialiseAsync(Options);
        using var store = new EventStore(Options);
        foreach (var chunk in events.Chunk(5000)) await store.Ingest(chunk);
    }

    /// <summary>Signs in a user with <paramref name="role"/>; an agent stands for <paramref name="agent"/> in <paramref name="shop"/>.</summary>
    protected async Task SignIn(string role, DateTimeOffset now, string? shop = null, string? agent = null)
    {
        string userId;
        await using (var db = new KefuDb(Options))
        {
            var r = new IdentityRole(role) { NormalizedName = role.ToUpperInvariant() };
            var user = new IdentityUser("u-" + role) { NormalizedUserName = "U-" + role.ToUpperInvariant() };
            db.Roles.Add(r);
            db.Users.Add(user);
            db.UserRoles.Add(new IdentityUserRole<string> { RoleId = r.Id, UserId = user.Id });
            if (shop is not null) db.UserShops.Add(new UserShopRow { UserId = user.Id, Shop = shop, Agent = agent ?? "" });
            await db.SaveChangesAsync();
            userId = user.Id;
        }
        Services.AddSingleton(Options);
        Services.AddSingleton<TimeProvider>(new FixedClock(now));
        Services.AddSingleton(new ShopChanges());
        Services.AddScoped<Access>();
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        var auth = AddAuthorization();
        auth.SetAuthorized("u-" + role);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}
