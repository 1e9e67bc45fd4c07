using KefuScore.App.Storage;
using Microsoft.OpenApi;
using Microsoft.AspNetCore.OpenApi;

namespace KefuScore.Web;

/// <summary>
/// Every <c>/api/v1</c> endpoint needs <c>Authorization: Bearer &lt;api key&gt;</c> or a signed-in dashboard user: 401
/// without either. The grant (which shops the key or user covers, and for an agent which agent they are) is left in the
/// request for the endpoint to check with <see cref="Grant"/>. The endpoint's declared <see cref="Need"/> is checked here,
/// before the handler runs (<see cref="ApiAccess.Refusal"/>).
/// </summary>
internal sealed class ApiKeyFilter : IEndpointFilter
{
    private const string Item = "kefu.grant";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        ApiKeyGrant? grant = null;
        if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header.Length > scheme.Length)
        {
            // Wrong keys are counted per address; past the limit no key is even looked at until the window ends.
            var throttle = http.RequestServices.GetRequiredService<Credentials.CredentialThrottle>();
            var address = Credentials.CredentialThrottle.AddressOf(http);
            if (throttle.KeyBlocked(address, out var retryAfter))
                return Credentials.CredentialThrottle.TooMany(http, retryAfter, "too many wrong API keys from this address");
            var db = http.RequestServices.GetRequiredService<KefuDb>();
            var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcTicks;
            grant = await Accounts.Verify(db, header[scheme.Length..].Trim(), now, http.RequestAborted);
            if (grant is null) throttle.KeyFailed(address);
        }
        else if (http.User.Identity?.IsAuthenticated == true)
        {
            grant = await Dashboard.Access.GrantOf(http.RequestServices, http.User, http.RequestAborted);
        }
        if (grant is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Json(new ApiError("a valid API key is required: Authorization: Bearer <key>"), statusCode: StatusCodes.Status401Unauthorized);
        }
        // The endpoint's declared need, in the route's shop (and agent): one rule for every endpoint (ApiAccess).
        if (ApiAccess.Refusal(http, grant) is { } refused) return refused;
        http.Items[Item] = grant;
        return await next(context);
    }

    public static ApiKeyGrant Grant(HttpContext http) =>
        http.Items[Item] as ApiKeyGrant ?? throw new InvalidOperationException("the API key filter did not run");

    public static IResult Forbidden(string shop) =>
        Results.Json(new ApiError($"this API key does not cover shop '{shop}'"), statusCode: StatusCodes.Status403Forbidden);
}

/// <summary>An error answer: one sentence saying what is wrong.</summary>
internal sealed record ApiError(string Error);

internal static class ShopEndpoints
{
    /// <summary>
    /// The answers of a read under <c>/shops/{shop}</c> in the OpenAPI document: its JSON, or an <see cref="ApiError"/>
    /// for a bad query (400), a shop the caller may not see (403) or one with nothing stored (404).
    /// </summary>
    public static RouteHandlerBuilder ProducesShopJson(this RouteHandlerBuilder endpoint) =>
        endpoint.Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status403Forbidden).Produces<ApiError>(StatusCodes.Status404NotFound);
}

/// <summary>Declares the bearer API key in the OpenAPI document, so the Scalar page can send it.</summary>
internal sealed class BearerScheme : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["ApiKey"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An API key: Authorization: Bearer <key>",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiKey", document)] = [] });
        return Task.CompletedTask;
    }
}
