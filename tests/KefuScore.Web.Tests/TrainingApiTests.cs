using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace KefuScore.Web.Tests;

public sealed class TrainingApiTests(KefuServerAtMondayNoon server) : IClassFixture<KefuServerAtMondayNoon>
{
    /// <summary>Friday 2026-11-20: a1 claims 全网最好; a2 answers 你自己看物流 and gets an attitude complaint (never taken up).</summary>
    private const string Events = """
        {"type":"message","id":"m1","shop":"tr","at":"2026-11-20T10:00:00+08:00","conversation":"c1","customer":"u1","sender":"customer","text":"好用吗"}
        {"type":"message","id":"m2","shop":"tr","at":"2026-11-20T10:00:20+08:00","conversation":"c1","sender":"agent","agent":"a1","text":"亲,这是全网最好的"}
        {"type":"rating","id":"r1","shop":"tr","at":"2026-11-20T10:05:00+08:00","conversation":"c1","agent":"a1","satisfaction":"satisfied"}
        {"type":"message","id":"m3","shop":"tr","at":"2026-11-20T12:00:00+08:00","conversation":"c3","customer":"u3","sender":"customer","text":"怎么还没到"}
        {"type":"message","id":"m4","shop":"tr","at":"2026-11-20T12:00:20+08:00","conversation":"c3","sender":"agent","agent":"a2","text":"您好,你自己看物流"}
        {"type":"complaint","id":"k1","shop":"tr","at":"2026-11-20T12:30:00+08:00","conversation":"c3","agent":"a2","category":"attitude"}
        """;

    private async Task<HttpClient> Shop()
    {
        var client = server.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/events", new StringContent(Events, Encoding.UTF8, "application/x-ndjson"))).StatusCode);
        return client;
    }

    [Fact]
    public async Task Suggestions_records_and_incentives_for_the_period()
    {
        var client = await Shop();

        var recorded = await client.PostAsJsonAsync("/api/v1/shops/tr/agents/a1/training", new { course = "honesty", status = "planned" });
        var suggestions = JsonDocument.Parse(await client.GetStringAsync("/api/v1/shops/tr/training/suggestions?from=2026-11-20&to=2026-11-20")).RootElement;
        var incentives = JsonDocument.Parse(await client.GetStringAsync("/api/v1/shops/tr/incentives?from=2026-11-20&to=2026-11-20")).RootElement;

        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        Assert.Equal(
            ["a1 product_knowledge", "a1 honesty", "a2 etiquette", "a2 complaint_handling", "a2 emotions"],
            suggestions.EnumerateArray().Select(s => $"{s.GetProperty("agent").GetString()} {s.GetProperty("course").GetString()}"));
        var a2 = incentives.GetProperty("agents").EnumerateArray().Single(a => a.GetProperty("agent").GetString() == "a2");
        // The attitude complaint was due at 14:30 on Friday (2 h, round the clock) and is still open on Monday.
        Assert.Equal(1, a2.GetProperty("figures").GetProperty("complaints_breached").GetDouble());
        Assert.Equal(0, a2.GetProperty("figures").GetProperty("complaints_in_time_rate").GetDouble());
        Assert.Equal(-100, a2.GetProperty("deduction").GetDouble());
        Assert.Equal(0, a2.GetProperty("reward").GetDouble());
    }

    [Fact]
    public async Task The_review_sample_and_a_verdict()
    {
        var client = await Shop();

        var sample = await client.PostAsJsonAsync("/api/v1/shops/tr/review/sample", new { from = "2026-11-20", to = "2026-11-20", per_agent = 2, seed = 5 });
        var items = JsonDocument.Parse(await sample.Content.ReadAsStringAsync()).RootElement.GetProperty("items");
        var a1 = items.EnumerateArray().Single(i => i.GetProperty("agent").GetString() == "a1");
        var verdict = await client.PostAsJsonAsync($"/api/v1/shops/tr/review/items/{a1.GetProperty("id").GetInt64()}/verdicts",
            new { rule = "absolute_claim", verdict = "disagree", comment = "顾客问的是同款比较", reviewer = "质检员小王" });
        var bad = await client.PostAsJsonAsync($"/api/v1/shops/tr/review/items/{a1.GetProperty("id").GetInt64()}/verdicts", new { verdict = "maybe" });

        Assert.Equal(HttpStatusCode.OK, sample.StatusCode);
        Assert.Equal(("c1", "findings"), (a1.GetProperty("conversation").GetString(), a1.GetProperty("stratum").GetString()));
        var judged = JsonDocument.Parse(await verdict.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("disagree", judged.GetProperty("verdicts")[0].GetProperty("verdict").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
