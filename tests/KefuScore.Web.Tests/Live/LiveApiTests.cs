using System.Net;
using System.Text;
using System.Text.Json;

namespace KefuScore.Web.Tests.Live;

public sealed class LiveApiTests(FakeClockServer server) : IClassFixture<FakeClockServer>
{
    private static StringContent Ndjson(string text) => new(text, Encoding.UTF8, "application/x-ndjson");

    private static string Message(string shop, string id, string conversation, string sender, string at, string? agent = null) =>
        $$"""{"type":"message","id":"{{id}}","shop":"{{shop}}","conversation":"{{conversation}}","customer":"u-{{conversation}}","sender":"{{sender}}"{{(agent is null ? "" : $",\"agent\":\"{agent}\"")}},"at":"{{at}}"}""";

    private async Task<JsonElement> Live(HttpClient client, string shop)
    {
        var response = await client.GetAsync($"/api/v1/shops/{shop}/live");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<(HttpClient Client, WebhookReceiver Receiver)> ShopWithWebhook(string shop, string date)
    {
        var client = server.Client();
        // The shop is created by its first push: a presence event (no customer yet).
        var first = await client.PostAsync("/api/v1/events", Ndjson($$"""{"type":"agent_status","id":"st0","shop":"{{shop}}","agent":"a1","status":"online","capacity":5,"at":"{{date}}T08:59:00+08:00"}"""));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var receiver = new WebhookReceiver { Now = server.Clock.GetUtcNow };
        var created = await client.PostAsync($"/api/v1/shops/{shop}/webhooks", JsonContent($$"""{"url":"{{receiver.Url}}"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        receiver.Secret = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", receiver.Secret);
        return (client, receiver);
    }

    private static StringContent JsonContent(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_waiting_customer_raises_the_alert_exactly_at_120_s_and_the_reply_clears_it()
    {
        var date = server.NextDay();
        var (client, receiver) = await ShopWithWebhook("wait", date);
        using var _ = receiver;
        server.At(date, "10:00:00");
        await client.PostAsync("/api/v1/events", Ndjson(Message("wait", "m1", "c1", "customer", $"{date}T10:00:00+08:00")));

        server.At(date, "10:01:59.999");
        var before = await Live(client, "wait");
        Assert.Empty(before.GetProperty("alerts").EnumerateArray());
        var waiting = Assert.Single(before.GetProperty("waiting").EnumerateArray());
        Assert.Equal("c1", waiting.GetProperty("conversation").GetString());
        Assert.Equal("u-c1", waiting.GetProperty("customer").GetString());
        Assert.Equal($"{date}T10:00:00+08:00", waiting.GetProperty("since").GetString());
        Assert.Equal(119.999, waiting.GetProperty("seconds").GetDouble());
        Assert.Equal(1, waiting.GetProperty("messages").GetInt32());
        Assert.Equal($"{date}T10:00:00+08:00", waiting.GetProperty("counted_since").GetString());
        Assert.Empty(receiver.All);

        // The shop's timer is due at 10:02:00: moving the fake clock there fires it, no request needed.
        server.At(date, "10:02:00");
        await WebhookReceiver.Until(() => receiver.Accepted.Count() == 1);
        var opened = JsonDocument.Parse(receiver.Accepted.Single().Body).RootElement;
        Assert.Equal("alert.opened", opened.GetProperty("event").GetString());
        Assert.Equal("waiting", opened.GetProperty("alert").GetProperty("rule").GetString());
        Assert.Equal("c1", opened.GetProperty("alert").GetProperty("conversation").GetString());
        Assert.True(receiver.Accepted.Single().SignatureValid);
        var alert = Assert.Single((await Live(client, "wait")).GetProperty("alerts").EnumerateArray());
        Assert.Equal(("waiting", "c1", "open"), (alert.GetProperty("rule").GetString(), alert.GetProperty("conversation").GetString(), alert.GetProperty("state").GetString()));

        server.At(date, "10:02:30");
        await client.PostAsync("/api/v1/events", Ndjson(Message("wait", "m2", "c1", "agent", $"{date}T10:02:30+08:00", "a1")));
        await WebhookReceiver.Until(() => receiver.Accepted.Count() == 2);
        Assert.Equal("alert.cleared", JsonDocument.Parse(receiver.Accepted.Last().Body).RootElement.GetProperty("event").GetString());
        var after = await Live(client, "wait");
        Assert.Empty(after.GetProperty("alerts").EnumerateArray());
        Assert.Empty(after.GetProperty("waiting").EnumerateArray());
        var a1 = Assert.Single(after.GetProperty("agents").EnumerateArray());
        Assert.Equal(("a1", "online", 1, 5), (a1.GetProperty("agent").GetString(), a1.GetProperty("status").GetString(), a1.GetProperty("active").GetInt32(), a1.GetProperty("capacity").GetInt32()));
        Assert.Equal(0.2, a1.GetProperty("saturation").GetDouble());
        // One message answered in 150 s: the 3-minute rate is 1/1; the 2-minute first-reply rate 0/1.
        var today = after.GetProperty("today");
        Assert.Equal(1.0, today.GetProperty("reply_rate_3min").GetProperty("value").GetDouble());
        Assert.Equal(0.0, today.GetProperty("first_reply_rate_2min").GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task A_message_already_three_minutes_old_raises_the_alert_at_once()
    {
        var date = server.NextDay();
        var (client, receiver) = await ShopWithWebhook("late", date);
        using var _ = receiver;
        server.At(date, "11:03:00");
        await client.PostAsync("/api/v1/events", Ndjson(Message("late", "m1", "c1", "customer", $"{date}T11:00:00+08:00")));

        await WebhookReceiver.Until(() => receiver.Accepted.Any());
        var alert = JsonDocument.Parse(receiver.Accepted.First().Body).RootElement.GetProperty("alert");
        Assert.Equal("waiting", alert.GetProperty("rule").GetString());
        Assert.Equal(180.0, alert.GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task Failed_deliveries_are_retried_with_backoff_then_kept_as_dead_letters_and_retried_on_request()
    {
        var date = server.NextDay();
        var (client, receiver) = await ShopWithWebhook("retry", date);
        using var _ = receiver;
        receiver.FailFirst = 2;
        server.At(date, "12:00:00");
        var start = server.Clock.GetUtcNow();
        await client.PostAsync("/api/v1/events", Ndjson($$"""{"type":"complaint","id":"k1","shop":"retry","order":"o1","category":"slow_reply","at":"{{date}}T12:00:00+08:00"}"""));

        // Attempts at 12:00:00, after 1 s, then 2 s more: the fake clock moves 100 ms at a time until the third arrives.
        await WebhookReceiver.Until(() => receiver.Accepted.Any(), () => server.Clock.Advance(TimeSpan.FromMilliseconds(100)));
        var attempts = receiver.All.ToList();
        Assert.Equal([500, 500, 200], attempts.Select(a => a.Status));
        Assert.All(attempts, a => Assert.True(a.SignatureValid));
        // Measured on the fake clock between the attempts' own sent_at stamps; the clock moves in 100 ms steps meanwhile.
        var sent = attempts.Select(a => JsonDocument.Parse(a.Body).RootElement.GetProperty("sent_at").GetDateTimeOffset()).ToList();
        Assert.InRange((sent[0] - start).TotalSeconds, 0, 0.5);
        Assert.InRange((sent[1] - sent[0]).TotalSeconds, 1.0, 1.5);
        Assert.InRange((sent[2] - sent[1]).TotalSeconds, 2.0, 2.5);
        Assert.Equal(3, JsonDocument.Parse(attempts[2].Body).RootElement.GetProperty("attempt").GetInt32());

        // A receiver that keeps failing: three attempts, then a dead letter. What it answered (its reason phrase and
        // body) stays out of the letter: the status code is all a caller learns about the target.
        receiver.FailFirst = int.MaxValue;
        receiver.FailText = "db-password-hunter2";
        server.At(date, "12:10:00");
        await client.PostAsync("/api/v1/events", Ndjson($$"""{"type":"complaint","id":"k2","shop":"retry","order":"o2","category":"attitude","at":"{{date}}T12:10:00+08:00"}"""));
        JsonElement letters = default;
        await WebhookReceiver.Until(() =>
        {
            letters = JsonDocument.Parse(client.GetStringAsync("/api/v1/shops/retry/webhooks/dead-letters").Result).RootElement.Clone();
            return letters.GetArrayLength() == 1;
        }, () => server.Clock.Advance(TimeSpan.FromMilliseconds(200)));
        var letter = letters[0];
        Assert.Equal(3, letter.GetProperty("attempts").GetInt32());
        Assert.Equal("HTTP 500", letter.GetProperty("lastError").GetString());
        Assert.DoesNotContain("hunter2", letters.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("k2", letter.GetProperty("payload").GetProperty("alert").GetProperty("cause").GetString());

        receiver.FailFirst = 0;
        receiver.FailText = "";
        var accepted = receiver.Accepted.Count();
        var retry = await client.PostAsync($"/api/v1/shops/retry/webhooks/dead-letters/{letter.GetProperty("id").GetInt64()}/retry", null);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        await WebhookReceiver.Until(() => receiver.Accepted.Count() == accepted + 1);
        Assert.Equal(0, JsonDocument.Parse(await client.GetStringAsync("/api/v1/shops/retry/webhooks/dead-letters")).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task Alert_rules_are_data_read_and_replaced_through_the_API_and_checked()
    {
        var date = server.NextDay();
        var client = server.Client();
        await client.PostAsync("/api/v1/events", Ndjson(Message("rules", "m1", "c1", "customer", $"{date}T09:00:00+08:00")));

        var defaults = JsonDocument.Parse(await client.GetStringAsync("/api/v1/shops/rules/alert-rules")).RootElement;
        Assert.Equal(120, defaults.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("kind").GetString() == "waiting").GetProperty("threshold").GetDouble());

        var put = await client.PutAsync("/api/v1/shops/rules/alert-rules", JsonContent("""{"quiet_hours":"23:00-08:00","rules":[{"id":"slow","kind":"waiting","threshold":30}]}"""));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        server.At(date, "09:00:30");
        var alert = Assert.Single((await Live(client, "rules")).GetProperty("alerts").EnumerateArray());
        Assert.Equal("slow", alert.GetProperty("rule").GetString());

        var bad = await client.PutAsync("/api/v1/shops/rules/alert-rules", JsonContent("""{"rules":[{"kind":"saturation","threshold":-1},{"kind":"loud"}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Contains(errors.EnumerateArray(), e => e.GetProperty("field").GetString() == "rules[1].kind");
        Assert.Contains(errors.EnumerateArray(), e => e.GetProperty("field").GetString() == "rules[0].threshold");
        // Nothing half-written: the rules in force are still the ones put before.
        Assert.Contains("\"slow\"", await client.GetStringAsync("/api/v1/shops/rules/alert-rules"));
    }

    [Fact]
    public async Task A_limited_key_sees_only_its_own_shops_live_state_and_webhooks()
    {
        var date = server.NextDay();
        var admin = server.Client();
        await admin.PostAsync("/api/v1/events", Ndjson(Message("mine", "m1", "c1", "customer", $"{date}T09:00:00+08:00")));
        await admin.PostAsync("/api/v1/events", Ndjson(Message("theirs", "m1", "c1", "customer", $"{date}T09:00:00+08:00")));
        var limited = server.Client(await server.KeyFor("mine"));

        Assert.Equal(HttpStatusCode.OK, (await limited.GetAsync("/api/v1/shops/mine/live")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await limited.GetAsync("/api/v1/shops/theirs/live")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await limited.GetAsync("/api/v1/shops/theirs/webhooks")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await limited.PostAsync("/api/v1/shops/theirs/webhooks", JsonContent("""{"url":"http://127.0.0.1:1/x"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/shops/nobody/live")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("/api/v1/shops/mine/webhooks", JsonContent("""{"url":"ftp://example"}"""))).StatusCode);

        // The screen through the API: credentials in the URL, and loopback addresses other than the allowed 127.0.0.1
        // (numeric hosts: nothing is looked up, nothing is sent). Private, link-local and unique-local addresses are
        // screened as data in WebhookTargetsTests, never named as a target here.
        foreach (var url in new[] { "http://user:pass@127.0.0.1:1/x", "http://127.0.0.2:1/x", "http://[::1]:1/x" })
        {
            var refused = await admin.PostAsync("/api/v1/shops/mine/webhooks", JsonContent("{\"url\":\"" + url + "\"}"));
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, url);
        }

        var listed = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/shops/mine/webhooks")).RootElement;
        Assert.Equal(0, listed.GetArrayLength());
        Assert.All(listed.EnumerateArray(), w => Assert.False(w.TryGetProperty("secret", out _)));
    }

    [Fact]
    public async Task The_change_feed_yields_the_current_state_then_each_change()
    {
        var date = server.NextDay();
        var client = server.Client();
        await client.PostAsync("/api/v1/events", Ndjson(Message("feed", "m1", "c1", "customer", $"{date}T09:00:00+08:00")));
        var monitor = (KefuScore.Web.Live.LiveMonitor)server.Services.GetService(typeof(KefuScore.Web.Live.LiveMonitor))!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var feed = monitor.Watch("feed", cts.Token).GetAsyncEnumerator(cts.Token);

        Assert.True(await feed.MoveNextAsync());
        Assert.Equal(["c1"], feed.Current.Waiting.Select(w => w.Conversation));
        await client.PostAsync("/api/v1/events", Ndjson(Message("feed", "m2", "c2", "customer", $"{date}T09:00:00+08:00")));
        Assert.True(await feed.MoveNextAsync());
        Assert.Equal(["c1", "c2"], feed.Current.Waiting.Select(w => w.Conversation).Order());
    }

    [Fact]
    public async Task The_changes_stream_says_ready_then_what_changed_after_each_push()
    {
        var date = server.NextDay();
        var client = server.Client();
        await client.PostAsync("/api/v1/events", Ndjson(Message("stream", "m1", "c1", "customer", $"{date}T09:00:00+08:00")));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/shops/nobody/changes")).StatusCode);
        var limited = server.Client(await server.KeyFor("other"));
        Assert.Equal(HttpStatusCode.Forbidden, (await limited.GetAsync("/api/v1/shops/stream/changes")).StatusCode);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await client.GetAsync("/api/v1/shops/stream/changes", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        async Task<(string Event, string Data)> Next()
        {
            string? kind = null;
            while (await reader.ReadLineAsync(cts.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal)) kind = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal)) return (kind!, line[6..]);
            }
            throw new EndOfStreamException();
        }
        Assert.Equal("ready", (await Next()).Event);

        await client.PostAsync("/api/v1/events", Ndjson(Message("stream", "m2", "c2", "customer", $"{date}T09:01:00+08:00")));
        // The commit changes the stored events and the live picture: both are said, in one event or two.
        var what = new HashSet<string>();
        while (what.Count < 2)
        {
            var (kind, data) = await Next();
            Assert.Equal("changed", kind);
            var root = JsonDocument.Parse(data).RootElement;
            Assert.Equal("stream", root.GetProperty("shop").GetString());
            what.UnionWith(root.GetProperty("what").EnumerateArray().Select(w => w.GetString()!));
        }
        Assert.Equal(["events", "live"], what.Order(StringComparer.Ordinal));
    }
}
