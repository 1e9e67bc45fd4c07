using System.Net;
using System.Text;
using System.Text.Json;
using KefuScore.App.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace KefuScore.Web.Tests;

public sealed class EventsApiTests(KefuServer server) : IClassFixture<KefuServer>
{
    private static string Lines(string shop) => $$"""
        {"type":"message","id":"m1","shop":"{{shop}}","conversation":"c1","customer":"u1","sender":"customer","at":"2026-11-20T10:00:00+08:00","text":"在吗?"}
        {"type":"message","id":"m2","shop":"{{shop}}","conversation":"c1","sender":"agent","agent":"a1","at":"2026-11-20T10:02:30+08:00","text":"您好,在的"}
        {"type":"rating","id":"r1","shop":"{{shop}}","conversation":"c1","agent":"a1","at":"2026-11-20T10:09:00+08:00","stars":9}
        {"type":"rating","id":"r2","shop":"{{shop}}","conversation":"c1","agent":"a1","at":"2026-11-20T10:09:00+08:00","stars":5}
        """;

    private static StringContent Ndjson(string text) => new(text, Encoding.UTF8, "application/x-ndjson");

    [Fact]
    public async Task Healthz_answers_200()
    {
        var response = await server.Client(key: null).GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_push_answers_accepted_duplicates_and_rejected_lines()
    {
        var client = server.Client();
        var first = await client.PostAsync("/api/v1/events", Ndjson(Lines("shape")));
        var again = await client.PostAsync("/api/v1/events", Ndjson(Lines("shape")));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var body = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(3, body.GetProperty("accepted").GetInt64());
        Assert.Equal(0, body.GetProperty("duplicates").GetInt64());
        var rejected = Assert.Single(body.GetProperty("rejected").EnumerateArray().ToList());
        Assert.Equal(3, rejected.GetProperty("line").GetInt64());
        Assert.Equal("stars", rejected.GetProperty("field").GetString());
        Assert.Contains("1–5", rejected.GetProperty("reason").GetString());
        var second = JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(0, second.GetProperty("accepted").GetInt64());
        Assert.Equal(3, second.GetProperty("duplicates").GetInt64());
    }

    [Fact]
    public async Task A_JSON_array_is_read_element_by_element()
    {
        var array = "[" + string.Join(",", Lines("array").Split('\n')) + "]";
        var response = await server.Client().PostAsync("/api/v1/events", new StringContent(array, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(3, body.GetProperty("accepted").GetInt64());
        Assert.Equal(3, body.GetProperty("rejected")[0].GetProperty("line").GetInt64());
    }

    [Fact]
    public async Task Any_content_type_is_read_as_events()
    {
        var response = await server.Client().PostAsync("/api/v1/events", new StringContent(Lines("plain"), Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Nothing_valid_is_400_with_the_line_errors()
    {
        var response = await server.Client().PostAsync("/api/v1/events", Ndjson("""{"type":"message","id":"x"}""" + "\nnot json\n"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(2, body.GetProperty("rejected").GetArrayLength());
        Assert.Equal("shop", body.GetProperty("rejected")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task No_key_or_an_unknown_key_is_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client(key: null).PostAsync("/api/v1/events", Ndjson(Lines("auth")))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client("kefu_wrong").PostAsync("/api/v1/events", Ndjson(Lines("auth")))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client(key: null).GetAsync("/api/v1/shops")).StatusCode);
    }

    [Fact]
    public async Task A_key_limited_to_some_shops_is_403_elsewhere_and_the_request_stores_nothing()
    {
        await server.Client().PostAsync("/api/v1/events", Ndjson(Lines("mine")));
        var key = await server.KeyFor("mine");
        var client = server.Client(key);

        var mixed = await client.PostAsync("/api/v1/events", Ndjson(Lines("mine").Replace("\"m1\"", "\"m9\"") + "\n" + Lines("theirs")));
        var unknown = await server.Client(await server.KeyFor("new-shop")).PostAsync("/api/v1/events", Ndjson(Lines("new-shop")));
        var own = await client.PostAsync("/api/v1/events", Ndjson(Lines("mine").Replace("\"m1\"", "\"m9\"")));

        Assert.Equal(HttpStatusCode.Forbidden, mixed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(await own.Content.ReadAsStringAsync()).RootElement.GetProperty("accepted").GetInt64());
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/shops/theirs/report")).StatusCode);
        var shops = JsonDocument.Parse(await client.GetStringAsync("/api/v1/shops")).RootElement;
        Assert.Equal(["mine"], shops.EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList());
        using var scope = server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        Assert.False(await db.Events.AnyAsync(e => e.Shop == "theirs" || e.Shop == "new-shop"));
    }

    [Fact]
    public async Task A_body_over_10_MiB_is_413()
    {
        var line = Lines("big").Split('\n')[0] + "\n";
        var big = new StringBuilder();
        while (big.Length < (10 << 20) + 1000) big.Append(line);
        var response = await server.Client().PostAsync("/api/v1/events", Ndjson(big.ToString()));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}
