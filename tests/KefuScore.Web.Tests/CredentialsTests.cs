using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using KefuScore.App.Storage;
using KefuScore.Web.Dashboard.Account;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace KefuScore.Web.Tests;

/// <summary>
/// The server with small limits (3 failed sign-ins, 3 failed keys, 5 pushes a minute), a clock the tests move, a
/// password hasher that counts its checks, and the caller's address taken from <c>X-Test-Address</c> so that tests
/// can stand for different machines (all traffic stays in process).
/// </summary>
public sealed class CredentialServer : KefuServer
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public CountingHasher Hasher { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Kefu:RateLimits:SignInFailuresPerMinute", "3");
        builder.UseSetting("Kefu:RateLimits:KeyFailuresPerMinute", "3");
        builder.UseSetting("Kefu:RateLimits:EventsPerMinute", "5");
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton<TimeProvider>(Clock);
            s.AddSingleton<IPasswordHasher<IdentityUser>>(Hasher);
            s.AddSingleton<IStartupFilter, TestAddress>();
        });
    }

    public sealed class CountingHasher : IPasswordHasher<IdentityUser>
    {
        private readonly PasswordHasher<IdentityUser> _inner = new();
        private int _checks;

        public int Checks => Volatile.Read(ref _checks);

        public string HashPassword(IdentityUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(IdentityUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _checks);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    private sealed class TestAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, inner) =>
            {
                if (http.Request.Headers.TryGetValue("X-Test-Address", out var a)) http.Connection.RemoteIpAddress = IPAddress.Parse(a.ToString());
                return inner(http);
            });
            next(app);
        };
    }
}

public sealed partial class CredentialsTests(CredentialServer server) : IClassFixture<CredentialServer>
{
    private const string Password = "credentials-test-password";

    private HttpClient Admin(string address = "10.0.0.1")
    {
        var client = server.Client();
        client.DefaultRequestHeaders.Add("X-Test-Address", address);
        return client;
    }

    private HttpClient KeyClient(string key, string address)
    {
        var client = server.Client(key);
        client.DefaultRequestHeaders.Add("X-Test-Address", address);
        return client;
    }

    private async Task CreateUser(string name, string role = Roles.Supervisor)
    {
        using var scope = server.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        if (await users.FindByNameAsync(name) is not null) return;
        Assert.Empty(await AccountEndpoints.CreateUser(users, scope.ServiceProvider.GetRequiredService<KefuDb>(), name, Password, role,
            role == Roles.Admin ? [] : [("north", role == Roles.Agent ? "a1" : "")]));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    private HttpClient Browser(string address)
    {
        // Cookies by hand, so that a test can keep a copy of one as someone might have saved it.
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("X-Test-Address", address);
        return client;
    }

    private static string CookiePair(string setCookie) => setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)];

    /// <summary>Posts the sign-in form from <paramref name="address"/>.</summary>
    private async Task<HttpResponseMessage> SignIn(string user, string password, string address)
    {
        var client = Browser(address);
        var page = await client.GetAsync("/account/login");
        var form = await page.Content.ReadAsStringAsync();
        using var post = new HttpRequestMessage(HttpMethod.Post, "/account/signin")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value, ["user"] = user, ["password"] = password, ["returnUrl"] = "/",
            }),
        };
        post.Headers.Add("Cookie", string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(CookiePair)));
        return await client.SendAsync(post);
    }

    /// <summary>Signs in and returns the sign-in cookie (<c>kefu-auth=…</c>).</summary>
    private async Task<string> SignedIn(string user, string address, string password = Password)
    {
        var response = await SignIn(user, password, address);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        return CookiePair(response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("kefu-auth=", StringComparison.Ordinal)));
    }

    private async Task<HttpResponseMessage> WithCookie(HttpMethod method, string path, string cookie)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", cookie);
        return await Browser("10.0.0.9").SendAsync(request);
    }

    private async Task<HttpStatusCode> WithCookie(string cookie) => (await WithCookie(HttpMethod.Get, "/api/v1/shops", cookie)).StatusCode;

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_key_is_created_named_listed_with_its_last_use_and_refused_once_revoked()
    {
        var admin = Admin();
        var created = await admin.PostAsync("/api/v1/keys", Json("""{"name":"crm sync","shops":["north"]}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var key = body.GetProperty("key").GetString()!;
        var id = body.GetProperty("id").GetInt64();
        var client = KeyClient(key, "10.0.1.1");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/shops")).StatusCode);

        var listed = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/keys")).RootElement.EnumerateArray().Single(k => k.GetProperty("id").GetInt64() == id);
        Assert.Equal("crm sync", listed.GetProperty("name").GetString());
        Assert.Equal($"kefu_{key[5..9]}…", listed.GetProperty("prefix").GetString());
        Assert.Equal(JsonValueKind.String, listed.GetProperty("lastUsed").ValueKind);
        // Nothing beyond the 4 characters is stored in clear.
        await using (var db = new KefuDb(server.Services.GetRequiredService<DbContextOptions<KefuDb>>()))
            Assert.Equal(key.Substring(5, 4), (await db.ApiKeys.SingleAsync(k => k.Id == id)).Prefix);

        // A key limited to a shop manages nothing.
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/keys")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"/api/v1/keys/{id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/keys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/shops")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/keys/{id}")).StatusCode);
        var revoked = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/keys")).RootElement.EnumerateArray().Single(k => k.GetProperty("id").GetInt64() == id);
        Assert.Equal(JsonValueKind.String, revoked.GetProperty("revoked").ValueKind);
    }

    [Fact]
    public async Task A_key_is_refused_from_its_expiry_on()
    {
        var admin = Admin();
        var expires = server.Clock.GetUtcNow().AddHours(1);
        var created = await admin.PostAsJsonAsync("/api/v1/keys", new { name = "for a day", expires });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
        var client = KeyClient(key, "10.0.2.1");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/shops")).StatusCode);
        server.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/shops")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/v1/keys", new { name = "past", expires })).StatusCode);
    }

    [Fact]
    public async Task A_cookie_saved_before_sign_out_is_refused_after_it()
    {
        await CreateUser("signout-user");
        var saved = await SignedIn("signout-user", "10.0.3.1");
        Assert.Equal(HttpStatusCode.OK, await WithCookie(saved));
        Assert.Equal(HttpStatusCode.Redirect, (await WithCookie(HttpMethod.Post, "/account/signout", saved)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await WithCookie(saved));
    }

    [Fact]
    public async Task A_password_change_ends_the_old_cookie_and_the_new_password_signs_in()
    {
        await CreateUser("changed-user");
        var saved = await SignedIn("changed-user", "10.0.4.1");
        Assert.Equal(HttpStatusCode.OK, await WithCookie(saved));
        var admin = Admin();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsync("/api/v1/users/changed-user/password", Json("""{"password":"a new long passphrase"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await WithCookie(saved));
        await SignedIn("changed-user", "10.0.4.1", "a new long passphrase");
    }

    [Theory]
    [InlineData("12345678")]
    [InlineData("abcdefgh9")]
    [InlineData("1234567890")]
    [InlineData("qwerty123")]
    [InlineData("Password123")]
    [InlineData("woaini1314")]
    public async Task Short_or_common_passwords_are_refused_when_set_and_when_a_user_is_created(string password)
    {
        await CreateUser("policy-user");
        var admin = Admin();
        var set = await admin.PutAsync("/api/v1/users/policy-user/password", Json($$"""{"password":"{{password}}"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, set.StatusCode);
        using var scope = server.Services.CreateScope();
        var errors = await AccountEndpoints.CreateUser(scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>(),
            scope.ServiceProvider.GetRequiredService<KefuDb>(), "policy-" + Guid.NewGuid().ToString("N")[..8], password, Roles.Admin, []);
        Assert.NotEmpty(errors);
        // The old password still signs in: a refused change changes nothing.
        await SignedIn("policy-user", "10.0.5.1");
    }

    [Fact]
    public async Task An_open_page_loses_its_user_once_the_stamp_changes()
    {
        await CreateUser("circuit-user");
        using var scope = server.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var options = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<IdentityOptions>>().Value;
        var user = (await users.FindByNameAsync("circuit-user"))!;
        // The principal a page started with, as the sign-in made it.
        var principal = await scope.ServiceProvider.GetRequiredService<SignInManager<IdentityUser>>().CreateUserPrincipalAsync(user);
        Assert.True(await StampRevalidation.StillValid(users, principal, options));
        await users.UpdateSecurityStampAsync(user);
        Assert.False(await StampRevalidation.StillValid(users, principal, options));
        // And that is the check the server's pages use.
        Assert.IsType<StampRevalidation>(scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider>());
    }

    [Fact]
    public async Task A_role_change_or_deletion_ends_the_users_sessions_and_the_last_admin_stays()
    {
        await CreateUser("moved-user");
        var saved = await SignedIn("moved-user", "10.0.6.1");
        var admin = Admin();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsync("/api/v1/users/moved-user/role", Json("""{"role":"agent","shops":[{"shop":"north","agent":"a2"}]}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await WithCookie(saved));
        var users = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/users")).RootElement;
        var moved = users.EnumerateArray().Single(u => u.GetProperty("name").GetString() == "moved-user");
        Assert.Equal("agent", moved.GetProperty("role").GetString());
        Assert.Equal("a2", moved.GetProperty("shops")[0].GetProperty("agent").GetString());

        var again = await SignedIn("moved-user", "10.0.6.1");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/v1/users/moved-user")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await WithCookie(again));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/v1/users/moved-user")).StatusCode);
    }

    [Fact]
    public async Task The_last_admin_is_neither_deleted_nor_demoted()
    {
        // A server of its own: here the first admin is the only one.
        await using var alone = new KefuServer();
        var admin = alone.Client();
        Assert.Equal(HttpStatusCode.Conflict, (await admin.DeleteAsync("/api/v1/users/admin")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsync("/api/v1/users/admin/role", Json("""{"role":"supervisor","shops":[{"shop":"north","agent":""}]}"""))).StatusCode);
        Assert.Contains("\"admin\"", await admin.GetStringAsync("/api/v1/users"));
    }

    [Fact]
    public async Task Wrong_keys_from_one_address_get_429_with_retry_after_and_other_addresses_go_on()
    {
        var guesser = KeyClient("kefu_wrong", "10.0.7.1");
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.GetAsync("/api/v1/shops")).StatusCode);
        var blocked = await guesser.GetAsync("/api/v1/shops");
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.True(blocked.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 and <= 60 }, blocked.Headers.RetryAfter?.ToString());
        // From that address even the right key waits: guessing learns nothing more until the window ends.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await KeyClient(KefuServer.Key, "10.0.7.1").GetAsync("/api/v1/shops")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await KeyClient(KefuServer.Key, "10.0.7.2").GetAsync("/api/v1/shops")).StatusCode);
    }

    [Fact]
    public async Task Failed_sign_ins_get_429_with_retry_after_there_while_the_account_still_signs_in_elsewhere()
    {
        await CreateUser("target-admin", Roles.Admin);
        for (var i = 0; i < 3; i++)
        {
            var wrong = await SignIn("target-admin", "not-the-password", "10.0.8.1");
            Assert.Equal(HttpStatusCode.Redirect, wrong.StatusCode);
        }
        var blocked = await SignIn("target-admin", Password, "10.0.8.1");
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.True(blocked.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 and <= 60 }, blocked.Headers.RetryAfter?.ToString());
        // No account lockout: the admin signs in from their own machine.
        await SignedIn("target-admin", "10.0.8.2");
        using var scope = server.Services.CreateScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByNameAsync("target-admin");
        Assert.Null(user!.LockoutEnd);
    }

    [Fact]
    public async Task An_unknown_user_costs_a_password_check_like_a_known_one()
    {
        var before = server.Hasher.Checks;
        var unknown = await SignIn("nobody-by-this-name", "some-password-1", "10.0.9.1");
        Assert.Equal("/account/login?error=1&returnUrl=%2F", unknown.Headers.Location?.OriginalString);
        Assert.Equal(before + 1, server.Hasher.Checks);
    }

    [Fact]
    public async Task Pushes_past_the_per_key_limit_get_429_with_retry_after_and_other_keys_go_on()
    {
        // Keys covering every shop, since a limited key may not create a shop by pushing to it.
        async Task<string> NewKey() => JsonDocument.Parse(await (await Admin().PostAsync("/api/v1/keys", Json("""{"name":"pusher"}"""))).Content.ReadAsStringAsync())
            .RootElement.GetProperty("key").GetString()!;
        var client = KeyClient(await NewKey(), "10.0.10.1");
        var line = """{"type":"agent_status","id":"s1","shop":"burst","agent":"a1","status":"online","capacity":5,"at":"2026-11-20T09:00:00+08:00"}""";
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/events", new StringContent(line))).StatusCode);
        var limited = await client.PostAsync("/api/v1/events", new StringContent(line));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 and <= 60 }, limited.Headers.RetryAfter?.ToString());
        var other = KeyClient(await NewKey(), "10.0.10.1");
        Assert.Equal(HttpStatusCode.OK, (await other.PostAsync("/api/v1/events", new StringContent(line))).StatusCode);
    }
}

/// <summary>Two starts on one data folder: the first with <c>KEFU_BOOTSTRAP_API_KEY</c>, the second without it.</summary>
public sealed class BootstrapKeyTests
{
    private sealed class Start(string folder, string bootstrap) : KefuServer
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("KEFU_DATA", folder);
            builder.UseSetting("KEFU_BOOTSTRAP_API_KEY", bootstrap);
        }
    }

    [Fact]
    public async Task The_bootstrap_key_stops_working_once_the_variable_is_gone_and_its_text_is_never_stored()
    {
        var folder = Path.Combine(Path.GetTempPath(), "kefu-boot-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var first = new Start(folder, "demo-key"))
            {
                Assert.Equal(HttpStatusCode.OK, (await first.Client("demo-key").GetAsync("/api/v1/shops")).StatusCode);
                await using var db = new KefuDb(first.Services.GetRequiredService<DbContextOptions<KefuDb>>());
                Assert.Equal("", (await db.ApiKeys.SingleAsync(k => k.Bootstrap)).Prefix);
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await using (var second = new Start(folder, ""))
                Assert.Equal(HttpStatusCode.Unauthorized, (await second.Client("demo-key").GetAsync("/api/v1/shops")).StatusCode);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { /* best effort */ }
        }
    }
}
