using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace KefuScore.Web.Dashboard.Account;

/// <summary>
/// The cookie's stamp is checked at every HTTP request, but an open interactive page (a Blazor circuit) keeps the
/// user it started with. This checks the stamp again every minute, so a sign-out elsewhere, a new password, a new
/// role or a deleted user also ends the pages already open.
/// </summary>
internal sealed class StampRevalidation(ILoggerFactory log, IServiceScopeFactory scopes, IOptions<IdentityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(log)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await StillValid(scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>(), authenticationState.User, options.Value);
    }

    /// <summary>True while the user exists and the principal's security stamp is theirs.</summary>
    internal static async Task<bool> StillValid(UserManager<IdentityUser> users, ClaimsPrincipal principal, IdentityOptions options)
    {
        if (await users.GetUserAsync(principal) is not { } user) return false;
        if (!users.SupportsUserSecurityStamp) return true;
        return principal.FindFirstValue(options.ClaimsIdentity.SecurityStampClaimType) == await users.GetSecurityStampAsync(user);
    }
}
