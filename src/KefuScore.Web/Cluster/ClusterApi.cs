using System.Text.Json.Serialization;
using Orleans.Runtime;

namespace KefuScore.Web.Cluster;

/// <summary>A silo as <c>GET /api/v1/cluster</c> lists it.</summary>
internal sealed record SiloItem(
    string Address,
    string Status,
    string Name,
    /// <summary>Shop grains active on this silo.</summary>
    int Shops,
    [property: JsonPropertyName("started")] DateTimeOffset Started,
    [property: JsonPropertyName("last_alive")] DateTimeOffset LastAlive);

/// <summary>The cluster: its silos and how many shop grains are active across them.</summary>
internal sealed record ClusterState(IReadOnlyList<SiloItem> Silos, [property: JsonPropertyName("shops_active")] int ShopsActive);

/// <summary><c>GET /api/v1/cluster</c> (admins): the silos in the membership table and the active shop grains.</summary>
internal static class ClusterApi
{
    public static void MapClusterApi(this IEndpointRouteBuilder api) =>
        api.MapGet("/cluster", async (HttpContext http) =>
            {
                if (http.RequestServices.GetService<IGrainFactory>() is not { } grains)
                    return Results.Json(new ApiError("this server does not run as a cluster (start it with --cluster)"), statusCode: StatusCodes.Status404NotFound);
                return Results.Ok(await Read(grains));
            })
            .RequireNeed(Need.Admin).WithName("GetCluster").WithSummary("Admin: the cluster's silos (active, joining, dead) and active shop grains")
            .Produces<ClusterState>().Produces<ApiError>(StatusCodes.Status404NotFound);

    // Orleans' own response timeout bounds these calls.
    public static async Task<ClusterState> Read(IGrainFactory grains)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false);
        var stats = await management.GetSimpleGrainStatistics();
        var grainType = typeof(ShopGrain).FullName!;
        var shopStats = stats.Where(s => s.GrainType.Contains(grainType, StringComparison.Ordinal)).ToList();
        var silos = hosts.OrderBy(h => h.SiloAddress.ToParsableString(), StringComparer.Ordinal)
            .Select(h => new SiloItem(h.SiloAddress.Endpoint.ToString(), Status(h.Status), h.SiloName ?? "",
                shopStats.Where(s => s.SiloAddress.Equals(h.SiloAddress)).Sum(s => s.ActivationCount),
                new DateTimeOffset(DateTime.SpecifyKind(h.StartTime, DateTimeKind.Utc)), new DateTimeOffset(DateTime.SpecifyKind(h.IAmAliveTime, DateTimeKind.Utc))))
            .ToList();
        return new ClusterState(silos, shopStats.Sum(s => s.ActivationCount));
    }

    /// <summary>True outside cluster mode; in it, once this silo is an active member (so /healthz answers 200 only then).</summary>
    public static bool LocalSiloActive(IServiceProvider services)
    {
        if (services.GetService<ClusterSettings>() is null) return true;
        var membership = services.GetRequiredService<IClusterMembershipService>();
        var local = services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        return membership.CurrentSnapshot.GetSiloStatus(local) == SiloStatus.Active;
    }

    /// <summary>Orleans' statuses in three words: serving, on its way in, or gone (stopping counts as gone: it takes no new work).</summary>
    internal static string Status(SiloStatus status) => status switch
    {
        SiloStatus.Active => "active",
        SiloStatus.Created or SiloStatus.Joining => "joining",
        _ => "dead",
    };
}
