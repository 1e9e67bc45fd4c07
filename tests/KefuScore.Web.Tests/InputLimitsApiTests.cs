using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using Microsoft.Extensions.DependencyInjection;

namespace KefuScore.Web.Tests;

/// <summary>Issue 17, findings 1, 3 and 5 through the API: hostile documents and far instants get a 4xx or a rejected line, never a 500 or an abort.</summary>
public sealed class InputLimitsApiTests(KefuServer server) : IClassFixture<KefuServer>
{
    private static string Line(string id, string shop, string at) =>
        $$"""{"type":"message","id":"{{id}}","shop":"{{shop}}","at":"{{at}}","conversation":"c1","customer":"u1","sender":"customer","text":"在吗"}""";

    private async Task<HttpClient> Shop(string shop)
    {
        var client = server.Client();
        var r = await client.PostAsync("/api/v1/events", new StringContent(Line("seed", shop, "2026-11-20T10:00:00+08:00") + "\n", Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return client;
    }

    [Fact]
    public async Task A_settings_document_nested_35000_levels_is_a_400_naming_the_depth_limit()
    {
        var client = await Shop("deep");
        var yaml = "week: " + new string('[', 35_000) + new string(']', 35_000) + "\n";
        foreach (var kind in new[] { "calendar", "complaints", "faq_policy", "incentives" })
        {
            var r = await client.PutAsync($"/api/v1/shops/deep/settings/{kind}", new StringContent(yaml, Encoding.UTF8, "text/plain"));
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Contains("limit: depth 64", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task The_alias_bomb_in_incentives_is_a_short_400()
    {
        var client = await Shop("bomb");
        var b = new StringBuilder("anchor: &a {");
        for (var i = 0; i < 200; i++) b.Append(i == 0 ? "" : ", ").Append('k').Append(i).Append(": 1");
        b.Append("}\ngrades: [");
        for (var i = 0; i < 2_000; i++) b.Append(i == 0 ? "*a" : ",*a");
        b.Append("]\n");
        var r = await client.PutAsync("/api/v1/shops/bomb/settings/incentives", new StringContent(b.ToString(), Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var body = await r.Content.ReadAsStringAsync();
        Assert.Contains("limit: 100,000 nodes", body, StringComparison.Ordinal);
        Assert.True(body.Length < 1_000, body.Length.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_batch_with_far_instants_stores_the_good_events_and_rejects_the_far_ones_by_line()
    {
        var client = server.Client();
        var body = string.Join("\n",
            Line("f1", "far", "2026-11-20T10:00:00+08:00"),
            Line("f2", "far", "9999-12-31T23:59:59Z"),
            Line("f3", "far", "0001-01-01T00:00:00+14:00"),
            Line("f4", "far", "9999-12-31T20:00:00+08:00")) + "\n";
        var r = await client.PostAsync("/api/v1/events", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var json = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(1, json.GetProperty("accepted").GetInt64());
        var lines = json.GetProperty("rejected").EnumerateArray().Select(x => x.GetProperty("line").GetInt64()).ToList();
        Assert.Equal([2L, 3L, 4L], lines);
        Assert.All(json.GetProperty("rejected").EnumerateArray(), x => Assert.Contains("outside the range", x.GetProperty("reason").GetString(), StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/shops/far/report")).StatusCode);
    }

    [Fact]
    public async Task A_json_array_with_far_instants_is_answered_per_element()
    {
        var client = server.Client();
        var body = "[" + Line("a1", "fararr", "2026-11-20T10:00:00+08:00") + "," + Line("a2", "fararr", "0001-01-01T00:00:00+14:00") + "]";
        var r = await client.PostAsync("/api/v1/events", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var json = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(1, json.GetProperty("accepted").GetInt64());
        Assert.Equal(2, Assert.Single(json.GetProperty("rejected").EnumerateArray()).GetProperty("line").GetInt64());
    }

    /// <summary>Stored before the range check existed (the API used to accept it): written here past the parser.</summary>
    private async Task StoreFarEvent(string shop)
    {
        using var scope = server.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<EventStore>();
        await store.Ingest([new ChatEvent
        {
            Type = EventType.Message, Id = "far1", Shop = shop, Conversation = "c9", Customer = "u9", Sender = Sender.Customer,
            At = DateTimeOffset.Parse("9999-12-31T20:00:00+08:00", CultureInfo.InvariantCulture), Text = "x",
        }]);
    }

    [Fact]
    public async Task A_shop_with_a_far_event_already_stored_still_gets_its_report_with_the_event_flagged()
    {
        var client = await Shop("stored");
        await StoreFarEvent("stored");
        foreach (var url in new[] { "/api/v1/shops/stored/report", "/api/v1/shops/stored/report?agents=true", "/api/v1/shops/stored/report?profile=kuaishou" })
        {
            var r = await client.GetAsync(url);
            var text = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{url}: {(int)r.StatusCode} {text}");
            var json = JsonDocument.Parse(text).RootElement;
            var flagged = Assert.Single(json.GetProperty("rejected").EnumerateArray());
            Assert.Contains("outside the range", flagged.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_admin_deletes_the_far_events_by_range_and_the_report_is_clean_again()
    {
        var client = await Shop("purge");
        await StoreFarEvent("purge");
        var limited = server.Client(await server.KeyFor("purge"));
        Assert.Equal(HttpStatusCode.Forbidden, (await limited.DeleteAsync("/api/v1/shops/purge/events?from=2100-01-01T00:00:00Z")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.DeleteAsync("/api/v1/shops/purge/events")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.DeleteAsync("/api/v1/shops/purge/events?from=tomorrow")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/api/v1/shops/nosuch/events?ids=x")).StatusCode);

        var r = await client.DeleteAsync("/api/v1/shops/purge/events?from=2100-01-01T00:00:00Z");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("deleted").GetInt64());
        var report = JsonDocument.Parse(await client.GetStringAsync("/api/v1/shops/purge/report")).RootElement;
        Assert.Empty(report.GetProperty("rejected").EnumerateArray());
        Assert.Equal(1, report.GetProperty("events").GetProperty("read").GetInt64());
    }

    [Fact]
    public async Task Deleting_an_event_by_id_leaves_the_facts_of_a_shop_that_never_had_it()
    {
        string[] events =
        [
            """{"type":"message","id":"m1","shop":"SHOP","at":"2026-11-20T10:00:00+08:00","conversation":"c1","customer":"u1","sender":"customer","text":"在吗"}""",
            """{"type":"message","id":"m2","shop":"SHOP","at":"2026-11-20T10:01:00+08:00","conversation":"c1","sender":"agent","agent":"a1","text":"在的"}""",
            """{"type":"message","id":"m3","shop":"SHOP","at":"2026-11-20T11:00:00+08:00","conversation":"c1","customer":"u1","sender":"customer","text":"发货了吗"}""",
            """{"type":"message","id":"m4","shop":"SHOP","at":"2026-11-20T11:10:00+08:00","conversation":"c1","sender":"agent","agent":"a2","text":"今天发"}""",
            """{"type":"rating","id":"r1","shop":"SHOP","at":"2026-11-20T12:00:00+08:00","agent":"a1","satisfaction":"satisfied"}""",
            """{"type":"rating","id":"r2","shop":"SHOP","at":"2026-11-20T12:00:00+08:00","agent":"a2","satisfaction":"dissatisfied"}""",
        ];
        var client = server.Client();
        async Task Push(string shop, IEnumerable<string> lines) =>
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/events",
                new StringContent(string.Join("\n", lines.Select(l => l.Replace("SHOP", shop, StringComparison.Ordinal))) + "\n", Encoding.UTF8, "application/x-ndjson"))).StatusCode);
        await Push("had", events);
        await Push("never", events.Where(e => !e.Contains("\"id\":\"m2\"", StringComparison.Ordinal) && !e.Contains("\"id\":\"r2\"", StringComparison.Ordinal)));

        var r = await client.DeleteAsync("/api/v1/shops/had/events?ids=m2,r2,nosuch");
        Assert.Equal(2, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("deleted").GetInt64());

        foreach (var query in new[] { "", "?agents=true" })
        {
            var had = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/shops/had/report{query}")).RootElement;
            var never = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/shops/never/report{query}")).RootElement;
            Assert.Equal(never.GetProperty("events").GetProperty("read").GetInt64(), had.GetProperty("events").GetProperty("read").GetInt64());
            Assert.Equal(never.GetProperty("shops")[0].GetProperty("periods").GetRawText(), had.GetProperty("shops")[0].GetProperty("periods").GetRawText());
            if (query.Length > 0)
                Assert.Equal(never.GetProperty("shops")[0].GetProperty("agents").GetRawText(), had.GetProperty("shops")[0].GetProperty("agents").GetRawText());
        }
    }

    [Fact]
    public async Task A_push_of_many_bad_lines_lists_the_first_100_and_counts_them_all()
    {
        var client = server.Client();
        var body = string.Concat(Enumerable.Repeat("{}\n", 5_000)) + Line("ok1", "many", "2026-11-20T10:00:00+08:00") + "\n";
        var r = await client.PostAsync("/api/v1/events", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var json = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(100, json.GetProperty("rejected").GetArrayLength());
        Assert.Equal(5_000, json.GetProperty("rejected_count").GetInt64());
        Assert.Equal(1, json.GetProperty("accepted").GetInt64());
    }

    [Fact]
    public async Task Reconcile_refuses_a_body_over_2_MiB_and_more_figures_than_the_row_limit()
    {
        var client = await Shop("rec");
        var big = new StringBuilder("date,metric,value\n");
        while (big.Length <= 2 << 20) big.Append("2026-11-20,reply_rate_3min,0.95\n");
        var r = await client.PostAsync("/api/v1/shops/rec/reconcile", new StringContent(big.ToString(), Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        Assert.Contains("limit: 2 MiB", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var many = new StringBuilder("date,metric,value\n");
        for (var i = 0; i <= App.Reconciliation.PlatformFigures.MaxRows; i++) many.Append("2026-11-20,x,1\n");
        r = await client.PostAsync("/api/v1/shops/rec/reconcile", new StringContent(many.ToString(), Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("limit: 100,000 rows per file", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_other_reads_of_a_shop_with_a_far_event_stored_answer_without_a_500()
    {
        var client = await Shop("stored2");
        await StoreFarEvent("stored2");
        foreach (var url in new[]
        {
            "/api/v1/shops/stored2/score", "/api/v1/shops/stored2/score?history=1", "/api/v1/shops/stored2/plan?date=2026-11-21",
            "/api/v1/shops/stored2/live", "/api/v1/shops/stored2/conversations/c9/explain", "/api/v1/shops/stored2/report?by=week",
            "/api/v1/shops/stored2/report?by=month&from=2026-11-01&to=2026-11-30",
        })
        {
            var r = await client.GetAsync(url);
            Assert.True((int)r.StatusCode < 500, $"{url}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        }
    }
}
