using System.Net;
using System.Net.Http;
using KefuScore.Web.Live;
using Microsoft.Extensions.Configuration;

namespace KefuScore.Web.Tests.Live;

/// <summary>
/// The webhook target screen as a function: addresses and URLs in, a refusal or none out. Names resolve from a table
/// handed in, so nothing here looks anything up or connects anywhere.
/// </summary>
public sealed class WebhookTargetsTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.255.254", "loopback")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("0.1.2.3", "unspecified")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("10.255.255.255", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("100.64.0.1", "CGNAT")]
    [InlineData("100.127.255.255", "CGNAT")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("192.0.0.8", "special-purpose")]
    [InlineData("192.0.2.1", "documentation")]
    [InlineData("198.51.100.7", "documentation")]
    [InlineData("203.0.113.9", "documentation")]
    [InlineData("198.18.0.1", "benchmarking")]
    [InlineData("198.19.255.255", "benchmarking")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("239.255.255.250", "multicast")]
    [InlineData("240.0.0.1", "reserved")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("::", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("::127.0.0.1", "reserved")]
    [InlineData("64:ff9b::a00:1", "private")]
    [InlineData("64:ff9b::7f00:1", "loopback")]
    [InlineData("2002:7f00:1::", "loopback")]
    [InlineData("2002:c0a8:101::1", "private")]
    [InlineData("fc00::1", "unique-local")]
    [InlineData("fd12:3456:789a::1", "unique-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("febf::1", "link-local")]
    [InlineData("fec0::1", "site-local")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("2001:db8::1", "documentation")]
    [InlineData("2001::1", "special-purpose")]
    [InlineData("100::1", "discard-only")]
    public void Internal_and_special_addresses_are_refused_with_their_kind(string address, string kind)
    {
        var reason = WebhookTargets.Refusal(IPAddress.Parse(address));
        Assert.NotNull(reason);
        Assert.Contains(kind, reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.1.1.1")]
    [InlineData("8.8.8.8")]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("126.255.255.255")]
    [InlineData("128.0.0.1")]
    [InlineData("169.253.255.255")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.1")]
    [InlineData("198.20.0.1")]
    [InlineData("223.255.255.255")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2400:3200::1")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    [InlineData("fbff::1")]
    [InlineData("fe00::1")]
    public void Public_addresses_pass(string address) => Assert.Null(WebhookTargets.Refusal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("ftp://example.com/hook")]
    [InlineData("file:///etc/passwd")]
    [InlineData("gopher://example.com/")]
    [InlineData("/relative/hook")]
    [InlineData("http://user:pass@example.com/hook")]
    [InlineData("https://token@example.com/hook")]
    [InlineData("")]
    public void Urls_that_are_not_plain_http_or_carry_credentials_are_refused_before_any_lookup(string url) =>
        Assert.NotNull(WebhookTargets.UrlFault(url, out _));

    [Fact]
    public void A_url_longer_than_2000_characters_is_refused() =>
        Assert.NotNull(WebhookTargets.UrlFault("https://example.com/" + new string('a', 2000), out _));

    private static WebhookTargets Screen(Dictionary<string, string[]> dns, params string[] allowed) =>
        new(allowed, (host, _) => Task.FromResult(dns.TryGetValue(host, out var a) ? a.Select(IPAddress.Parse).ToArray() : []));

    [Fact]
    public async Task A_name_is_refused_when_any_of_its_addresses_is_internal_and_passes_when_all_are_public()
    {
        var screen = Screen(new()
        {
            ["hooks.example"] = ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
            ["mixed.example"] = ["93.184.215.14", "10.0.0.7"],
            ["metadata.example"] = ["169.254.169.254"],
        });
        Assert.Equal("https://hooks.example/a", (await screen.Check("https://hooks.example/a")).Uri?.ToString());
        var (uri, error) = await screen.Check("https://mixed.example/a");
        Assert.Null(uri);
        Assert.Contains("10.0.0.7", error, StringComparison.Ordinal);
        Assert.Contains("169.254.169.254", (await screen.Check("http://metadata.example/latest")).Error, StringComparison.Ordinal);
        Assert.Contains("does not resolve", (await screen.Check("https://nowhere.example/")).Error, StringComparison.Ordinal);
        // Numeric hosts are screened as they are, with no lookup.
        Assert.NotNull((await screen.Check("http://127.0.0.1:8080/")).Error);
        Assert.NotNull((await screen.Check("http://[::1]:8080/")).Error);
        Assert.NotNull((await screen.Check("http://[::ffff:192.168.0.1]/")).Error);
        Assert.NotNull((await screen.Check("http://0x7f000001/")).Error);
    }

    [Fact]
    public async Task An_allowed_host_passes_whatever_it_resolves_to_and_others_stay_refused()
    {
        var screen = Screen(new() { ["crm.internal"] = ["10.20.0.5"], ["other.internal"] = ["10.20.0.6"] }, "crm.internal", "127.0.0.1");
        Assert.Null((await screen.Check("https://CRM.internal/hook")).Error);
        Assert.Null((await screen.Check("http://127.0.0.1:9000/hook")).Error);
        Assert.NotNull((await screen.Check("https://other.internal/hook")).Error);
        Assert.NotNull((await screen.Check("http://127.0.0.2:9000/hook")).Error);
        Assert.NotNull((await screen.Check("http://user:pw@crm.internal/hook")).Error);
    }

    [Fact]
    public void The_allow_list_is_read_as_a_comma_separated_setting_or_a_list()
    {
        var joined = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Kefu:Webhooks:AllowedHosts"] = " CRM.internal , 127.0.0.1 ,[::1]" }).Build();
        Assert.Equal(["127.0.0.1", "::1", "crm.internal"], WebhookTargets.From(joined).AllowedHosts.Order(StringComparer.Ordinal));
        var list = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Kefu:Webhooks:AllowedHosts:0"] = "crm.internal", ["Kefu:Webhooks:AllowedHosts:1"] = "erp.internal" }).Build();
        Assert.Equal(["crm.internal", "erp.internal"], WebhookTargets.From(list).AllowedHosts.Order(StringComparer.Ordinal));
        Assert.Empty(WebhookTargets.From(new ConfigurationBuilder().Build()).AllowedHosts);
    }

    [Fact]
    public async Task A_name_that_rebinds_to_loopback_after_registration_is_refused_at_connection_before_any_socket()
    {
        var answers = new Queue<string>(["93.184.215.14", "127.0.0.1"]);
        var screen = new WebhookTargets([], (_, _) => Task.FromResult(new[] { IPAddress.Parse(answers.Dequeue()) }));
        Assert.Null((await screen.Check("http://rebind.example:9/hook")).Error);
        // The delivery's connection resolves again, and screens what it is about to connect to.
        var refused = await Assert.ThrowsAsync<WebhookTargetRefusedException>(async () => await screen.ConnectAsync(new DnsEndPoint("rebind.example", 9), CancellationToken.None));
        Assert.Contains("127.0.0.1", refused.Message, StringComparison.Ordinal);
        Assert.StartsWith("refused by the target screen", WebhookDispatcher.Reason(new HttpRequestException("x", refused)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_attempt_is_kept_as_a_short_fixed_reason_not_the_exception_text()
    {
        Assert.Equal("timeout", WebhookDispatcher.Reason(new TaskCanceledException("the target said: internal detail")));
        Assert.Equal("connection refused", WebhookDispatcher.Reason(new HttpRequestException("internal detail",
            new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused))));
        Assert.Equal("network error", WebhookDispatcher.Reason(new IOException("internal detail")));
    }
}
