using KefuScore.App.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.Web.Credentials;

/// <summary>
/// API keys and users, for admins: a signed-in admin or a key covering every shop (the operator's). Keys are listed
/// with their last use and taken back by revoking; a new key is shown once. Users are deleted, given another role or
/// another password; each change ends the user's existing sessions.
/// </summary>
internal static class CredentialsApi
{
    public static void MapCredentialsApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/keys", ListKeys).RequireNeed(Need.Admin).WithName("ListKeys").WithSummary("API keys: name, the 4 characters kept in clear, shops, created, expiry, last use, revoked")
            .Produces<List<KeyItem>>().Produces<ApiError>(StatusCodes.Status403Forbidden);
        api.MapPost("/keys", AddKey).RequireNeed(Need.Admin).WithName("AddKey").WithSummary("A new API key, shown once in the answer; optional shops and expiry")
            .Produces<NewKey>(StatusCodes.Status201Created).Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status403Forbidden);
        api.MapDelete("/keys/{id:long}", RevokeKey).RequireNeed(Need.Admin).WithName("RevokeKey").WithSummary("Revoke a key: refused from then on, kept in the list")
            .Produces(StatusCodes.Status204NoContent).Produces<ApiError>(StatusCodes.Status403Forbidden).Produces<ApiError>(StatusCodes.Status404NotFound);
        api.MapGet("/users", ListUsers).RequireNeed(Need.Admin).WithName("ListUsers").WithSummary("Dashboard users with their role and shops")
            .Produces<IReadOnlyList<UserAdmin.UserItem>>().Produces<ApiError>(StatusCodes.Status403Forbidden);
        api.MapDelete("/users/{name}", DeleteUser).RequireNeed(Need.Admin).WithName("DeleteUser").WithSummary("Delete a user (not the last admin); their sessions end")
            .Produces(StatusCodes.Status204NoContent).Produces<ApiError>(StatusCodes.Status403Forbidden).Produces<ApiError>(StatusCodes.Status409Conflict);
        api.MapPut("/users/{name}/role", SetRole).RequireNeed(Need.Admin).WithName("SetUserRole").WithSummary("Give a user one role and their shops; their sessions end")
            .Produces(StatusCodes.Status204NoContent).Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status403Forbidden);
        api.MapPut("/users/{name}/password", SetPassword).RequireNeed(Need.Admin).WithName("SetUserPassword").WithSummary("Set a user's password (at least 10 characters, not a common one); their sessions end")
            .Produces(StatusCodes.Status204NoContent).Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status403Forbidden);
    }

    internal sealed record KeyItem(long Id, string Name, string Prefix, IReadOnlyList<string>? Shops, DateTimeOffset Created, DateTimeOffset? Expires,
        DateTimeOffset? LastUsed, DateTimeOffset? Revoked, bool Bootstrap);

    internal sealed record NewKeyRequest(string? Name, List<string>? Shops, DateTimeOffset? Expires);

    internal sealed record NewKey(long Id, string Name, string Key, DateTimeOffset? Expires);

    internal sealed record RoleRequest(string? Role, List<UserAdmin.UserShop>? Shops);

    internal sealed record PasswordRequest(string? Password);

    /// <summary>Managing credentials is the admin's: a grant covering every shop (an admin's sign-in or an all-shop key).</summary>
    private static bool IsAdmin(HttpContext http) => ApiKeyFilter.Grant(http).AllShops;

    private static IResult NotAdmin() => Results.Json(new ApiError("only an admin (or a key covering every shop) manages keys and users"), statusCode: StatusCodes.Status403Forbidden);

    private static IResult Bad(string why, int status = StatusCodes.Status400BadRequest) => Results.Json(new ApiError(why), statusCode: status);

    private static DateTimeOffset? At(long? ticks) => ticks is { } t ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    /// <summary>How a key is shown: <c>kefu_</c> and its 4 clear characters, or nothing for a chosen or bootstrap key.</summary>
    public static string Shown(ApiKeyRow row) => row.Prefix.Length > 0 ? "kefu_" + row.Prefix + "…" : "";

    private static async Task<IResult> ListKeys(HttpContext http, KefuDb db, CancellationToken ct)
    {
        if (!IsAdmin(http)) return NotAdmin();
        var rows = await db.ApiKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync(ct);
        return Results.Ok(rows.Select(r => new KeyItem(r.Id, r.Name, Shown(r), r.Shops == Accounts.AllShops ? null : r.Shops.Split(',', StringSplitOptions.RemoveEmptyEntries),
            new DateTimeOffset(r.CreatedTicks, TimeSpan.Zero), At(r.ExpiresTicks), At(r.LastUsedTicks), At(r.RevokedTicks), r.Bootstrap)).ToList());
    }

    private static async Task<IResult> AddKey(HttpContext http, KefuDb db, TimeProvider time, NewKeyRequest? request, CancellationToken ct)
    {
        if (!IsAdmin(http)) return NotAdmin();
        var name = request?.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100) return Bad("name: 1 to 100 characters");
        var now = time.GetUtcNow();
        if (request!.Expires is { } expires && expires <= now) return Bad("expires: must be in the future");
        var shops = request.Shops?.Select(s => s.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (shops is { Count: 0 }) return Bad("shops: leave it out for every shop, or name at least one");
        if (shops?.Any(s => s.Contains(',', StringComparison.Ordinal) || s == Accounts.AllShops) == true) return Bad("shops: a shop id holds no ',' and is not '*'");
        var key = Accounts.NewKey();
        var id = await Accounts.AddKey(db, name, key, shops, now.UtcTicks, request.Expires?.UtcTicks, bootstrap: false, ct);
        return Results.Json(new NewKey(id, name, key, request.Expires), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> RevokeKey(HttpContext http, KefuDb db, TimeProvider time, long id, CancellationToken ct)
    {
        if (!IsAdmin(http)) return NotAdmin();
        return await Accounts.RevokeKey(db, id, time.GetUtcNow().UtcTicks, ct) ? Results.NoContent() : Bad($"key {id} does not exist or is revoked already", StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ListUsers(HttpContext http, KefuDb db, CancellationToken ct) =>
        !IsAdmin(http) ? NotAdmin() : Results.Ok(await UserAdmin.List(db, ct));

    private static async Task<IResult> DeleteUser(HttpContext http, UserManager<IdentityUser> users, KefuDb db, string name, CancellationToken ct)
    {
        if (!IsAdmin(http)) return NotAdmin();
        if (await users.FindByNameAsync(name) is null) return Bad($"user '{name}' does not exist", StatusCodes.Status404NotFound);
        return await UserAdmin.Delete(users, db, name, ct) is { } error ? Bad(error, StatusCodes.Status409Conflict) : Results.NoContent();
    }

    private static async Task<IResult> SetRole(HttpContext http, UserManager<IdentityUser> users, KefuDb db, string name, RoleRequest? request, CancellationToken ct)
    {
        if (!IsAdmin(http)) return NotAdmin();
        if (await users.FindByNameAsync(name) is null) return Bad($"user '{name}' does not exist", StatusCodes.Status404NotFound);
        var error = await UserAdmin.SetRole(users, db, name, request?.Role ?? "", request?.Shops ?? [], ct);
        return error is null ? Results.NoContent() : Bad(error);
    }

    private static async Task<IResult> SetPassword(HttpContext http, UserManager<IdentityUser> users, string name, PasswordRequest? request)
    {
        if (!IsAdmin(http)) return NotAdmin();
        if (await users.FindByNameAsync(name) is null) return Bad($"user '{name}' does not exist", StatusCodes.Status404NotFound);
        var errors = await UserAdmin.SetPassword(users, name, request?.Password ?? "");
        return errors.Count == 0 ? Results.NoContent() : Bad("password: " + string.Join("; ", errors));
    }
}
