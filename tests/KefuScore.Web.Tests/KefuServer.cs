using System.Net.Http.Headers;
using KefuScore.App.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KefuScore.Web.Tests;

/// <summary>The server in-process on a temporary SQLite file, with a bootstrap key covering every shop; no demo shop.</summary>
public class KefuServer : WebApplicationFactory<Program>
{
    public const string Key = "kefu_test_bootstrap_key_0123456789";

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "kefu-web-" + Guid.NewGuid().ToString("N"));

    protected virtual bool Demo => false;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("KEFU_DATA", Folder);
        builder.UseSetting("KEFU_BOOTSTRAP_API_KEY", Key);
        builder.UseSetting("KEFU_ADMIN_PASSWORD", "test-admin-password");
        builder.UseSetting("KEFU_DEMO", Demo ? "on" : "off");
    }

    public HttpClient Client(string? key = Key)
    {
        var client = CreateClient();
        // Training a shop's model takes about 2 min when CI runs every test project at once on 2 cores: the default
        // 100 s per request failed such runs although nothing hung.
        client.Timeout = TimeSpan.FromMinutes(10);
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Adds a key limited to <paramref name="shops"/> and returns it.</summary>
    public async Task<string> KeyFor(params string[] shops)
    {
        var key = Accounts.NewKey();
        using var scope = Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        await Accounts.AddKey(db, "limited", key, shops, 0);
        return key;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}

/// <summary>The same server with the first-start demo shop.</summary>
public sealed class KefuServerWithDemo : KefuServer
{
    protected override bool Demo => true;
}
