using KefuScore.App.Storage;

namespace KefuScore.Web.Health;

/// <summary><c>GET /healthz</c>: 200 when the database answers (the server only listens once it has started up).</summary>
internal static class HealthApi
{
    public static void MapHealthApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/healthz", async (HttpContext http, KefuDb db, CancellationToken ct) =>
                !await db.Database.CanConnectAsync(ct) ? Results.Text("database unavailable", statusCode: StatusCodes.Status503ServiceUnavailable)
                : !Cluster.ClusterApi.LocalSiloActive(http.RequestServices) ? Results.Text("not yet an active member of the cluster", statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Text("ok"))
            .WithName("Health").WithSummary("200 when the server is ready");
}
