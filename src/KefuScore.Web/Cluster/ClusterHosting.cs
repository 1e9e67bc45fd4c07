using Microsoft.AspNetCore.DataProtection;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;

namespace KefuScore.Web.Cluster;

/// <summary>Makes the server an Orleans silo (one line in KefuWebHost): membership in PostgreSQL, a grain per shop.</summary>
internal static class ClusterHosting
{
    public static void AddCluster(this WebApplicationBuilder builder, ClusterSettings settings)
    {
        builder.Services.AddSingleton(settings);
        var db = NpgsqlDataSource.Create(settings.Connection);
        builder.Services.AddSingleton(db);
        builder.Services.AddDataProtection().AddKeyManagementOptions(o => o.XmlRepository = new PostgresKeyRing(db));
        builder.Services.AddSingleton<ClusterIngest>();
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            silo.ConfigureEndpoints(settings.Address, settings.SiloPort, settings.GatewayPort);
            silo.Services.AddSingleton<IMembershipTable, PostgresMembership>();
            // A killed silo is declared dead in about ten seconds rather than the default half minute, so that its
            // shops' grains come back elsewhere while clients retry (docs/scale.md). Not faster: a silo starved of CPU
            // (three silos starting on two cores) was declared dead while joining and stopped itself.
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(3);
                o.NumMissedProbesLimit = 3;
            });
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(30));
            // Events cross silos through their generated codec (ChatEventCodec.cs); a live picture, asked for once per
            // page refresh, as JSON: the engine's types carry no serializer attributes (it takes no packages).
            silo.Services.AddSerializer(s => s.AddJsonSerializer(isSupported: t => t == typeof(KefuScore.Engine.Live.LiveState)));
        });
        // After the silo's own start: the observer that carries shop grains' changes to this silo's pages.
        builder.Services.AddSingleton<ShopSubscriptions>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ShopSubscriptions>());
    }
}
