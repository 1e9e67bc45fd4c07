using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Storage;

/// <summary>Where the data lives: a PostgreSQL connection string, else a SQLite file <c>kefu.db</c> in a data folder.</summary>
public sealed record StorageLocation(string DataDirectory, string? PostgresConnection = null)
{
    public string SqlitePath => Path.Combine(DataDirectory, "kefu.db");

    /// <summary>
    /// The hosts' rule: an explicit connection string, else <c>ConnectionStrings__Kefu</c>, selects PostgreSQL; the data
    /// folder is the explicit one, else <c>KEFU_DATA</c>, else <c>./data</c>.
    /// </summary>
    public static StorageLocation Resolve(string? dataDirectory = null, string? connection = null)
    {
        var pg = connection ?? Environment.GetEnvironmentVariable("ConnectionStrings__Kefu");
        var data = dataDirectory ?? Environment.GetEnvironmentVariable("KEFU_DATA");
        return new StorageLocation(string.IsNullOrWhiteSpace(data) ? Path.GetFullPath("data") : Path.GetFullPath(data), string.IsNullOrWhiteSpace(pg) ? null : pg);
    }

    public override string ToString() => PostgresConnection is null ? $"SQLite {SqlitePath}" : "PostgreSQL";
}

/// <summary>Opens the database and brings its schema to the current version at start (docs/storage.md).</summary>
public static class KefuStorage
{
    /// <summary>The schema this build writes; a database with a higher version is refused, a lower one migrated.</summary>
    public const int SchemaVersion = 12;

    public static DbContextOptions<KefuDb> Options(StorageLocation location)
    {
        var b = new DbContextOptionsBuilder<KefuDb>();
        Configure(b, location);
        return b.Options;
    }

    public static void Configure(DbContextOptionsBuilder b, StorageLocation location)
    {
        if (location.PostgresConnection is { } pg)
        {
            // Relational nulls: every column we compare is NOT NULL, and C#-style null compensation turns
            // `id = ANY(@ids)` into an OR that PostgreSQL cannot answer from the (shop, id) index.
            b.UseNpgsql(Prepared(pg), o => o.UseRelationalNulls());
        }
        else
        {
            PrivateFiles.Folder(location.DataDirectory);
            PrivateFiles.Database(location.SqlitePath);
            // No relational nulls here: SQLite plans the compensated IN lists well, and measured faster without (docs/benchmarks.md).
            b.UseSqlite($"Data Source={location.SqlitePath};Pooling=True");
            b.AddInterceptors(new SqlitePragmas());
        }
    }

    /// <summary>Statements a connection runs this often are prepared on it (unless the connection string says otherwise).</summary>
    internal const int AutoPrepared = 64;

    /// <summary>
    /// The store's PostgreSQL connection string with Npgsql's automatic preparation on: a write runs the same few
    /// statements for every batch (the probe of stored conversations, the upserts of rollups and counts, the
    /// generations), and unprepared each is parsed and planned again, the probe over every day partition of
    /// <c>events</c> (decisions §66: planning and parsing were a fifth of the database's CPU in a cluster run).
    /// </summary>
    /// <remarks>
    /// It also skips the reset Npgsql sends when a pooled connection is opened again (<c>No Reset On Close</c>, unless
    /// the string sets it): the store opens a connection per write transaction and per request, and the reset (seven
    /// statements: session authorization, <c>RESET ALL</c>, <c>UNLISTEN</c>, advisory unlock, discards) clears session
    /// state the store never makes: its settings are <c>SET LOCAL</c>, its advisory locks transaction-level (decisions §80).
    /// </remarks>
    internal static string Prepared(string connection)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connection };
        var keys = given.Keys.Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal)).ToList();
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connection);
        if (!keys.Contains("MaxAutoPrepare", StringComparer.OrdinalIgnoreCase)) builder.MaxAutoPrepare = AutoPrepared;
        if (!keys.Contains("NoResetOnClose", StringComparer.OrdinalIgnoreCase)) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }

    /// <summary>Creates the database and schema when missing, records or checks the schema version; returns true when it was created.</summary>
    public static async Task<bool> InitialiseAsync(DbContextOptions<KefuDb> options, CancellationToken ct = default)
    {
        await using var db = new KefuDb(options);
        if (db.IsSqlite)
        {
            // WAL is a property of the file: set once, kept. Readers never block the writer.
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
        var created = await db.Database.EnsureCreatedAsync(ct);
        var row = await db.SchemaVersion.SingleOrDefaultAsync(r => r.Id == 1, ct);
        if (row is null)
        {
            // A new database: on PostgreSQL the model's plain events table becomes the partitioned one (schema 8) and
            // its facts table the view over one row per conversation (schema 9).
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (!db.IsSqlite) await PostgresSteps(db, ct);
            db.SchemaVersion.Add(new SchemaVersionRow { Id = 1, Version = SchemaVersion });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        else if (row.Version > SchemaVersion)
        {
            throw new InvalidOperationException($"the database has schema version {row.Version}, newer than this KefuScore ({SchemaVersion}); upgrade KefuScore");
        }
        else if (row.Version < SchemaVersion)
        {
            // Version 2 only added tables (dashboard users, live alerts, complaints, FAQ, score figures…): create
            // whatever the model has and the database lacks, in one transaction. Steps that change existing tables
            // check what is there first, so any older version takes every step.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // Only from version 1: Identity's own users table has a password_hash column too, so the shape test
            // alone would move a version-2 database's users aside.
            if (row.Version < 2) await KeepVersion1Users(db, ct);
            await AddMissingTables(db, ct);
            await FillDerivedTables(db, ct);
            // Version 3: API keys expire, are revoked, record their last use, and keep at most 4 characters in clear.
            await AddKeyColumns(db, ct);
            // Version 4: webhooks say what they post (KefuScore's JSON or a group robot's message); agent rosters and
            // faq_paraphrases (issue 18), both created by AddMissingTables above.
            await AddWebhookKind(db, ct);
            // Version 5: each shop's write generation (PostgreSQL writers of different shops run at once).
            await AddShopGeneration(db, ct);
            // Version 6: uploaded rule profiles (profile_versions, created by AddMissingTables above; nothing else
            // changes, so it applies after version 5 or straight after 4). A shop names a stored version in
            // shops.profile as id@version.
            // Version 7: shop_models (a shop's trained text models, issue 18), created by AddMissingTables above; it
            // only adds a table, so it applies the same after version 4, 5 or 6.
            // Version 8: on PostgreSQL, events partitioned by day, repeated ids refused by event_ids (decisions §47);
            // an existing table's rows are moved into the day partitions. SQLite is unchanged.
            // Version 9: on PostgreSQL, a conversation's facts in one row of fact_rows, facts a view over them
            // (decisions §54); the rows are moved. SQLite is unchanged.
            // Version 10: on PostgreSQL, the probe of conversations new to the store is a function whose plan is kept
            // per connection (decisions §66); nothing is moved. SQLite is unchanged.
            // Version 11: on PostgreSQL, conversation_ids names every conversation with stored events and replaces
            // version 10's function (decisions §73); filled from the events. SQLite is unchanged.
            // Version 12: on PostgreSQL, events.seq's identity steps by 1,024 and a writer writes each block's seqs
            // itself (decisions §84); nothing is moved. SQLite is unchanged.
            if (!db.IsSqlite) await PostgresSteps(db, ct);
            row.Version = SchemaVersion;
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        if (!await db.StoreState.AnyAsync(ct))
        {
            db.StoreState.Add(new StoreState { Id = 1 });
            await db.SaveChangesAsync(ct);
        }
        return created;
    }

    /// <summary>
    /// Runs the model's own create script with every CREATE TABLE/INDEX made conditional, so tables and indexes that
    /// exist are kept as they are (with their data) and missing ones are created. Both SQLite and PostgreSQL accept
    /// <c>IF NOT EXISTS</c> on both statements.
    /// </summary>
    internal static async Task AddMissingTables(KefuDb db, CancellationToken ct)
    {
        // A partitioned events table (schema 8 on PostgreSQL) keeps its own indexes: the model's unique (shop, id)
        // cannot exist on it (a partitioned table's unique index must contain the partition key). The facts view
        // (schema 9) has none: its index is fact_rows'.
        var partitioned = !db.IsSqlite && await db.Database.SqlQueryRaw<int>(
            "SELECT COUNT(*)::int AS \"Value\" FROM pg_class WHERE oid = to_regclass('events') AND relkind = 'p'").SingleAsync(ct) > 0;
        var packed = !db.IsSqlite && await db.Database.SqlQueryRaw<int>(
            "SELECT COUNT(*)::int AS \"Value\" FROM pg_class WHERE oid = to_regclass('facts') AND relkind = 'v'").SingleAsync(ct) > 0;
        foreach (var statement in CreateStatements(db.Database.GenerateCreateScript()))
        {
            if (partitioned && statement.Contains(" ON events ", StringComparison.Ordinal)) continue;
            if (packed && statement.Contains(" ON facts ", StringComparison.Ordinal)) continue;
            await db.Database.ExecuteSqlRawAsync(statement, ct);
        }
    }

    /// <summary>
    /// Schemas 8, 9 and 11 on PostgreSQL (<see cref="PostgresLayout.Migrate"/>, <see cref="PostgresLayout.PackFacts"/>,
    /// <see cref="PostgresLayout.CreateConversationIds"/>; 11 replaced 10's function), in the context's open transaction.
    /// </summary>
    private static async Task PostgresSteps(KefuDb db, CancellationToken ct)
    {
        var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
        var tx = (Npgsql.NpgsqlTransaction)Microsoft.EntityFrameworkCore.Storage.DbContextTransactionExtensions.GetDbTransaction(
            db.Database.CurrentTransaction ?? throw new InvalidOperationException("schemas 8 to 12 run inside the migration's transaction"));
        await PostgresLayout.Migrate(connection, tx, ct);
        await PostgresLayout.PackFacts(connection, tx, ct);
        await PostgresLayout.CreateConversationIds(connection, tx, EventStore.ConversationTypes, ct);
        await PostgresLayout.SeqInBlocks(connection, tx, ct);
    }

    /// <summary>
    /// Version 1 kept its own <c>users</c> (name, password_hash, role); version 2 signs in with ASP.NET Core Identity,
    /// whose table has the same name. The old table is renamed <c>users_v1</c>, kept for reference, and first start
    /// creates the admin again because the new table is empty (docs/storage.md).
    /// </summary>
    private static async Task KeepVersion1Users(KefuDb db, CancellationToken ct)
    {
        var sql = db.IsSqlite
            ? "SELECT COUNT(*) AS \"Value\" FROM pragma_table_info('users') WHERE name = 'password_hash'"
            : "SELECT COUNT(*)::int AS \"Value\" FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'users' AND column_name = 'password_hash'";
        if (await db.Database.SqlQueryRaw<int>(sql).SingleAsync(ct) > 0)
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE users RENAME TO users_v1", ct);
    }

    /// <summary>
    /// Version 3's columns of <c>api_keys</c>, added when missing. The key of <c>KEFU_BOOTSTRAP_API_KEY</c> (named
    /// "bootstrap" by earlier versions) is marked as such and loses its clear prefix; other keys keep 4 characters
    /// after <c>kefu_</c> and nothing of any other shape.
    /// </summary>
    private static async Task AddKeyColumns(KefuDb db, CancellationToken ct)
    {
        if (await ColumnExists(db, "api_keys", "bootstrap", ct)) return;
        var (bigint, boolean, no, yes) = db.IsSqlite ? ("INTEGER", "INTEGER", "0", "1") : ("bigint", "boolean", "FALSE", "TRUE");
        // Types and names from the constants above only: nothing from outside goes into this SQL.
        string[] statements =
        [
            $"ALTER TABLE api_keys ADD COLUMN expires_ticks {bigint} NULL",
            $"ALTER TABLE api_keys ADD COLUMN revoked_ticks {bigint} NULL",
            $"ALTER TABLE api_keys ADD COLUMN last_used_ticks {bigint} NULL",
            $"ALTER TABLE api_keys ADD COLUMN bootstrap {boolean} NOT NULL DEFAULT {no}",
            $"UPDATE api_keys SET bootstrap = {yes}, prefix = '' WHERE name = 'bootstrap'",
            $"UPDATE api_keys SET prefix = CASE WHEN substr(prefix, 1, 5) = 'kefu_' THEN substr(prefix, 6, {Accounts.PrefixLength}) ELSE '' END WHERE name <> 'bootstrap'",
        ];
        foreach (var statement in statements) await db.Database.ExecuteSqlRawAsync(statement, ct);
    }

    /// <summary>Version 4's <c>webhooks.kind</c>, added when missing: existing webhooks keep posting KefuScore's JSON.</summary>
    private static async Task AddWebhookKind(KefuDb db, CancellationToken ct)
    {
        if (await ColumnExists(db, "webhooks", "kind", ct)) return;
        await db.Database.ExecuteSqlRawAsync("ALTER TABLE webhooks ADD COLUMN kind TEXT NOT NULL DEFAULT 'kefu'", ct);
    }

    /// <summary>Version 5's <c>shop_counts.generation</c>, added when missing (0: every store reads the shop afresh).</summary>
    private static async Task AddShopGeneration(KefuDb db, CancellationToken ct)
    {
        if (await ColumnExists(db, "shop_counts", "generation", ct)) return;
        var sql = db.IsSqlite
            ? "ALTER TABLE shop_counts ADD COLUMN generation INTEGER NOT NULL DEFAULT 0"
            : "ALTER TABLE shop_counts ADD COLUMN generation bigint NOT NULL DEFAULT 0";
        await db.Database.ExecuteSqlRawAsync(sql, ct);
    }

    private static async Task<bool> ColumnExists(KefuDb db, string table, string column, CancellationToken ct)
    {
        // Names from this file's constants only.
        var sql = db.IsSqlite
            ? $"SELECT COUNT(*) AS \"Value\" FROM pragma_table_info('{table}') WHERE name = '{column}'"
            : $"SELECT COUNT(*)::int AS \"Value\" FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}' AND column_name = '{column}'";
        return await db.Database.SqlQueryRaw<int>(sql).SingleAsync(ct) > 0;
    }

    /// <summary>Version 2's derived tables, filled from what a version-1 database already holds (when they are still empty).</summary>
    private static async Task FillDerivedTables(KefuDb db, CancellationToken ct)
    {
        if (!await db.DailyRollups.AnyAsync(ct))
        {
            string[] sums = ["facts", "numerator", "denominator", "sum_ticks", "count", .. Enumerable.Range(0, RollupSums.BucketColumns).Select(i => "b" + i)];
            // Column names only, from the constant list above: nothing from outside goes into this SQL.
            var sql = $"INSERT INTO rollups_daily (profile, shop, day, metric, {string.Join(", ", sums)}) " +
                $"SELECT profile, shop, hour / 24, metric, {string.Join(", ", sums.Select(c => $"SUM({c})"))} FROM rollups GROUP BY profile, shop, hour / 24, metric";
            await db.Database.ExecuteSqlRawAsync(sql, ct);
        }
        if (!await db.ShopCounts.AnyAsync(ct))
            await db.Database.ExecuteSqlRawAsync("INSERT INTO shop_counts (shop, events) SELECT shop, COUNT(*) FROM events GROUP BY shop", ct);
    }

    internal static IEnumerable<string> CreateStatements(string script)
    {
        foreach (var raw in script.Split(";", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var statement = raw;
            if (statement.StartsWith("CREATE TABLE ", StringComparison.Ordinal))
                statement = "CREATE TABLE IF NOT EXISTS " + statement["CREATE TABLE ".Length..];
            else if (statement.StartsWith("CREATE UNIQUE INDEX ", StringComparison.Ordinal))
                statement = "CREATE UNIQUE INDEX IF NOT EXISTS " + statement["CREATE UNIQUE INDEX ".Length..];
            else if (statement.StartsWith("CREATE INDEX ", StringComparison.Ordinal))
                statement = "CREATE INDEX IF NOT EXISTS " + statement["CREATE INDEX ".Length..];
            else continue; // nothing else in a create script matters for an existing database
            yield return statement;
        }
    }
}
