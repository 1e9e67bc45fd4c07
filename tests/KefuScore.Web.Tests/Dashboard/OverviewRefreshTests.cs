using System.Security.Claims;
using Bunit;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Web.Dashboard;
using KefuScore.Web.Dashboard.Overview;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace KefuScore.Web.Tests.Dashboard;

/// <summary>The overview page over a real SQLite store: today's numbers, and a redraw by itself when events arrive.</summary>
public sealed class OverviewRefreshTests : BunitContext
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kefu-overview-" + Guid.NewGuid().ToString("N"));

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private static ChatEvent Message(string id, string conversation, Sender sender, string at) => new()
    {
        Type = EventType.Message, Id = id, Shop = "t", Conversation = conversation, Customer = "c-" + conversation,
        Sender = sender, Agent = sender == Sender.Agent ? "t-a1" : null, Kind = MessageKind.Text, Text = sender == Sender.Customer ? "在吗" : "在的",
        At = DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task Today_shows_the_3_minute_rate_and_redraws_when_a_late_reply_arrives()
    {
        var options = KefuStorage.Options(new StorageLocation(_folder));
        await KefuStorage.InitialiseAsync(options);
        using var store = new EventStore(options);
        // 2026-11-20, 10:00 in Shanghai: answered in 60 s.
        await store.Ingest([Message("m1", "c1", Sender.Customer, "2026-11-20T10:00:00+08:00"), Message("m2", "c1", Sender.Agent, "2026-11-20T10:01:00+08:00")]);

        string userId;
        await using (var db = new KefuDb(options))
        {
            var role = new IdentityRole(Roles.Admin) { NormalizedName = "ADMIN" };
            var user = new IdentityUser("boss") { NormalizedUserName = "BOSS" };
            db.Roles.Add(role);
            db.Users.Add(user);
            db.UserRoles.Add(new IdentityUserRole<string> { RoleId = role.Id, UserId = user.Id });
            await db.SaveChangesAsync();
            userId = user.Id;
        }

        var changes = new ShopChanges();
        Services.AddSingleton(options);
        Services.AddSingleton<TimeProvider>(new FixedClock(new DateTimeOffset(2026, 11, 20, 20, 0, 0, China)));
        Services.AddSingleton(changes);
        Services.AddSingleton<OverviewCache>();
        Services.AddScoped<Access>();
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        var auth = AddAuthorization();
        auth.SetAuthorized("boss");
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));

        var cut = Render<Overview>(p => p.Add(x => x.ShopId, "t"));
        cut.WaitForAssertion(() => Assert.Equal("100.0%", Today(cut)), TimeSpan.FromSeconds(10));
        Assert.Equal("pass", cut.Find("#metrics tr[data-metric=reply_rate_3min] td span").GetAttribute("data-status"));

        // 11:00, answered after 10 minutes: late. The page was not asked to reload; the notifier tells it.
        await store.Ingest([Message("m3", "c2", Sender.Customer, "2026-11-20T11:00:00+08:00"), Message("m4", "c2", Sender.Agent, "2026-11-20T11:10:00+08:00")]);
        changes.Raise(["t"]);
        cut.WaitForAssertion(() => Assert.Equal("50.0%", Today(cut)), TimeSpan.FromSeconds(10));
        Assert.Equal("fail", cut.Find("#metrics tr[data-metric=reply_rate_3min] td span").GetAttribute("data-status"));
        // The late reply is in the heatmap: Friday (2026-11-20) at 11:00.
        Assert.Equal("shops/t/conversations?filter=late&weekday=5&hour=11", cut.Find(".kefu-heatmap a[data-late]").GetAttribute("href"));
    }

    private static string Today(IRenderedComponent<Overview> cut) => cut.Find("#metrics tr[data-metric=reply_rate_3min] td span").TextContent;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}
