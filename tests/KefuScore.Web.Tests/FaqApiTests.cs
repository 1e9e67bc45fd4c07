using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace KefuScore.Web.Tests;

public sealed class FaqApiTests(KefuServerAtMondayNoon server) : IClassFixture<KefuServerAtMondayNoon>
{
    private const string Kb = "question,answer,keywords\n下单后多久发货,亲，付款后48小时内发货。,发货时间 多久发货\n运费怎么算,亲，全店满99元包邮。,运费 邮费 包邮\n";

    private const string Calendar = "week: { mon: [\"09:00-18:00\"], tue: [\"09:00-18:00\"], wed: [\"09:00-18:00\"], thu: [\"09:00-18:00\"], fri: [\"09:00-18:00\"] }";

    [Fact]
    public async Task At_night_the_FAQ_answers_and_the_reply_is_stored_as_a_bot_message()
    {
        var client = server.Client();
        await client.PostAsync("/api/v1/events", new StringContent(
            """{"type":"message","id":"m1","shop":"faq","at":"2026-11-22T23:10:00+08:00","conversation":"c1","customer":"u1","sender":"customer","text":"这个多久能发货啊"}""",
            Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync("/api/v1/shops/faq/settings/calendar", new StringContent(Calendar))).StatusCode);
        var put = await client.PutAsync("/api/v1/shops/faq/faq", new StringContent(Kb, Encoding.UTF8, "text/csv"));
        Assert.Equal(2, JsonDocument.Parse(await put.Content.ReadAsStringAsync()).RootElement.GetProperty("entries").GetInt32());

        // Sunday 23:10, closed: the FAQ sends its answer.
        var night = await Ask(client, new { question = "这个多久能发货啊", conversation = "c1", customer = "u1", at = "2026-11-22T23:10:01+08:00", send = true });
        // Monday 12:30 (the server's clock), open, nobody waiting: agents answer.
        var noon = await Ask(client, new { question = "这个多久能发货啊" });
        // Open but 8 customers waiting: overflow.
        var peak = await Ask(client, new { question = "邮费多少", waiting = 8 });

        Assert.Equal((false, true, "off_hours"), (night.GetProperty("open").GetBoolean(), night.GetProperty("answer").GetBoolean(), night.GetProperty("reason").GetString()));
        Assert.Equal("下单后多久发货", night.GetProperty("matches")[0].GetProperty("question").GetString());
        Assert.Equal($"faq-c1-{DateTimeOffset.Parse("2026-11-22T15:10:01Z", System.Globalization.CultureInfo.InvariantCulture).UtcTicks}", night.GetProperty("sent_event").GetString());
        Assert.Equal((true, false, "agents_available"), (noon.GetProperty("open").GetBoolean(), noon.GetProperty("answer").GetBoolean(), noon.GetProperty("reason").GetString()));
        Assert.Equal("overflow_waiting", peak.GetProperty("reason").GetString());

        var answered = JsonDocument.Parse(await client.GetStringAsync("/api/v1/shops/faq/faq/answered?from=2026-11-22&to=2026-11-23")).RootElement;
        Assert.Equal("""[{"date":"2026-11-22","customers":1}]""", answered.GetRawText());
    }

    [Fact]
    public async Task A_bad_knowledge_base_is_refused_with_its_lines_and_the_old_one_stays()
    {
        var client = server.Client();
        await client.PostAsync("/api/v1/events", new StringContent(
            """{"type":"message","id":"m1","shop":"kb","at":"2026-11-22T23:10:00+08:00","conversation":"c1","customer":"u1","sender":"customer","text":"在吗"}""",
            Encoding.UTF8, "application/x-ndjson"));
        await client.PutAsync("/api/v1/shops/kb/faq", new StringContent(Kb, Encoding.UTF8, "text/csv"));

        var bad = await client.PutAsync("/api/v1/shops/kb/faq", new StringContent("question,answer\n发货,\n", Encoding.UTF8, "text/csv"));
        var problems = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("problems");
        var still = await Ask(client, new { question = "运费多少", at = "2026-11-22T23:10:01+08:00" }, "kb");

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("""[{"line":2,"field":"answer","reason":"is empty"}]""", problems.GetRawText());
        Assert.Equal("运费怎么算", still.GetProperty("matches")[0].GetProperty("question").GetString());
    }

    private static async Task<JsonElement> Ask(HttpClient client, object body, string shop = "faq")
    {
        var response = await client.PostAsJsonAsync($"/api/v1/shops/{shop}/faq/ask", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }
}
