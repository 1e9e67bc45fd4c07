using KefuScore.App.Profiles;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Engine.Simulation;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.Web;

/// <summary>
/// Brings the database up at start: schema created or checked; on the first start a demo shop filled with simulated
/// events, the first admin (a generated password written to <c>admin-password.txt</c> in the data folder, 0600, or taken
/// from <c>KEFU_ADMIN_PASSWORD</c>), and the API key of <c>KEFU_BOOTSTRAP_API_KEY</c> covering every shop (revoked at a
/// start without the variable). Each step
/// runs only when its result is missing.
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
            // A generated password goes to a file only this user reads, never to the console or the log (both are kept
            // and shipped); the console says where it is.
            if (given is null)
            {
                var file = PasswordFile(config);
                PrivateFiles.WriteText(file, password + "\n");
                Console.Out.WriteLine($"KefuScore: created admin user '{name}'; its password is in {file} (readable by this user only; delete the file once you have signed in, or set KEFU_ADMIN_PASSWORD to choose the password)");
            }
            else
            {
                Console.Out.WriteLine($"KefuScore: created admin user '{name}' with the password from KEFU_ADMIN_PASSWORD");
            }
        }

        // Added when set, revoked once unset or changed: the variable is the bootstrap key's only source of validity.
        await Accounts.ReconcileBootstrap(db, NonEmpty(config["KEFU_BOOTSTRAP_API_KEY"]), clock.GetUtcNow().UtcTicks, ct);

        if (!string.Equals(config["KEFU_DEMO"], "off", StringComparison.OrdinalIgnoreCase) && !await db.Shops.AnyAsync(ct))
            await FillDemo(services.GetRequiredService<EventStore>(), db, clock, ct);
    }

    /// <summary>
    /// The demo shop: 14 simulated days ending yesterday (Asia/Shanghai), the same seed every time, and the Spring
    /// Festival scenario: last Spring Festival period with the four weeks before it, simulated with the festival surge,
    /// so that the 排班 page (or <c>GET /plan</c>) for a day in the coming festival learns the uplift from history
    /// (docs/staffing.md).
    /// </summary>
    private static async Task FillDemo(EventStore store, KefuDb db, TimeProvider clock, CancellationToken ct)
    {
        var zone = TimeZones.Find("Asia/Shanghai", "demo");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime);
        var recent = new SimulationOptions { Shops = 1, Days = 14, Seed = DemoSeed, Start = today.AddDays(-14) };
        var events = Simulator.Generate(recent).Select(e => InShop(e, DemoShop));
        if (LastFestival(recent.Start) is { } festival)
        {
            var history = new SimulationOptions
            {
                Shops = 1, Seed = DemoSeed + 1, Festival = true, Start = festival.From.AddDays(-FestivalLookback),
                Days = festival.To.DayNumber - festival.From.DayNumber + 1 + FestivalLookback,
            };
            // Its own ids: the simulator numbers every run from 1.
            events = events.Concat(Simulator.Generate(history).Select(e => InShop(e, DemoShop, "sf-")));
        }
        await using (var batch = await store.Begin(ct))
        {
            foreach (var chunk in events.Chunk(5000))
                await batch.Append(chunk, ct);
            await batch.Commit(ct);
        }
        var shop = await db.Shops.SingleAsync(s => s.Id == DemoShop, ct);
        shop.Name = "演示店铺 Demo shop";
        await db.SaveChangesAsync(ct);
    }

    /// <summary>How many days before last festival the demo's festival history starts (what the uplift is learned against).</summary>
    internal const int FestivalLookback = 28;

    /// <summary>The last Spring Festival period that ended before <paramref name="before"/>, if the calendar knows one.</summary>
    internal static KefuScore.Engine.Staffing.DatePeriod? LastFestival(DateOnly before) =>
        KefuScore.Engine.Staffing.SpringFestival.Periods.Where(p => p.To < before).Select(p => (KefuScore.Engine.Staffing.DatePeriod?)p).LastOrDefault();

    /// <summary>The simulator names its shops s1…sN; the demo's events are moved to the demo shop (ids, conversations and orders prefixed when given).</summary>
    internal static ChatEvent InShop(ChatEvent e, string shop, string prefix = "") => new()
    {
        Type = e.Type, Id = prefix + e.Id, Shop = shop, At = e.At, Conversation = e.Conversation is null ? null : prefix + e.Conversation,
        Customer = e.Customer, Sender = e.Sender, Agent = e.Agent, Kind = e.Kind, Text = e.Text, Stars = e.Stars,
        Satisfaction = e.Satisfaction, Reason = e.Reason, Order = e.Order is null ? null : prefix + e.Order, Media = e.Media,
        Category = e.Category, Action = e.Action, Status = e.Status, Capacity = e.Capacity,
    };

    /// <summary>Where a generated first-admin password is written: <c>admin-password.txt</c> in the data folder (0600).</summary>
    internal static string PasswordFile(IConfiguration config) => Path.Combine(ServerSettings.Location(config).DataDirectory, "admin-password.txt");

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
