using KefuScore.App.Storage;
using KefuScore.Web;
using KefuScore.Web.Complaints;
using KefuScore.Web.Credentials;
using KefuScore.Web.Dashboard;
using KefuScore.Web.Events;
using KefuScore.Web.Health;
using KefuScore.Web.Live;
using KefuScore.Web.Reports;
using KefuScore.Web.Shops;
using Scalar.AspNetCore;

namespace KefuScore.Web;

/// <summary>
/// Builds and runs the server. Program.cs and <c>kefu serve</c> both start it through here, so the two are the same
/// server with the same settings (<c>--urls</c>, <c>KEFU_DATA</c>, <c>ConnectionStrings__Kefu</c>).
/// </summary>
public static class KefuWebHost
{
    /// <summary>Runs until stopped; 0, or 2 when the settings are wrong (the message is on stderr).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        (args, var clustered) = Cluster.ClusterSettings.Strip(args);
        // The application name names the static-asset manifest; fixed, so `kefu serve` finds the dashboard's files too.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(KefuWebHost).Assembly.GetName().Name });
        // http://127.0.0.1:5080 unless --urls (or ASPNETCORE_URLS) says otherwise.
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://127.0.0.1:5080");

        // Quiet by default wherever the server is started from (appsettings.json is only found when the content root is this folder).
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddDbContext<KefuDb>(
            (sp, options) => KefuStorage.Configure(options, ServerSettings.Location(sp.GetRequiredService<IConfiguration>())),
            ServiceLifetime.Scoped, ServiceLifetime.Singleton);
        builder.Services.AddSingleton(sp => new EventStore(sp.GetRequiredService<Microsoft.EntityFrameworkCore.DbContextOptions<KefuDb>>(), App.Profiles.StoredProfiles.Resolver(sp.GetRequiredService<Microsoft.EntityFrameworkCore.DbContextOptions<KefuDb>>())));
        builder.Services.AddSingleton(sp => Events.IngestGate.From(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddLiveMonitor(builder.Configuration);
        builder.Services.AddSingleton<KefuScore.App.Faq.FaqLibrary>();
        builder.Services.AddCredentialLimits(builder.Configuration);
        builder.Services.AddIdleTrim();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer<BearerScheme>().AddOperationTransformer<NeedInDocument>());
        builder.AddDashboard();
        Cluster.ClusterSettings? cluster = null;
        if (clustered)
        {
            (cluster, var error) = Cluster.ClusterSettings.From(builder.Configuration);
            if (cluster is null)
            {
                await Console.Error.WriteLineAsync("KefuScore: " + error);
                return 2;
            }
            Cluster.ClusterHosting.AddCluster(builder, cluster);
        }

        var app = builder.Build();
        if (cluster is null) await FirstStart.Run(app.Services, app.Configuration, app.Lifetime.ApplicationStopping);
        else await Cluster.ClusterStart.Run(cluster.Connection, () => FirstStart.Run(app.Services, app.Configuration, app.Lifetime.ApplicationStopping), app.Lifetime.ApplicationStopping);

        app.UseIdleTrim();
        app.UseSecurityHeaders();
        app.UseRateLimiter();
        app.MapDashboard();
        // The API's description is for its callers: a key or a sign-in reads it, the browsable page needs a sign-in.
        app.MapGroup("").AddEndpointFilter<ApiKeyFilter>().RequireNeed(Need.ReadOwn).MapOpenApi();
        app.MapScalarApiReference().RequireAuthorization();
        app.MapHealthApi();
        var api = app.MapGroup("/api/v1").AddEndpointFilter<ApiKeyFilter>();
        api.MapEventsApi();
        api.MapShopsApi();
        api.MapRosterApi();
        api.MapProfilesApi();
        api.MapReportsApi();
        KefuScore.Web.Score.ScoreApi.MapScoreApi(api);
        KefuScore.Web.Staffing.PlanApi.MapPlanApi(api);
        api.MapLiveApi();
        api.MapComplaintsApi();
        api.MapFaqApi();
        api.MapModelsApi();
        api.MapTrainingApi();
        api.MapCredentialsApi();
        Cluster.ClusterApi.MapClusterApi(api);

        await app.RunAsync();
        return 0;
    }
}
