using KefuScore.App.Storage;
using KefuScore.Web.Dashboard.Account;
using KefuScore.Web.Dashboard.Export;
using Microsoft.AspNetCore.Identity;
using MudBlazor.Services;

namespace KefuScore.Web.Dashboard;

/// <summary>
/// The dashboard's registrations, so the host adds it with two lines: Identity sign-in (cookie) over the users in
/// KefuDb, Blazor with interactive server rendering, MudBlazor, and the change notifier pages listen to.
/// </summary>
public static class DashboardSetup
{
    public static void AddDashboard(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Static files of packages (MudBlazor, blazor.web.js) from the build output, whatever the environment.
        builder.WebHost.UseStaticWebAssets();
        services.AddSingleton<ShopChanges>();
        services.AddSingleton<Overview.OverviewCache>();
        services.AddIdentityCore<IdentityUser>(IdentityRules)
            .AddPasswordValidator<Credentials.PasswordPolicy>()
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<KefuDb>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        // The cookie's security stamp is checked at every request: sign-out, a new password, a new role or a deleted
        // user end every cookie issued before, at once rather than after the default 30 minutes.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.Cookie.Name = "kefu-auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.ExpireTimeSpan = TimeSpan.FromDays(14);
            o.SlidingExpiration = true;
            // The API answers 401/403 as JSON through its own filter; never a redirect to the sign-in page.
            o.Events.OnRedirectToLogin = ctx =>
            {
                if (ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Path.StartsWithSegments("/export")) ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                else ctx.Response.Redirect(ctx.RedirectUri);
                return Task.CompletedTask;
            };
        });
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
        services.AddScoped<Access>();
        services.AddRazorComponents().AddInteractiveServerComponents();
        // After the components' own registrations, so that open pages re-check the user's stamp (StampRevalidation).
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, StampRevalidation>();
        services.AddMudServices();
        services.AddHttpContextAccessor();
    }

    /// <summary>The sign-in rules (also used by tests that build Identity without the whole server).</summary>
    internal static void IdentityRules(IdentityOptions o)
    {
        // Length and a deny-list over composition rules (NIST 800-63B; Credentials/PasswordPolicy.cs): generated
        // admin passwords are 24 random characters.
        o.Password.RequiredLength = Credentials.PasswordPolicy.MinLength;
        o.Password.RequireDigit = false;
        o.Password.RequireLowercase = false;
        o.Password.RequireUppercase = false;
        o.Password.RequireNonAlphanumeric = false;
        o.User.RequireUniqueEmail = false;
        // No account lockout: anyone could lock the admin out by failing on purpose. Guessing is slowed per address
        // and user name instead (Credentials/CredentialLimits.cs).
        o.Lockout.AllowedForNewUsers = false;
    }

    public static void MapDashboard(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapAccountEndpoints();
        app.MapExportEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        // The address to open, on the console (the newcomer's first command ends here).
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses) Console.Out.WriteLine($"KefuScore: dashboard at {address}/ (sign in as the admin user)");
        });
    }

    /// <summary>The three roles, created at every start when missing.</summary>
    public static async Task EnsureRoles(RoleManager<IdentityRole> roles)
    {
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role)) await roles.CreateAsync(new IdentityRole(role));
    }
}
