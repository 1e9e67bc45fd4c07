using System.Net;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using KefuScore.Web.Dashboard.Account;
using Microsoft.AspNetCore.Mvc.Testing;

namespace KefuScore.Web.Tests;

/// <summary>
/// Issue 17's files and headers: security headers on pages and the API, the language switch's <c>back</c> (never a
/// 500, never another site), the Scalar page behind sign-in.
/// </summary>
public sealed partial class HeadersTests(KefuServer server) : IClassFixture<KefuServer>
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [Theory]
    [InlineData("/account/login")]
    [InlineData("/healthz")]
    [InlineData("/api/v1/shops")]
    public async Task Pages_and_the_API_carry_nosniff_no_referrer_and_one_content_security_policy(string path)
    {
        using var response = await server.Client().GetAsync(path);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        // One policy (Blazor's own frame-ancestors is replaced by it, not added beside it).
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self' ws: wss:", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Scalar_page_opens_for_a_signed_in_user()
    {
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await client.GetStringAsync("/account/login");
        await client.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value, ["user"] = "admin", ["password"] = "test-admin-password", ["returnUrl"] = "/",
        }));
        using var page = await client.GetAsync("/scalar/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Theory]
    [InlineData("/%09/x", "/")]
    [InlineData("/%0d%0aSet-Cookie:%20x=1", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/%5Cevil.example/", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("/shops/demo?x=1", "/shops/demo?x=1")]
    [InlineData("/shops/%E5%BA%97%20a", "/shops/%E5%BA%97%20a")]
    public async Task The_language_switch_goes_back_only_to_a_local_path(string back, string location)
    {
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var response = await client.GetAsync($"/account/lang?to=en&back={back}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(location, response.Headers.Location?.OriginalString);
    }

    /// <summary>Whatever <c>back</c> holds, the answer is a redirect to a path of this site.</summary>
    [Fact]
    public void The_language_switch_never_fails_and_never_leaves_the_site_whatever_back_holds()
    {
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var backs = ArbMap.Default.GeneratorFor<string>().Select(s => s is null ? "" : "/" + new string(s.Where(c => !char.IsSurrogate(c)).ToArray()));
        Prop.ForAll(backs.ToArbitrary(), back =>
        {
            using var response = client.GetAsync("/account/lang?back=" + Uri.EscapeDataString(back)).GetAwaiter().GetResult();
            var location = response.Headers.Location?.OriginalString ?? "";
            return response.StatusCode == HttpStatusCode.Redirect && IsLocal(location);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_local_target_is_a_rooted_path_of_printable_ASCII()
    {
        Prop.ForAll<string>(url => AccountEndpoints.Local(url) is not { } local || IsLocal(local)).QuickCheckThrowOnFailure();
        Assert.Equal("/%E4%B8%AD", AccountEndpoints.Local("/中"));
        Assert.Null(AccountEndpoints.Local("/\t/x"));
        Assert.Null(AccountEndpoints.Local("/\\evil"));
        Assert.Null(AccountEndpoints.Local("evil"));
    }

    private static bool IsLocal(string location) =>
        location.StartsWith('/') && !location.StartsWith("//", StringComparison.Ordinal) && !location.StartsWith("/\\", StringComparison.Ordinal) &&
        location.All(c => c is > ' ' and < (char)0x7F);
}

/// <summary>The files a first start leaves behind: owner-only, and the generated admin password in one of them, never on stdout.</summary>
public sealed class FirstStartFilesTests
{
    [SkippableFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_database_keys_and_the_generated_admin_password_are_readable_by_the_owner_only()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes");
        var data = Path.Combine(Path.GetTempPath(), "kefu-files-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        try
        {
            using var server = await ServerProcess.Start(data, postgres: null, generatedPassword: true);
            // A push makes SQLite write its -wal and -shm.
            var pushed = await server.Client.PostAsync("/api/v1/events", new StringContent(
                """{"type":"message","id":"m1","shop":"files","at":"2026-11-20T10:00:00+08:00","conversation":"c1","customer":"u1","sender":"customer","text":"在吗"}"""));
            Assert.Equal(HttpStatusCode.OK, pushed.StatusCode);

            var passwordFile = Path.Combine(data, "admin-password.txt");
            var password = (await File.ReadAllTextAsync(passwordFile)).Trim();
            Assert.True(password.Length >= 20, password.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            foreach (var file in new[] { "kefu.db", "kefu.db-wal", "kefu.db-shm", "admin-password.txt" })
                Assert.True(File.GetUnixFileMode(Path.Combine(data, file)) == owner, $"{file}: {File.GetUnixFileMode(Path.Combine(data, file))}");
            var keys = Directory.GetFiles(Path.Combine(data, "keys"));
            Assert.NotEmpty(keys);
            Assert.All(keys, k => Assert.Equal(owner, File.GetUnixFileMode(k)));
            Assert.Equal(owner | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(data, "keys")));

            // The file holds the admin's password: it signs in.
            using (var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true })
            using (var browser = new HttpClient(handler) { BaseAddress = server.Client.BaseAddress })
            {
                var form = await browser.GetStringAsync("/account/login");
                var token = Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
                var signedIn = await browser.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["__RequestVerificationToken"] = token, ["user"] = "admin", ["password"] = password, ["returnUrl"] = "/",
                }));
                Assert.Equal("/", signedIn.Headers.Location?.OriginalString);
                Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/shops")).StatusCode);
            }

            // stdout says where the password is, and never the password itself.
            var output = server.Output;
            Assert.Contains(output, l => l.Contains("created admin user 'admin'", StringComparison.Ordinal) && l.Contains(passwordFile, StringComparison.Ordinal));
            Assert.DoesNotContain(output, l => l.Contains(password, StringComparison.Ordinal));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(data, recursive: true); }
            catch (IOException) { /* best effort */ }
        }
    }
}
