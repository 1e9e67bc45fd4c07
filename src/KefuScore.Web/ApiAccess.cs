using System.Text.Json.Nodes;
using KefuScore.App.Storage;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace KefuScore.Web;

/// <summary>
/// What an <c>/api/v1</c> endpoint needs of its caller, declared on every endpoint with
/// <see cref="ApiAccess.RequireNeed{TBuilder}"/> and checked by <see cref="ApiKeyFilter"/> before the handler runs
/// (docs/security.md, "Roles and access").
/// </summary>
public enum Need
{
    /// <summary>The caller's own figures: an agent's sign-in gets its own agent only (the handler cuts the answer).</summary>
    ReadOwn,

    /// <summary>The whole shop read: every agent, the shop's totals and settings. Not for agents.</summary>
    ReadShop,

    /// <summary>Changes to the shop: settings, rules, webhooks, complaints' states, reviews, events. Not for agents.</summary>
    ManageShop,

    /// <summary>The whole server: an admin user or a key covering every shop.</summary>
    Admin,
}

/// <summary>The need an endpoint declared (endpoint metadata).</summary>
internal sealed record NeedMetadata(Need Need);

/// <summary>
/// The one access rule of the API. A grant (<see cref="Accounts.UserGrant"/> for a sign-in, <see cref="Accounts.Verify"/>
/// for a key) has, in a shop it covers: every need when it names no agent there (admins, supervisors, keys), only
/// <see cref="Need.ReadOwn"/> when it does (agents); <see cref="Need.Admin"/> needs a grant covering every shop.
/// </summary>
internal static class ApiAccess
{
    public static TBuilder RequireNeed<TBuilder>(this TBuilder builder, Need need) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new NeedMetadata(need));

    /// <summary>Whether <paramref name="grant"/> has <paramref name="need"/> in <paramref name="shop"/> (null: an endpoint not about one shop).</summary>
    public static bool Allows(ApiKeyGrant grant, string? shop, Need need)
    {
        ArgumentNullException.ThrowIfNull(grant);
        if (need == Need.Admin) return grant.AllShops && grant.AgentOf is null;
        if (shop is null) return need == Need.ReadOwn || grant.AgentOf is null;
        if (!grant.Covers(shop)) return false;
        return need == Need.ReadOwn || grant.AgentIn(shop) is null;
    }

    /// <summary>
    /// The refusal of a request to an endpoint, or null when the grant may call it: the endpoint's declared need in the
    /// route's <c>{shop}</c>, and for an agent an <c>{agent}</c> in the route that is their own. An endpoint that declares
    /// no need is refused to everyone (and fails the role-table test), so none can be added without saying who may call it.
    /// </summary>
    public static IResult? Refusal(HttpContext http, ApiKeyGrant grant)
    {
        var need = http.GetEndpoint()?.Metadata.GetMetadata<NeedMetadata>()?.Need;
        if (need is null)
            return Results.Json(new ApiError("this endpoint declares no access need, so it is refused to everyone (a server bug)"), statusCode: StatusCodes.Status403Forbidden);
        var shop = http.GetRouteValue("shop") as string;
        if (shop is not null && !grant.Covers(shop)) return ApiKeyFilter.Forbidden(shop);
        if (!Allows(grant, shop, need.Value))
            return Results.Json(new ApiError(need == Need.Admin
                ? "this needs an admin (a signed-in admin or a key covering every shop)"
                : "an agent's sign-in reads only the agent's own figures through the API"), statusCode: StatusCodes.Status403Forbidden);
        if (shop is not null && grant.AgentIn(shop) is { } own && http.GetRouteValue("agent") is string agent && agent != own)
            return Results.Json(new ApiError($"an agent's sign-in reads only agent '{own}'"), statusCode: StatusCodes.Status403Forbidden);
        return null;
    }

    /// <summary>Who did it, for notes, transitions and verdicts: the signed-in user's name, or <c>key:NAME</c>; never the request body.</summary>
    public static string Author(ApiKeyGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        return grant.IsUser ? grant.Name : $"key:{grant.Name}";
    }
}

/// <summary>Each operation's need in the OpenAPI document (<c>x-kefu-need</c>: read_own, read_shop, manage_shop, admin).</summary>
internal sealed class NeedInDocument : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<NeedMetadata>().LastOrDefault() is { } need)
        {
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-kefu-need"] = new JsonNodeExtension(JsonValue.Create(Name(need.Need)));
        }
        return Task.CompletedTask;
    }

    public static string Name(Need need) => need switch
    {
        Need.ReadOwn => "read_own",
        Need.ReadShop => "read_shop",
        Need.ManageShop => "manage_shop",
        _ => "admin",
    };
}
