using KefuScore.App.Storage;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.Web.Shops;

/// <summary>A shop as the API lists it.</summary>
internal sealed record ShopItem(string Id, string Name);

/// <summary><c>GET /api/v1/shops</c>: the shops the key covers.</summary>
internal static class ShopsApi
{
    public static void MapShopsApi(this IEndpointRouteBuilder api) =>
        api.MapGet("/shops", async (HttpContext http, KefuDb db, CancellationToken ct) =>
            {
                var grant = ApiKeyFilter.Grant(http);
                var shops = await db.Shops.AsNoTracking().Select(s => new ShopItem(s.Id, s.Name)).ToListAsync(ct);
                return Results.Ok(shops.Where(s => grant.Covers(s.Id)).OrderBy(s => s.Id, StringComparer.Ordinal).ToList());
            })
            .RequireNeed(Need.ReadOwn).WithName("ListShops").WithSummary("The shops this API key covers").Produces<List<ShopItem>>();
}
