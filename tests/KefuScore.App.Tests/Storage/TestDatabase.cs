using KefuScore.App.Storage;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Tests.Storage;

/// <summary>
/// A fresh database for one test: a SQLite file in a temp folder, or a new PostgreSQL database named after a GUID on
/// the server <c>KEFU_TEST_POSTGRES</c> points at (the role needs CREATEDB); dropped afterwards.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "KEFU_TEST_POSTGRES";

    private TestDatabase(StorageLocation location, string folder)
    {
        Location = location;
        Folder = folder;
        Options = KefuStorage.Options(location);
        Store = new EventStore(Options);
    }

    public StorageLocation Location { get; }
    public string Folder { get; }
    public DbContextOptions<KefuDb> Options { get; }
    public EventStore Store { get; }

    public KefuDb Open() => new(Options);

    /// <summary>
    /// The database for <paramref name="provider"/> ("sqlite" or "postgres"). When PostgreSQL is not configured the test
    /// is skipped, saying why (so its tests are [SkippableTheory]); under CI=true a missing PostgreSQL fails it instead.
    /// </summary>
    public static async Task<TestDatabase> Create(string provider)
    {
        var folder = Path.Combine(Path.GetTempPath(), "kefu-store-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        StorageLocation location;
        if (provider == "postgres")
        {
            var server = Environment.GetEnvironmentVariable(PostgresVariable);
            if (string.IsNullOrWhiteSpace(server))
            {
                if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                    Assert.Fail($"CI=true but {PostgresVariable} is not set: the storage tests must run on PostgreSQL too (docs/storage.md)");
                Directory.Delete(folder);
                throw new SkipException($"PostgreSQL not tested: set {PostgresVariable} to a connection string (docs/storage.md)");
            }
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = "kefu_test_" + Guid.NewGuid().ToString("N")[..12] };
            location = new StorageLocation(folder, builder.ConnectionString);
        }
        else
        {
            location = new StorageLocation(folder);
        }
        var db = new TestDatabase(location, folder);
        await KefuStorage.InitialiseAsync(db.Options);
        return db;
    }

    public async ValueTask DisposeAsync()
    {
        Store.Dispose();
        if (Location.PostgresConnection is not null)
        {
            // Dropping forces other sessions off the database; an autovacuum worker that happens to be on it belongs to
            // the postgres role, which our role may not terminate (42501). Try a few times, then leave the scratch
            // database behind: it holds nothing another test reads.
            Npgsql.NpgsqlConnection.ClearAllPools();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var db = Open();
                    await db.Database.EnsureDeletedAsync();
                    break;
                }
                catch (Npgsql.PostgresException e) when (e.SqlState == "42501" && attempt < 5)
                {
                    await Task.Delay(200 * attempt);
                }
                catch (Npgsql.PostgresException e) when (e.SqlState == "42501")
                {
                    break;
                }
            }
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}
