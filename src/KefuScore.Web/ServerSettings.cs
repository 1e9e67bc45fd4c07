using KefuScore.App.Storage;

namespace KefuScore.Web;

/// <summary>The server's settings, from configuration (environment variables, command line, appsettings).</summary>
internal static class ServerSettings
{
    /// <summary>Largest request body <c>POST /api/v1/events</c> takes; larger ones get 413.</summary>
    public const long MaxEventsBody = 10 << 20;

    /// <summary>Data under <c>KEFU_DATA</c> (default <c>./data</c>); PostgreSQL when <c>ConnectionStrings__Kefu</c> is set.</summary>
    public static StorageLocation Location(IConfiguration config) =>
        StorageLocation.Resolve(config["KEFU_DATA"], config.GetConnectionString("Kefu"));
}
