using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using KefuScore.App.Reading;
using KefuScore.App.Storage;
using KefuScore.App.Writing;
using KefuScore.Engine.Events;
using KefuScore.Engine.Simulation;
using KefuScore.Web.Dashboard.Account;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace KefuScore.Web.Tests;

/// <summary>
/// Roles through pages, exports and the API: an agent sees their own figures in their own shop and nothing else; a
/// supervisor sees the shops assigned; a signed-in cookie never pushes events. The server's clock stands in the
/// simulated month (November 2026), since the pages open on the current month.
/// </summary>
public sealed partial class DashboardAccessTests(KefuServerAtMondayNoon server) : IClassFixture<KefuServerAtMondayNoon>
{
    private const string Password = "dashboard-test-password";

    private async Task<(string Me, string Colleague, string MyConversation, string TheirConversation)> Seed()
    {
        var events = Simulator.Generate(new SimulationOptions { Shops = 2, Days = 2, Seed = 41, AgentsPerShop = 3 })
            .Select(e => FirstStart.InShop(e, e.Shop == "s1" ? "north" : "south")).ToList();
        using var buffer = new MemoryStream();
        EventWriter.Write(buffer, EventFileFormat.JsonLines, events);
        var pushed = await server.Client().PostAsync("/api/v1/events", new ByteArrayContent(buffer.ToArray()));
        Assert.Equal(HttpStatusCode.OK, pushed.StatusCode);

        var north = events.Where(e => e.Shop == "north" && e.Agent is not null && e.Conversation is not null).ToList();
        var agents = north.Select(e => e.Agent!).Distinct().Order(StringComparer.Ordinal).ToList();
        var (me, colleague) = (agents[0], agents[1]);
        // A conversation only the colleague answered, and one of mine.
        var byConversation = north.GroupBy(e => e.Conversation!).ToList();
        var mine = byConversation.First(g => g.All(e => e.Agent == me)).Key;
        var theirs = byConversation.First(g => g.All(e => e.Agent == colleague)).Key;

        using var scope = server.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        if (await users.FindByNameAsync("agent-north") is null)
        {
            Assert.Empty(await AccountEndpoints.CreateUser(users, db, "agent-north", Password, Roles.Agent, [("north", me)]));
            Assert.Empty(await AccountEndpoints.CreateUser(users, db, "boss-south", Password, Roles.Supervisor, [("south", "")]));
        }
        return (me, colleague, mine, theirs);
    }

    private async Task<HttpClient> SignIn(string user)
    {
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await client.GetStringAsync("/account/login");
        var token = Token().Match(form).Groups[1].Value;
        var response = await client.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["user"] = user, ["password"] = Password, ["returnUrl"] = "/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [Fact]
    public async Task An_agent_reaches_only_their_own_figures_through_the_api_the_pages_and_the_exports()
    {
        var (me, colleague, mine, theirs) = await Seed();
        using var agent = await SignIn("agent-north");

        // The API: one shop listed; the other shop refused; the report holds no shop totals and no colleague.
        Assert.Equal("""[{"id":"north","name":"north"}]""", await agent.GetStringAsync("/api/v1/shops"));
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/shops/south/report")).StatusCode);
        using (var report = JsonDocument.Parse(await agent.GetStringAsync("/api/v1/shops/north/report")))
        {
            var shop = report.RootElement.GetProperty("shops")[0];
            Assert.Equal(0, shop.GetProperty("periods").GetArrayLength());
            var agents = shop.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("agent").GetString()).ToList();
            Assert.Equal([me], agents);
        }
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync($"/api/v1/shops/north/conversations/{mine}/explain")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/v1/shops/north/conversations/{theirs}/explain")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync($"/api/v1/shops/south/conversations/{theirs}/explain")).StatusCode);

        // The pages (prerendered HTML): the other shop and the colleague's conversation say "no access".
        var otherShop = await agent.GetStringAsync("/shops/south");
        Assert.Contains("id=\"no-access\"", otherShop);
        Assert.Contains("id=\"no-access\"", await agent.GetStringAsync($"/shops/north/conversations/{theirs}"));
        Assert.DoesNotContain("id=\"no-access\"", await agent.GetStringAsync($"/shops/north/conversations/{mine}"));
        var agentsPage = await agent.GetStringAsync("/shops/north/agents");
        Assert.Contains($">{me}</th>", agentsPage);
        Assert.DoesNotContain($">{colleague}</th>", agentsPage);

        // Exports: the other shop is not found; the agents table has my row only.
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync("/export/south/overview.csv")).StatusCode);
        var rows = (await agent.GetStringAsync("/export/north/agents.csv")).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, rows.Length);
        Assert.StartsWith($"1,{me},", rows[1]);

        // A cookie never pushes events, whatever the shop.
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync("/api/v1/events", new StringContent("[]"))).StatusCode);
    }

    [Fact]
    public async Task A_supervisor_sees_the_shops_assigned_and_a_signed_out_visitor_is_sent_to_sign_in()
    {
        await Seed();
        using var boss = await SignIn("boss-south");
        Assert.Equal("""[{"id":"south","name":"south"}]""", await boss.GetStringAsync("/api/v1/shops"));
        Assert.Equal(HttpStatusCode.Forbidden, (await boss.GetAsync("/api/v1/shops/north/report")).StatusCode);
        using (var report = JsonDocument.Parse(await boss.GetStringAsync("/api/v1/shops/south/report")))
            Assert.True(report.RootElement.GetProperty("shops")[0].GetProperty("periods").GetArrayLength() > 0);
        Assert.Contains("id=\"no-access\"", await boss.GetStringAsync("/shops/north"));

        using var visitor = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await visitor.GetAsync("/shops/south");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/account/login", page.Headers.Location?.PathAndQuery ?? page.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.GetAsync("/api/v1/shops")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.GetAsync("/export/south/overview.csv")).StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_goes_back_to_the_form_with_an_error_and_no_cookie()
    {
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await client.GetStringAsync("/account/login");
        var response = await client.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value, ["user"] = "admin", ["password"] = "not-the-password", ["returnUrl"] = "https://evil.example/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/login?error=1&returnUrl=%2F", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/shops")).StatusCode);
    }
}
