using KefuScore.App.Profiles;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Engine.Simulation;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.Web;

/// <summary>
/// Brings the database up at start: schema created or checked; on the first start a demo shop filled with simulated
/// events, the first admin (password printed once on the console, or taken from <c>KEFU_ADMIN_PASSWORD</c>), and the
/// API key of <c>KEFU_BOOTSTRAP_API_KEY</c> covering every shop. Each step runs only when its result is missing.
/// </summary>
internal static class FirstStart
{
    public const string DemoShop = "demo";
    private const long DemoSeed = 20261111;

    public static async Task Run(IServiceProvider services, IConfiguration config, CancellationToken ct)
    {
        var options = services.GetRequiredService<DbContextOptions<KefuDb>>();
        var clock = services.GetRequiredService<TimeProvider>();
        await KefuStorage.InitialiseAsync(options, ct);
        await using var db = new KefuDb(options);

        await using (var scope = services.CreateAsyncScope())
        {
            await Dashboard.DashboardSetup.EnsureRoles(scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>());
        }
        if (!await db.Users.AnyAsync(ct))
        {
            var name = NonEmpty(config["KEFU_ADMIN_USER"]) ?? "admin";
            var given = NonEmpty(config["KEFU_ADMIN_PASSWORD"]);
            var password = given ?? Accounts.NewPassword();
            await using var scope = services.CreateAsyncScope();
            var errors = await Dashboard.Account.AccountEndpoints.CreateUser(scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>(),
                scope.ServiceProvider.GetRequiredService<KefuDb>(), name, password, Roles.Admin, [], ct);
            if (errors.Count > 0) throw new InvalidOperationException($"KEFU_ADMIN_PASSWORD / KEFU_ADMIN_USER: {string.Join("; ", errors)}");
            // On the console once, never through the logger (logs are kept and shipped; this line is not).
            Console.Out.WriteLine(given is null
                ? $"KefuScore: created admin user '{name}' with password {password} (shown once; set KEFU_ADMIN_PASSWORD to choose it)"
                : $"KefuScore: created admin user '{name}' with the password from KEFU_ADMIN_PASSWORD");
        }

        if (NonEmpty(config["KEFU_BOOTSTRAP_API_KEY"]) is { } key)
        {
            var hash = Accounts.HashKey(key);
            if (!await db.ApiKeys.AnyAsync(k => k.Hash == hash, ct))
                await Accounts.AddKey(db, "bootstrap", key, null, clock.GetUtcNow().UtcTicks, ct);
        }

        if (!string.Equals(config["KEFU_DEMO"], "off", StringComparison.OrdinalIgnoreCase) && !await db.Shops.AnyAsync(ct))
            await FillDemo(services.GetRequiredService<EventStore>(), db, clock, ct);
    }

    /// <summary>The demo shop: 14 simulated days ending yesterday (Asia/Shanghai), the same seed every time.</summary>
    private static async Task FillDemo(EventStore store, KefuDb db, TimeProvider clock, CancellationToken ct)
    {
        var zone = TimeZones.Find("Asia/Shanghai", "demo");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime);
        var options = new SimulationOptions { Shops = 1, Days = 14, Seed = DemoSeed, Start = today.AddDays(-14) };
        await using (var batch = await store.Begin(ct))
        {
            foreach (var chunk in Simulator.Generate(options).Select(e => InShop(e, DemoShop)).Chunk(5000))
                await batch.Append(chunk, ct);
            await batch.Commit(ct);
        }
        var shop = await db.Shops.SingleAsync(s => s.Id == DemoShop, ct);
        shop.Name = "演示店铺 Demo shop";
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The simulator names its shops s1…sN; the demo's events are moved to the demo shop.</summary>
    internal static ChatEvent InShop(ChatEvent e, string shop) => new()
    {
        Type = e.Type, Id = e.Id, Shop = shop, At = e.At, Conversation = e.Conversation, Customer = e.Customer, Sender = e.Sender,
        Agent = e.Agent, Kind = e.Kind, Text = e.Text, Stars = e.Stars, Satisfaction = e.Satisfaction, Reason = e.Reason,
        Order = e.Order, Media = e.Media, Category = e.Category, Action = e.Action, Status = e.Status, Capacity = e.Capacity,
    };

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
