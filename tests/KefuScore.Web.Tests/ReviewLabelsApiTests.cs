using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KefuScore.App.Quality;

namespace KefuScore.Web.Tests;

/// <summary>Issue 18, item 5: the review sample's verdicts exported as labelled messages that train an inspection model.</summary>
public sealed class ReviewLabelsApiTests(KefuServerAtMondayNoon server) : IClassFixture<KefuServerAtMondayNoon>
{
    /// <summary>
    /// Friday 2026-11-20: a1 says 你自己看物流 and a2 爱买不买 (both rude by the built-in inspection), a3 answers a first
    /// question with a bare 发了 (no polite address).
    /// </summary>
    private const string Events = """
        {"type":"message","id":"m1","shop":"rl","at":"2026-11-20T10:00:00+08:00","conversation":"c1","customer":"u1","sender":"customer","text":"怎么还没到"}
        {"type":"message","id":"m2","shop":"rl","at":"2026-11-20T10:00:20+08:00","conversation":"c1","sender":"agent","agent":"a1","text":"您好"}
        {"type":"message","id":"m3","shop":"rl","at":"2026-11-20T10:00:40+08:00","conversation":"c1","sender":"agent","agent":"a1","text":"你自己看物流"}
        {"type":"message","id":"m4","shop":"rl","at":"2026-11-20T11:00:00+08:00","conversation":"c2","customer":"u2","sender":"customer","text":"能便宜点吗"}
        {"type":"message","id":"m5","shop":"rl","at":"2026-11-20T11:00:20+08:00","conversation":"c2","sender":"agent","agent":"a2","text":"亲"}
        {"type":"message","id":"m6","shop":"rl","at":"2026-11-20T11:00:40+08:00","conversation":"c2","sender":"agent","agent":"a2","text":"爱买不买"}
        {"type":"message","id":"m7","shop":"rl","at":"2026-11-20T12:00:00+08:00","conversation":"c3","customer":"u3","sender":"customer","text":"发货了没"}
        {"type":"message","id":"m8","shop":"rl","at":"2026-11-20T12:00:20+08:00","conversation":"c3","sender":"agent","agent":"a3","text":"发了"}
        """;

    [Fact]
    public async Task Verdicts_stored_are_exported_as_labelled_messages_that_train_a_model()
    {
        var client = server.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/events", new StringContent(Events, Encoding.UTF8, "application/x-ndjson"))).StatusCode);
        var sample = await client.PostAsJsonAsync("/api/v1/shops/rl/review/sample", new { from = "2026-11-20", to = "2026-11-20", per_agent = 1, seed = 1 });
        var items = JsonDocument.Parse(await sample.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.GetProperty("conversation").GetString()!, i => i.GetProperty("id").GetInt64());
        async Task Verdict(string conversation, string rule, string message, string verdict) =>
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/v1/shops/rl/review/items/{items[conversation]}/verdicts", new { rule, message, verdict })).StatusCode);

        // The reviewer agrees that 你自己看物流 is rude, first disagrees and then agrees that 发了 lacks a polite address,
        // and disagrees that 爱买不买 is rude (the customer had asked twice before, say).
        await Verdict("c1", "rude", "m3", "agree");
        await Verdict("c3", "no_polite_address", "m8", "disagree");
        await Verdict("c3", "no_polite_address", "m8", "agree");
        await Verdict("c2", "rude", "m6", "disagree");
        var export = await client.GetAsync("/api/v1/shops/rl/review/labels");
        var text = await export.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/x-ndjson", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            [
                "# review verdicts of shop rl: 3 messages; 0 left out (a finding on the message without a verdict)",
                """{"id":"review-c1-m3","text":"你自己看物流","labels":["rude"],"group":"c1"}""",
                """{"id":"review-c2-m6","text":"爱买不买","labels":[],"group":"c2"}""",
                """{"id":"review-c3-m8","text":"发了","labels":["no_polite_address"],"first_reply":true,"ongoing":false,"group":"c3"}""",
            ],
            text.TrimEnd('\n').Split('\n'));
        // The file is what `kefu inspect train --labels FILE` reads, and it trains: rude has a positive and a negative.
        var messages = LabelledMessages.Parse(text, "review-labels.jsonl");
        var training = InspectionTrainer.Train(InspectionLoader.BuiltIn(), messages);
        Assert.Equal(["rude"], training.Model.Outputs.Select(o => o.Label));
        Assert.Equal(["no_polite_address", "absolute_claim", "vague", "overpromise"], training.Skipped);
    }

    [Fact]
    public async Task A_message_with_a_finding_not_yet_reviewed_is_left_out()
    {
        var client = server.Client();
        const string events = """
            {"type":"message","id":"x1","shop":"rl2","at":"2026-11-20T10:00:00+08:00","conversation":"c1","customer":"u1","sender":"customer","text":"好用吗"}
            {"type":"message","id":"x2","shop":"rl2","at":"2026-11-20T10:00:20+08:00","conversation":"c1","sender":"agent","agent":"a1","text":"全网最好，你自己看"}
            """;
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/events", new StringContent(events, Encoding.UTF8, "application/x-ndjson"))).StatusCode);
        var sample = await client.PostAsJsonAsync("/api/v1/shops/rl2/review/sample", new { from = "2026-11-20", to = "2026-11-20", per_agent = 1, seed = 1 });
        var item = JsonDocument.Parse(await sample.Content.ReadAsStringAsync()).RootElement.GetProperty("items")[0];
        var rules = item.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString()).ToList();
        await client.PostAsJsonAsync($"/api/v1/shops/rl2/review/items/{item.GetProperty("id").GetInt64()}/verdicts", new { rule = "absolute_claim", message = "x2", verdict = "agree" });

        var text = await client.GetStringAsync("/api/v1/shops/rl2/review/labels");

        Assert.Contains("absolute_claim", rules);
        Assert.True(rules.Count > 1, $"findings: {string.Join(", ", rules)}");
        Assert.Equal("# review verdicts of shop rl2: 0 messages; 1 left out (a finding on the message without a verdict)\n", text);
    }
}
