using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace KefuScore.Web.Tests;

public sealed class RosterApiTests(KefuServerAtMondayNoon server) : IClassFixture<KefuServerAtMondayNoon>
{
    [Fact]
    public async Task A_roster_is_replaced_as_a_whole_and_read_back_by_group_and_account()
    {
        var client = server.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/events", new StringContent(
            """{"type":"message","id":"m1","shop":"ro","at":"2026-11-20T10:00:00+08:00","conversation":"c1","customer":"u1","sender":"customer"}""",
            Encoding.UTF8, "application/x-ndjson"))).StatusCode);

        var put = await client.PutAsJsonAsync("/api/v1/shops/ro/roster", new[]
        {
            new { agent = "ro-a2", name = "阿强", group = "售后组" },
            new { agent = "ro-a1", name = "小美", group = "售前组" },
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var roster = JsonDocument.Parse(await client.GetStringAsync("/api/v1/shops/ro/roster")).RootElement;
        // Ordered by group, then account (售前 U+524D before 售后 U+540E).
        Assert.Equal(["ro-a1 小美 售前组", "ro-a2 阿强 售后组"],
            roster.EnumerateArray().Select(e => $"{e.GetProperty("agent").GetString()} {e.GetProperty("name").GetString()} {e.GetProperty("group").GetString()}"));

        // Twice the same account: refused, the stored roster kept.
        var twice = await client.PutAsJsonAsync("/api/v1/shops/ro/roster", new[] { new { agent = "ro-a1", name = "甲", group = "" }, new { agent = "ro-a1", name = "乙", group = "" } });
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
        Assert.Contains("'ro-a1' is listed twice", await twice.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, JsonDocument.Parse(await client.GetStringAsync("/api/v1/shops/ro/roster")).RootElement.GetArrayLength());

        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/shops/ro/roster", Array.Empty<object>())).StatusCode);
        Assert.Equal(0, JsonDocument.Parse(await client.GetStringAsync("/api/v1/shops/ro/roster")).RootElement.GetArrayLength());
    }
}
