using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KefuScore.App.Profiles;
using KefuScore.App.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace KefuScore.Web.Tests;

/// <summary>
/// Uploaded profiles through the API (issue 16, item 6): stored as versions, assigned to a shop, and used by the
/// report, explain and live paths of that shop.
/// </summary>
public sealed class ProfilesApiTests(KefuServerAtMondayNoon server) : IClassFixture<KefuServerAtMondayNoon>
{
    private static string Strict => ProfileCatalog.BuiltInText("douyin")!
        .Replace("id: douyin", "id: strict", StringComparison.Ordinal)
        .Replace("    within: 180s", "    within: 60s", StringComparison.Ordinal);

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    [Fact]
    public async Task An_uploaded_version_assigned_to_a_shop_judges_its_events_on_every_path()
    {
        var client = server.Client();
        var bad = await client.PostAsync("/api/v1/profiles", Yaml(Strict.Replace("    within: 60s", "    within: three", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0];
        Assert.Equal((25, "metrics[1].within"), (problem.GetProperty("line").GetInt32(), problem.GetProperty("field").GetString()));

        var first = await client.PostAsync("/api/v1/profiles", Yaml(Strict));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var second = await client.PostAsync("/api/v1/profiles", Yaml(Strict + "# v2\n"));
        var (v1, v2) = (JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement, JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement);
        Assert.Equal(("strict@1", "strict@2"), (v1.GetProperty("reference").GetString(), v2.GetProperty("reference").GetString()));
        Assert.Equal("key:bootstrap", v1.GetProperty("author").GetString());
        Assert.Equal(Strict + "# v2\n", await client.GetStringAsync("/api/v1/profiles/strict/versions/2"));
        var listed = JsonDocument.Parse(await client.GetStringAsync("/api/v1/profiles")).RootElement;
        Assert.Contains("douyin", listed.GetProperty("built_in").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["strict@2", "strict@1"], listed.GetProperty("stored").EnumerateArray().Select(e => e.GetProperty("reference").GetString()));

        using (var scope = server.Services.CreateScope())
            Assert.Equal(ShopRefusal.None, await ShopCatalog.Create(scope.ServiceProvider.GetRequiredService<KefuDb>(), "pr", "严格店", "douyin"));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PutAsJsonAsync("/api/v1/shops/pr/profile", new { profile = "strict", version = 9 })).StatusCode);
        var assigned = await client.PutAsJsonAsync("/api/v1/shops/pr/profile", new { profile = "strict", version = 1 });
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);

        // Replies after 10 s, 90 s and 200 s: within 60 s only the first.
        const string events = """
            {"type":"message","id":"p1","shop":"pr","at":"2026-11-20T10:00:00+08:00","conversation":"c1","customer":"u1","sender":"customer"}
            {"type":"message","id":"p2","shop":"pr","at":"2026-11-20T10:00:10+08:00","conversation":"c1","sender":"agent","agent":"a1"}
            {"type":"message","id":"p3","shop":"pr","at":"2026-11-20T10:00:00+08:00","conversation":"c2","customer":"u2","sender":"customer"}
            {"type":"message","id":"p4","shop":"pr","at":"2026-11-20T10:01:30+08:00","conversation":"c2","sender":"agent","agent":"a1"}
            {"type":"message","id":"p5","shop":"pr","at":"2026-11-20T10:00:00+08:00","conversation":"c3","customer":"u3","sender":"customer"}
            {"type":"message","id":"p6","shop":"pr","at":"2026-11-20T10:03:20+08:00","conversation":"c3","sender":"agent","agent":"a1"}
            """;
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/events", new StringContent(events, Encoding.UTF8, "application/x-ndjson"))).StatusCode);

        var report = JsonDocument.Parse(await client.GetStringAsync("/api/v1/shops/pr/report?by=day")).RootElement;
        Assert.Equal("strict", report.GetProperty("profile").GetString());
        var rate = report.GetProperty("shops")[0].GetProperty("periods")[0].GetProperty("metrics").GetProperty("reply_rate_3min");
        Assert.Equal((1, 3), (rate.GetProperty("numerator").GetInt32(), rate.GetProperty("denominator").GetInt32()));
        // The built-in asked for explicitly: 2 of 3 within 180 s.
        var douyin = JsonDocument.Parse(await client.GetStringAsync("/api/v1/shops/pr/report?by=day&profile=douyin")).RootElement;
        Assert.Equal(2, douyin.GetProperty("shops")[0].GetProperty("periods")[0].GetProperty("metrics").GetProperty("reply_rate_3min").GetProperty("numerator").GetInt32());
        // explain and live resolve the same version.
        Assert.Contains("\"strict\"", await client.GetStringAsync("/api/v1/shops/pr/conversations/c2/explain"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/shops/pr/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/shops/pr/report?profile=strict@2")).StatusCode);

        // With events the shop keeps its rules.
        Assert.Equal(HttpStatusCode.Conflict, (await client.PutAsJsonAsync("/api/v1/shops/pr/profile", new { profile = "strict", version = 2 })).StatusCode);
    }
}
