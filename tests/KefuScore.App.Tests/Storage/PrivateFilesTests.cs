using System.Runtime.Versioning;
using KefuScore.App.Storage;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Tests.Storage;

/// <summary>The SQLite database and secrets are the owner's only (issue 17: kefu.db was created world-readable).</summary>
public sealed class PrivateFilesTests : IDisposable
{
    private const UnixFileMode Owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kefu-private-" + Guid.NewGuid().ToString("N"));

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public async Task A_new_database_and_its_wal_are_created_0600_in_a_0700_folder()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes");
        var location = new StorageLocation(Path.Combine(_folder, "data"));
        var options = KefuStorage.Options(location);
        await KefuStorage.InitialiseAsync(options);
        await using (var db = new KefuDb(options))
        {
            await db.Database.OpenConnectionAsync();
            await db.Database.ExecuteSqlRawAsync("CREATE TABLE probe (x INTEGER); INSERT INTO probe VALUES (1);");
            foreach (var file in new[] { "kefu.db", "kefu.db-wal", "kefu.db-shm" })
                Assert.Equal(Owner, File.GetUnixFileMode(Path.Combine(location.DataDirectory, file)));
        }
        Assert.Equal(Owner | UnixFileMode.UserExecute, File.GetUnixFileMode(location.DataDirectory));
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void An_existing_database_others_could_read_is_made_owner_only_and_a_secret_is_written_0600()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes");
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "kefu.db");
        File.WriteAllBytes(path, []);
        File.SetUnixFileMode(path, Owner | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        PrivateFiles.Database(path);
        Assert.Equal(Owner, File.GetUnixFileMode(path));

        var secret = Path.Combine(_folder, "secret.txt");
        File.WriteAllText(secret, "old");
        File.SetUnixFileMode(secret, Owner | UnixFileMode.OtherRead);
        PrivateFiles.WriteText(secret, "new");
        Assert.Equal(Owner, File.GetUnixFileMode(secret));
        Assert.Equal("new", File.ReadAllText(secret));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}
