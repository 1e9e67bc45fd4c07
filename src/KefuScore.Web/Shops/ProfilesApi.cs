using System.Text.Json.Serialization;
using KefuScore.App.Profiles;
using KefuScore.App.Storage;
using KefuScore.Web.Live;

namespace KefuScore.Web.Shops;

/// <summary>A stored profile version as the API lists it.</summary>
internal sealed record StoredProfileItem(
    [property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("reference")] string Reference, [property: JsonPropertyName("author")] string Author,
    [property: JsonPropertyName("created")] DateTimeOffset Created, [property: JsonPropertyName("metrics")] int Metrics,
    [property: JsonPropertyName("assessments")] int Assessments)
{
    public static StoredProfileItem Of(ProfileVersionRow r) =>
        new(r.Id, r.Version, StoredProfiles.Reference(r.Id, r.Version), r.Author, new DateTimeOffset(r.CreatedTicks, TimeSpan.Zero), r.Metrics, r.Assessments);
}

internal sealed record ProfileList([property: JsonPropertyName("built_in")] IReadOnlyList<string> BuiltIn, [property: JsonPropertyName("stored")] IReadOnlyList<StoredProfileItem> Stored);

/// <summary>A problem of an uploaded profile: the line (0 when it has none), the field's path and the reason.</summary>
internal sealed record ProfileProblem([property: JsonPropertyName("line")] int Line, [property: JsonPropertyName("field")] string Field, [property: JsonPropertyName("reason")] string Reason);

internal sealed record ProfileRejection([property: JsonPropertyName("error")] string Error, [property: JsonPropertyName("errors")] IReadOnlyList<ProfileProblem> Errors);

internal sealed record ShopProfileRequest([property: JsonPropertyName("profile")] string? Profile, [property: JsonPropertyName("version")] int? Version);

internal sealed record ShopProfileItem([property: JsonPropertyName("shop")] string Shop, [property: JsonPropertyName("profile")] string Profile);

/// <summary>
/// Uploaded rule profiles (<see cref="StoredProfiles"/>): listed and read by anyone who reads a whole shop (they are
/// rules, not figures), stored by admins, each upload a new version; a shop's profile assigned by admins while it has
/// no events (<see cref="ShopCatalog.SetProfile"/>).
/// </summary>
internal static class ProfilesApi
{
    public static void MapProfilesApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/profiles", async (KefuDb db, CancellationToken ct) =>
                Results.Ok(new ProfileList(ProfileCatalog.BuiltInIds, (await StoredProfiles.List(db, ct)).Select(StoredProfileItem.Of).ToList())))
            .RequireNeed(Need.ReadShop).WithName("ListProfiles").WithSummary("The built-in profiles and every stored version of uploaded ones").Produces<ProfileList>();
        api.MapGet("/profiles/{id}/versions/{version:int}", async (KefuDb db, string id, int version, CancellationToken ct) =>
                await StoredProfiles.Get(db, id, version, ct) is { } row
                    ? Results.Text(row.Yaml, "application/yaml; charset=utf-8")
                    : Results.Json(new ApiError($"no stored profile '{id}' version {version}"), statusCode: StatusCodes.Status404NotFound))
            .RequireNeed(Need.ReadShop).WithName("GetStoredProfile").WithSummary("The YAML of a stored profile version")
            .Produces<string>(contentType: "application/yaml").Produces<ApiError>(StatusCodes.Status404NotFound);
        api.MapPost("/profiles", Upload)
            .RequireNeed(Need.Admin).WithName("UploadProfile").WithSummary("Check a profile's YAML and store it as the next version of its id")
            .Accepts<string>("application/yaml").Produces<StoredProfileItem>(StatusCodes.Status201Created).Produces<ProfileRejection>(StatusCodes.Status400BadRequest);
        api.MapPut("/shops/{shop}/profile", Assign)
            .RequireNeed(Need.Admin).WithName("AssignShopProfile").WithSummary("Give a shop without events a built-in profile or a stored version")
            .Produces<ShopProfileItem>().Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> Upload(HttpContext http, KefuDb db, TimeProvider clock, CancellationToken ct)
    {
        var text = await Complaints.ComplaintsApi.ReadText(http, ct);
        if (text is null || text.Length > StoredProfiles.MaxYamlLength)
            return Results.Json(new ApiError($"body: a profile holds at most {StoredProfiles.MaxYamlLength / 1024} KiB"), statusCode: StatusCodes.Status413PayloadTooLarge);
        var result = await StoredProfiles.Upload(db, text, ApiAccess.Author(ApiKeyFilter.Grant(http)), clock.GetUtcNow(), ct);
        if (result.Stored is { } row) return Results.Json(StoredProfileItem.Of(row), statusCode: StatusCodes.Status201Created);
        var placed = Dashboard.Profiles.ProfileErrors.Place(text, result.Errors);
        var problems = placed.Select(p => new ProfileProblem(p.Line + 1, Dashboard.Profiles.ProfileErrors.Field(p.Error.Path), p.Error.Problem)).ToList();
        return Results.Json(new ProfileRejection(result.Refusal == ProfileUploadRefusal.Invalid ? "the profile has problems; nothing was stored" : string.Join("; ", result.Errors), problems),
            statusCode: StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> Assign(HttpContext http, KefuDb db, string shop, CancellationToken ct)
    {
        ShopProfileRequest? request;
        try
        {
            request = await http.Request.ReadFromJsonAsync<ShopProfileRequest>(ct);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            request = null;
        }
        if (request?.Profile is not { Length: > 0 } profile)
            return Results.Json(new ApiError("body: {\"profile\": a built-in id or a stored id, \"version\": the stored version}"), statusCode: StatusCodes.Status400BadRequest);
        var reference = request.Version is { } v ? StoredProfiles.Reference(profile, v) : profile;
        var refusal = await ShopCatalog.SetProfile(db, shop, reference, ct);
        if (refusal == ShopRefusal.None) http.RequestServices.GetService<LiveMonitor>()?.Forget(shop);
        return refusal switch
        {
            ShopRefusal.None => Results.Ok(new ShopProfileItem(shop, reference)),
            ShopRefusal.UnknownProfile => Results.Json(new ApiError($"profile: '{reference}' is neither a built-in profile nor a stored version"), statusCode: StatusCodes.Status400BadRequest),
            ShopRefusal.Unknown => Results.Json(new ApiError($"shop '{shop}' is not known"), statusCode: StatusCodes.Status404NotFound),
            _ => Results.Json(new ApiError($"shop '{shop}' has events; its facts were computed under its profile, which therefore stays"), statusCode: StatusCodes.Status409Conflict),
        };
    }
}
