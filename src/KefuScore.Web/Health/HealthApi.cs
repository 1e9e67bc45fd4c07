using KefuScore.App.Storage;

namespace KefuScore.Web.Health;

/// <summary><c>GET /healthz</c>: 200 when the database answers (the server only listens once it has started up).</summary>
internal static class HealthApi
{
    public static void MapHealthApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/healthz", async (KefuDb db, CancellationToken ct) =>
                await db.Database.CanConnectAsync(ct) ? Results.Text("ok") : Results.Text("database unavailable", statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithName("Health").WithSummary("200 when the server is ready");
}
