using KefuScore.App.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace KefuScore.Web.Dashboard.Account;

/// <summary>
/// Sign-in and sign-out (cookie, ASP.NET Core Identity) and the language switch. Plain form posts with antiforgery
/// tokens: the cookie must be set on an HTTP response, which an interactive page does not have.
/// </summary>
internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/signin", SignIn).ExcludeFromDescription();
        app.MapPost("/account/signout", async (HttpContext http, SignInManager<IdentityUser> signIn, UserManager<IdentityUser> users) =>
        {
            // A new stamp: a copy of the cookie (saved, stolen) stops working too, not only this browser's.
            if (await users.GetUserAsync(http.User) is { } user) await users.UpdateSecurityStampAsync(user);
            await signIn.SignOutAsync();
            return Results.LocalRedirect("~/account/login");
        }).ExcludeFromDescription();
        app.MapGet("/account/lang", (HttpContext http, string? to, string? back) =>
        {
            // A year: the choice is remembered on this browser. Not HttpOnly-sensitive, but no script needs it either.
            http.Response.Cookies.Append(Lang.Cookie, to == "en" ? "en" : "zh", new CookieOptions
            {
                MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true,
            });
            return Results.LocalRedirect(LocalOr(back, "~/"));
        }).ExcludeFromDescription();
    }

    private static async Task<IResult> SignIn([FromForm] string user, [FromForm] string password, [FromForm] string? returnUrl, HttpContext http,
        SignInManager<IdentityUser> signIn, UserManager<IdentityUser> users, Credentials.CredentialThrottle throttle)
    {
        var address = Credentials.CredentialThrottle.AddressOf(http);
        if (throttle.SignInBlocked(address, user, out var retryAfter))
        {
            // A page, not JSON: this answer goes to a browser's form post.
            var seconds = Credentials.CredentialThrottle.RetrySeconds(retryAfter);
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Content($"<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>KefuScore</title><p>登录失败次数过多，请 {seconds} 秒后再试。</p>" +
                $"<p lang=\"en\">Too many failed sign-ins from this address; try again in {seconds} s.</p><p><a href=\"/account/login\">登录 Sign in</a></p></html>",
                "text/html; charset=utf-8", System.Text.Encoding.UTF8, StatusCodes.Status429TooManyRequests);
        }
        var found = await users.FindByNameAsync(user);
        var succeeded = false;
        if (found is null)
        {
            // An unknown name costs one password hash as a known one does, so the answer's timing does not tell them apart.
            users.PasswordHasher.VerifyHashedPassword(Nobody, NobodysHash.Value, password);
        }
        else
        {
            succeeded = (await signIn.PasswordSignInAsync(found, password, isPersistent: true, lockoutOnFailure: false)).Succeeded;
        }
        if (!succeeded)
        {
            throttle.SignInFailed(address, user);
            return Results.LocalRedirect("~/account/login?error=1&returnUrl=" + Uri.EscapeDataString(LocalOr(returnUrl, "/")));
        }
        return Results.LocalRedirect(LocalOr(returnUrl, "~/"));
    }

    private static readonly IdentityUser Nobody = new("nobody");

    /// <summary>A hash of a random password in Identity's default format (the same work as a stored user's).</summary>
    private static readonly Lazy<string> NobodysHash = new(() =>
        new PasswordHasher<IdentityUser>().HashPassword(Nobody, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18))));

    /// <summary>Only local addresses: a sign-in link must not send the user to another site (open redirect).</summary>
    private static string LocalOr(string? url, string fallback) => Local(url) ?? fallback;

    /// <summary>
    /// <paramref name="url"/> as a local redirect target, or null when it is not one: a path from this site's root
    /// (<c>/x</c>, not <c>//host</c> or <c>/\host</c>) without control characters, which the framework's local check
    /// refuses by throwing (<c>/%09/x</c> answered 500). Spaces and non-ASCII are percent-encoded as UTF-8, since a
    /// <c>Location</c> header carries ASCII only.
    /// </summary>
    internal static string? Local(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/') return null;
        if (url.Length > 1 && (url[1] == '/' || url[1] == '\\')) return null;
        if (url.Any(char.IsControl)) return null;
        var text = new System.Text.StringBuilder(url.Length);
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in url.EnumerateRunes())
        {
            if (rune.Value is > ' ' and < 0x7F) { text.Append((char)rune.Value); continue; }
            var n = rune.EncodeToUtf8(bytes);
            foreach (var b in bytes[..n]) text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    /// <summary>Creates a user with a role (and, for supervisors and agents, their shops); the errors when Identity refuses.</summary>
    public static async Task<IReadOnlyList<string>> CreateUser(UserManager<IdentityUser> users, KefuDb db, string name, string password, string role,
        IEnumerable<(string Shop, string Agent)> shops, CancellationToken ct = default)
    {
        if (!Roles.All.Contains(role)) return [$"role '{role}' is not one of {string.Join(", ", Roles.All)}"];
        var user = new IdentityUser(name);
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) return created.Errors.Select(e => e.Description).ToList();
        var added = await users.AddToRoleAsync(user, role);
        if (!added.Succeeded) return added.Errors.Select(e => e.Description).ToList();
        foreach (var (shop, agent) in shops)
            db.UserShops.Add(new UserShopRow { UserId = user.Id, Shop = shop, Agent = role == Roles.Agent ? agent : "" });
        await db.SaveChangesAsync(ct);
        return [];
    }
}
