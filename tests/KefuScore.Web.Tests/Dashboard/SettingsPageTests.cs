using Bunit;
using KefuScore.App.Storage;
using KefuScore.Web.Dashboard;
using KefuScore.Web.Dashboard.Account;
using KefuScore.Web.Dashboard.Settings;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace KefuScore.Web.Tests.Dashboard;

/// <summary>设置 Settings over a real SQLite store and Identity: keys shown by 4 characters and revoked, users managed.</summary>
public sealed class SettingsPageTests : BunitContext
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kefu-settings-" + Guid.NewGuid().ToString("N"));
    private readonly DbContextOptions<KefuDb> _options;

    public SettingsPageTests()
    {
        _options = KefuStorage.Options(new StorageLocation(_folder));
        Services.AddSingleton(_options);
        Services.AddDbContext<KefuDb>(o => KefuStorage.Configure(o, new StorageLocation(_folder)));
        Services.AddLogging();
        Services.AddDataProtection();
        Services.AddIdentityCore<IdentityUser>(DashboardSetup.IdentityRules)
            .AddRoles<IdentityRole>().AddEntityFrameworkStores<KefuDb>().AddDefaultTokenProviders().AddPasswordValidator<Credentials.PasswordPolicy>();
        Services.AddSingleton(TimeProvider.System);
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    private async Task CreateUsers()
    {
        await KefuStorage.InitialiseAsync(_options);
        await using var scope = Services.CreateAsyncScope();
        await DashboardSetup.EnsureRoles(scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>());
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        Assert.Empty(await AccountEndpoints.CreateUser(users, db, "boss", "settings-test-password", Roles.Admin, []));
        Assert.Empty(await AccountEndpoints.CreateUser(users, db, "north-lead", "settings-test-password", Roles.Supervisor, [("north", "")]));
    }

    [Fact]
    public async Task A_shop_is_created_with_its_rules_and_keeps_them_once_it_has_data()
    {
        await CreateUsers();
        using (var store = new EventStore(_options))
            await store.Ingest([new KefuScore.Engine.Events.ChatEvent
            {
                Type = KefuScore.Engine.Events.EventType.Message, Id = "m1", Shop = "s1", Conversation = "c1", Customer = "u1",
                Sender = KefuScore.Engine.Events.Sender.Customer, Text = "在吗", At = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(8)),
            }]);
        var cut = Render<SettingsPage>(p => p.AddCascadingValue(new Lang(false)));

        cut.Find("#shop-id").Change("jd-flagship");
        cut.Find("#shop-name").Change("京东旗舰店");
        cut.Find("#shop-profile").Change("jd");
        await cut.Find("#shop-form").SubmitAsync();
        Assert.Equal("已创建店铺 jd-flagship（京东咚咚(公开商家资料)）。", cut.Find("#shop-message").TextContent);
        Assert.Equal("京东咚咚(公开商家资料)", cut.Find("#shops tr[data-shop=jd-flagship] .kefu-shop-profile").TextContent);
        await using (var db = new KefuDb(_options))
            Assert.Equal(("京东旗舰店", "jd"), await db.Shops.Where(x => x.Id == "jd-flagship").Select(x => ValueTuple.Create(x.Name, x.Profile)).SingleAsync());

        // Before its first events the rules may still change; a shop with data keeps its own.
        cut.Find("#shop-profile").Change("taobao");
        await cut.Find("#shop-set-profile").ClickAsync(new());
        Assert.StartsWith("店铺 jd-flagship 改用 ", cut.Find("#shop-message").TextContent, StringComparison.Ordinal);
        cut.Find("#shop-id").Change("s1");
        await cut.Find("#shop-set-profile").ClickAsync(new());
        Assert.Equal("店铺 s1 已有数据，不能更换规则", cut.Find("#shop-message").TextContent);
        await cut.Find("#shop-form").SubmitAsync();
        Assert.Equal("店铺 s1 已存在", cut.Find("#shop-message").TextContent);
        cut.Find("#shop-id").Change("坏 id");
        await cut.Find("#shop-form").SubmitAsync();
        Assert.Equal("店铺 ID 须以字母或数字开头，只含字母、数字、_ . -，最多 64 个字符", cut.Find("#shop-message").TextContent);
        await using (var db = new KefuDb(_options))
        {
            Assert.Equal("taobao", await db.Shops.Where(x => x.Id == "jd-flagship").Select(x => x.Profile).SingleAsync());
            Assert.Equal("douyin", await db.Shops.Where(x => x.Id == "s1").Select(x => x.Profile).SingleAsync());
        }
    }

    [Fact]
    public async Task A_key_shows_4_characters_and_is_revoked_with_its_button()
    {
        await CreateUsers();
        var key = Accounts.NewKey();
        await using (var db = new KefuDb(_options)) await Accounts.AddKey(db, "crm", key, ["north"], 0);

        var cut = Render<SettingsPage>(p => p.AddCascadingValue(new Lang(false)));
        var row = cut.Find("#keys tbody tr");
        Assert.Contains($"kefu_{key[5..9]}…", row.TextContent);
        Assert.DoesNotContain(key[5..10], row.TextContent);
        Assert.Contains("有效", row.TextContent);

        cut.Find("#keys .kefu-revoke-key").Click();
        cut.WaitForAssertion(() => Assert.Contains("已吊销", cut.Find("#keys tbody tr").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(cut.FindAll("#keys .kefu-revoke-key"));
        await using (var db = new KefuDb(_options)) Assert.Null(await Accounts.Verify(db, key, DateTimeOffset.UtcNow.UtcTicks));
    }

    [Fact]
    public async Task Roles_read_in_chinese_not_as_their_ids()
    {
        await CreateUsers();
        var cut = Render<SettingsPage>(p => p.AddCascadingValue(new Lang(false)));
        cut.WaitForAssertion(() => Assert.Equal("管理员", cut.Find("#users td[data-role=admin]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("主管", cut.Find("#users td[data-role=supervisor]").TextContent);
        Assert.DoesNotContain("supervisor", cut.Find("#manage-user").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_is_given_a_role_refused_a_common_password_and_deleted_and_the_last_admin_stays()
    {
        await CreateUsers();
        var cut = Render<SettingsPage>(p => p.AddCascadingValue(new Lang(true)));

        cut.Find("#manage-user-name").Change("north-lead");
        cut.Find("#manage-user select:not(#manage-user-name)").Change(Roles.Agent);
        cut.FindAll("#manage-user input")[0].Change("north");
        cut.FindAll("#manage-user input")[1].Change("n-a1");
        cut.Find("#manage-user").Submit();
        cut.WaitForAssertion(() => Assert.Contains("role changed", cut.Find("#manage-message").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains("north (n-a1)", cut.Find("#users").TextContent);

        cut.Find("#manage-password").Change("12345678");
        cut.Find("#set-password").Click();
        cut.WaitForAssertion(() => Assert.Contains("10", cut.Find("#manage-message").TextContent), TimeSpan.FromSeconds(10));

        cut.Find("#delete-user").Click();
        cut.WaitForAssertion(() => Assert.Contains("user deleted", cut.Find("#manage-message").TextContent), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("north-lead", cut.Find("#users").TextContent);

        cut.Find("#manage-user-name").Change("boss");
        cut.Find("#delete-user").Click();
        cut.WaitForAssertion(() => Assert.Contains("last admin", cut.Find("#manage-message").TextContent), TimeSpan.FromSeconds(10));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}
