using Npgsql;

namespace KefuScore.Web.Cluster;

/// <summary>
/// Silos may start at the same moment on an empty database. EF Core's create script, CREATE TABLE IF NOT EXISTS and
/// the first-start seeding (admin user, bootstrap key, demo shop) are each unsafe when two processes run them at once
/// in PostgreSQL, so in cluster mode all of it runs under one session-level advisory lock: the first silo creates and
/// seeds, the others wait and then find everything there (docs/decisions.md §25).
/// </summary>
internal static class ClusterStart
{
    /// <summary>The advisory lock key of schema creation and seeding ("KEFUCL" in ASCII, apart from the store's writer lock).</summary>
    private const long StartLock = 0x4B45_4655_434C;

    public static async Task Run(string connection, Func<Task> firstStart, CancellationToken ct)
    {
        await EnsureDatabase(connection, ct);
        await using var db = NpgsqlDataSource.Create(connection);
        await using var lockConnection = await db.OpenConnectionAsync(ct);
        await Lock(lockConnection, ct);
        try
        {
            // The cluster's own tables after the first start: EF Core creates its schema only in a database that
            // has no table at all. Nothing in the first start protects data, so the shared key ring is not needed before.
            await firstStart();
            await Execute(lockConnection, PostgresMembership.Schema, ct);
        }
        finally
        {
            await Execute(lockConnection, $"SELECT pg_advisory_unlock({StartLock})", CancellationToken.None);
        }
    }

    /// <summary>The membership tables, under the same lock (Orleans asks again when the silo starts).</summary>
    public static async Task EnsureSchema(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await Lock(connection, ct);
        try { await Execute(connection, PostgresMembership.Schema, ct); }
        finally { await Execute(connection, $"SELECT pg_advisory_unlock({StartLock})", CancellationToken.None); }
    }

    /// <summary>
    /// Creates the database when it does not exist yet; a silo that loses the race to create it finds it made
    /// (42P04, duplicate_database) and goes on.
    /// </summary>
    private static async Task EnsureDatabase(string connection, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(connection);
        try
        {
            await using var probe = new NpgsqlConnection(connection);
            await probe.OpenAsync(ct);
            return;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName) { }
        var name = builder.Database ?? throw new InvalidOperationException("ConnectionStrings__Kefu names no Database");
        await using var maintenance = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connection) { Database = "postgres" }.ConnectionString);
        await maintenance.OpenAsync(ct);
        try
        {
            // The name is quoted as an identifier: it comes from the operator's own connection string.
            await Execute(maintenance, $"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", ct);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation) { }
    }

    /// <summary>
    /// Waits for the start lock as long as the silo holding it takes: the first start seeds a demo shop, which on a
    /// loaded machine outlasts the command timeout (30 s) and made the waiting silos exit. A holder that dies releases
    /// the lock with its session, so the wait cannot outlive it; the caller's token still cancels it.
    /// </summary>
    private static async Task Lock(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT pg_advisory_lock({StartLock})", connection) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        // No command timeout: a silo waits for the lock as long as the first silo's first start takes (a demo shop
        // or a slow machine takes longer than Npgsql's default 30 s); stopping the silo cancels the wait.
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
