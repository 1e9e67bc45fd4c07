using System.Data.Common;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;

namespace KefuScore.App.Storage;

/// <summary>
/// The database: events, facts, shops, API keys, the schema version, and the ASP.NET Core Identity users and roles
/// (<c>users</c>, <c>roles</c>, <c>user_roles</c>…) with the shops each user may see (<c>user_shops</c>). One model for
/// SQLite and PostgreSQL; tables and columns in snake_case. No repository over it: the few queries live where they are used
/// (<see cref="EventStore"/>, <see cref="StoredReports"/>, <see cref="Accounts"/>).
/// </summary>
public sealed class KefuDb(DbContextOptions<KefuDb> options) : IdentityDbContext<IdentityUser>(options)
{
    public DbSet<StoredEvent> Events => Set<StoredEvent>();
    public DbSet<StoredFact> Facts => Set<StoredFact>();
    public DbSet<StoredRollup> Rollups => Set<StoredRollup>();
    public DbSet<StoredDailyRollup> DailyRollups => Set<StoredDailyRollup>();
    public DbSet<ShopCount> ShopCounts => Set<ShopCount>();
    public DbSet<StoreState> StoreState => Set<StoreState>();
    public DbSet<ShopRow> Shops => Set<ShopRow>();
    public DbSet<ApiKeyRow> ApiKeys => Set<ApiKeyRow>();
    public DbSet<UserShopRow> UserShops => Set<UserShopRow>();
    // `new`: IdentityDbContext has its own SchemaVersion (of the Identity tables); ours is the database's.
    public new DbSet<SchemaVersionRow> SchemaVersion => Set<SchemaVersionRow>();

    public bool IsSqlite => Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite";

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        var b = builder;
        b.Entity<IdentityUser>().ToTable("users");
        b.Entity<IdentityRole>().ToTable("roles");
        b.Entity<IdentityUserRole<string>>().ToTable("user_roles");
        b.Entity<IdentityUserClaim<string>>().ToTable("user_claims");
        b.Entity<IdentityUserLogin<string>>().ToTable("user_logins");
        b.Entity<IdentityUserToken<string>>().ToTable("user_tokens");
        b.Entity<IdentityRoleClaim<string>>().ToTable("role_claims");
        b.Entity<StoredEvent>(e =>
        {
            e.ToTable("events");
            e.HasKey(x => x.Seq);
            // SQLite's plain rowid instead of AUTOINCREMENT, which updates sqlite_sequence on every insert (measured 20%
            // of an event insert). Events are never deleted, so seqs still only grow; databases created before keep it.
            e.Property(x => x.Seq).Metadata.SetValueGenerationStrategy(SqliteValueGenerationStrategy.None);
            e.HasIndex(x => new { x.Shop, x.Id }).IsUnique();
            e.HasIndex(x => new { x.Shop, x.Conversation });
            e.HasIndex(x => new { x.Shop, x.AtTicks });
        });
        b.Entity<StoredFact>(e =>
        {
            e.ToTable("facts");
            e.HasKey(x => x.Seq);
            // Plain rowid, as for events: a deleted fact's seq may be reused, which nothing depends on (a store's cache
            // learns the seqs of the facts it writes after deleting the old ones).
            e.Property(x => x.Seq).Metadata.SetValueGenerationStrategy(SqliteValueGenerationStrategy.None);
            e.HasIndex(x => new { x.Profile, x.Shop, x.Conversation });
        });
        b.Entity<StoredRollup>(e =>
        {
            e.ToTable("rollups");
            e.HasKey(x => new { x.Profile, x.Shop, x.Agent, x.Hour, x.Metric });
        });
        b.Entity<StoredDailyRollup>(e =>
        {
            e.ToTable("rollups_daily");
            e.HasKey(x => new { x.Profile, x.Shop, x.Day, x.Metric });
        });
        b.Entity<ShopCount>(e =>
        {
            e.ToTable("shop_counts");
            e.HasKey(x => x.Shop);
            // Rows are inserted by SQL that names only shop and events (the rollup upserts); -1 is never a generation.
            e.Property(x => x.Generation).HasDefaultValue(0L).HasSentinel(-1L);
        });
        b.Entity<StoreState>(e =>
        {
            e.ToTable("store_state");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
        });
        b.Entity<ShopRow>(e =>
        {
            e.ToTable("shops");
            e.HasKey(x => x.Id);
        });
        b.Entity<ApiKeyRow>(e =>
        {
            e.ToTable("api_keys");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.Hash).IsUnique();
        });
        b.Entity<UserShopRow>(e =>
        {
            e.ToTable("user_shops");
            e.HasKey(x => new { x.UserId, x.Shop, x.Agent });
        });
        b.Entity<SchemaVersionRow>(e =>
        {
            e.ToTable("schema_version");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
        });
        QualityTables.Configure(b);

        Live.LiveTables.Configure(b);
        AgentRoster.Configure(b);
        Profiles.StoredProfiles.Configure(b);
        ShopModelTable.Configure(b);

        foreach (var entity in b.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties()) property.SetColumnName(SnakeCase(property.Name));
            foreach (var index in entity.GetIndexes())
                index.SetDatabaseName($"ix_{entity.GetTableName()}_{string.Join("_", index.Properties.Select(p => SnakeCase(p.Name)))}");
        }
    }

    private static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }
}

/// <summary>
/// Sets SQLite's per-connection durability on every open: <c>synchronous=FULL</c> (with WAL, each commit is fsynced
/// before it returns, so an acknowledged event survives a kill and a power cut) and a busy timeout for the rare
/// second writer.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    /// <summary>256 MB of page cache per connection: an index's hot pages stay in memory while ingesting.</summary>
    public const string CacheSize = "PRAGMA cache_size=-262144;";
    private const string Pragmas = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; " + CacheSize;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Run(connection);

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Run(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }
}
