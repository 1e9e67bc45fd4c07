using KefuScore.App.Storage;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Tests.Storage;

public sealed class SchemaTests
{
    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_version_1_database_gets_the_missing_tables_and_keeps_its_events(string provider)
    {
        await using var db = await TestDatabase.Create(provider);
        await db.Store.Ingest(KefuScore.Tests.Chat.On("2026-11-20").Customer("10:00:00").Agent("10:01:00").Events);
        // Make it look like a database written before version 2: a table version 2 has is missing.
        await using (var context = db.Open())
        {
            await context.Database.ExecuteSqlRawAsync("DROP TABLE api_keys");
            await context.Database.ExecuteSqlRawAsync("DROP TABLE rollups_daily");
            await context.Database.ExecuteSqlRawAsync("DROP TABLE shop_counts");
            // Version 1's own users table, where Identity's is now.
            await context.Database.ExecuteSqlRawAsync("DROP TABLE user_roles");
            await context.Database.ExecuteSqlRawAsync("DROP TABLE user_claims");
            await context.Database.ExecuteSqlRawAsync("DROP TABLE user_logins");
            await context.Database.ExecuteSqlRawAsync("DROP TABLE user_tokens");
            await context.Database.ExecuteSqlRawAsync("DROP TABLE users");
            await context.Database.ExecuteSqlRawAsync("CREATE TABLE users (name TEXT NOT NULL PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL)");
            await context.Database.ExecuteSqlRawAsync("INSERT INTO users VALUES ('admin', 'pbkdf2-sha256$x', 'admin')");
            await context.SchemaVersion.ExecuteUpdateAsync(s => s.SetProperty(r => r.Version, 1));
        }

        var created = await KefuStorage.InitialiseAsync(db.Options);

        Assert.False(created);
        await using var after = db.Open();
        Assert.Equal(KefuStorage.SchemaVersion, (await after.SchemaVersion.SingleAsync()).Version);
        Assert.Equal(2, await after.Events.CountAsync());
        // The derived tables are filled from what version 1 kept: the day sums of rollups, the events per shop.
        Assert.Equal(2, await after.ShopCounts.Where(c => c.Shop == "s1").Select(c => c.Events).SingleAsync());
        var hourly = await after.Rollups.Where(r => r.Metric == "reply_rate_3min").SumAsync(r => r.Numerator);
        Assert.Equal(1, hourly);
        Assert.Equal(hourly, await after.DailyRollups.Where(r => r.Metric == "reply_rate_3min").SumAsync(r => r.Numerator));
        // The old users are kept aside; Identity's table is there and empty, so first start creates the admin again.
        Assert.Equal(1, await after.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM users_v1").SingleAsync());
        Assert.Equal(0, await after.Users.CountAsync());
        await Accounts.AddKey(after, "new", Accounts.NewKey(), null, 0);
        Assert.Equal(1, await after.ApiKeys.CountAsync());
    }

    [Fact]
    public void Every_create_statement_becomes_conditional_and_nothing_else_runs()
    {
        var script = "CREATE TABLE \"a\" (\"x\" INTEGER);\n\nCREATE UNIQUE INDEX \"ix_a\" ON \"a\" (\"x\");\n\nCREATE INDEX \"ix_b\" ON \"a\" (\"x\");\n\nCOMMIT;";
        Assert.Equal(
            ["CREATE TABLE IF NOT EXISTS \"a\" (\"x\" INTEGER)", "CREATE UNIQUE INDEX IF NOT EXISTS \"ix_a\" ON \"a\" (\"x\")", "CREATE INDEX IF NOT EXISTS \"ix_b\" ON \"a\" (\"x\")"],
            KefuStorage.CreateStatements(script));
    }
}
