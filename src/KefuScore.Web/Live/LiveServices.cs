using KefuScore.App.Storage;
using Microsoft.AspNetCore.DataProtection;

namespace KefuScore.Web.Live;

/// <summary>Registers the live monitor, the webhook dispatcher and the start-up rebuild (one line in KefuWebHost).</summary>
internal static class LiveServices
{
    public static IServiceCollection AddLiveMonitor(this IServiceCollection services, IConfiguration config)
    {
        // Webhook secrets are encrypted with these keys: they must outlive a restart, so they sit with the data.
        // The key files are written 0600 by the framework; the folders are made owner-only here before it creates them.
        var keys = Path.Combine(ServerSettings.Location(config).DataDirectory, "keys");
        PrivateFiles.Folder(Path.GetDirectoryName(keys)!);
        PrivateFiles.Folder(keys);
        services.AddDataProtection()
            .SetApplicationName("KefuScore")
            .PersistKeysToFileSystem(new DirectoryInfo(keys));
        services.AddSingleton(_ => WebhookOptions.From(config));
        services.AddSingleton(_ => WebhookTargets.From(config));
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddSingleton<LiveMonitor>();
        services.AddHostedService<LiveStartup>();
        return services;
    }
}

/// <summary>At start: listen to every commit, then load the last two days of stored events (silently: no old alert is re-sent).</summary>
internal sealed class LiveStartup(LiveMonitor monitor, EventStore store, IConfiguration config, IServiceProvider services, ILogger<LiveStartup> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // KEFU_LIVE=off: no live monitor (ingestion-only servers, and the benchmark's baseline).
        if (string.Equals(config["KEFU_LIVE"], "off", StringComparison.OrdinalIgnoreCase)) return;
        // The events are committed whatever happens here: a monitor failure must not turn the push into an error.
        void Guarded(Action apply, string failed)
        {
            try { apply(); }
            catch (Exception e) when (e is not OutOfMemoryException) { log.LogError(e, "live monitor: {Failed}", failed); }
        }
        store.ShopsCreated += shops => Guarded(() => monitor.Created(shops), "new shops could not be opened");
        store.Committed += events => Guarded(() => monitor.Ingest(events), "committed events could not be applied");
        // In a cluster each shop's grain loads its own shop where it activates and tells the watching silos of its
        // changes (Cluster/ShopGrain.cs); on one server the monitor's changes go straight to the notifier (the changes
        // stream hears of alerts as well as events; the live page watches the monitor itself).
        if (services.GetService<Cluster.ClusterSettings>() is null)
        {
            var changes = services.GetRequiredService<ShopChanges>();
            monitor.Changed += shop => changes.Raise([shop], ShopChange.Live);
            await monitor.Rebuild(cancellationToken);
        }
        // Rules saved on any silo reach the shop's grain at once, not at its next activation.
        else monitor.RulesStored = (shop, json) => services.GetRequiredService<IGrainFactory>().GetGrain<Cluster.IShopGrain>(shop).ApplyRules(json);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
