using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KefuScore.Web.Live;

namespace KefuScore.Web.Tests.Live;

/// <summary>
/// Alerts to 企业微信, 钉钉 and 飞书 group robots: each platform's message and signature, checked by a receiver on
/// loopback that verifies the way the platform documents it and answers as the platform does.
/// </summary>
public sealed class GroupRobotTests(FakeClockServer server) : IClassFixture<FakeClockServer>
{
    private const string Secret = "SECabc123";

    [Fact]
    public void DingTalk_signs_timestamp_newline_secret_keyed_by_the_secret()
    {
        // Worked example, computed independently (Python hmac): 1764900000000 ms, secret SECabc123.
        Assert.Equal("8W7V/m87kKs31u4upbTr2zWpYsies7kJWHKOHSATx7w=", GroupRobot.DingTalkSign(1764900000000, Secret));
    }

    [Fact]
    public void Feishu_signs_nothing_keyed_by_timestamp_newline_secret()
    {
        Assert.Equal("XqiMXD0SFcjCdggaz/eDVYg/bcBwXdoM1IS1VThMGuM=", GroupRobot.FeishuSign(1764900000, Secret));
    }

    private const string Waiting = """{"event":"alert.opened","shop":"s1","at":"2026-11-20T02:03:20Z","alert":{"rule":"waiting","kind":"waiting","cause":"c1","conversation":"c1","agent":"a1","metric":null,"since":"2026-11-20T02:00:00Z","due":"2026-11-20T02:02:00Z","value":200}}""";

    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Fact]
    public void The_message_says_in_Chinese_what_where_and_since_when_in_the_shops_time()
    {
        Assert.Equal("【客服告警】顾客等待回复过久\n店铺：s1\n会话：c1\n客服：a1\n开始：11月20日 10:00\n已等待：3 分 20 秒", GroupRobot.Text(Waiting, Shanghai));
    }

    [Fact]
    public async Task Each_platform_gets_its_own_body_and_signature()
    {
        var sent = DateTimeOffset.FromUnixTimeMilliseconds(1764900000000);
        using (var wecom = GroupRobot.Request(WebhookKind.WeCom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "", Waiting, sent, Shanghai))
        {
            Assert.Equal("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", wecom.RequestUri!.OriginalString);
            var body = JsonDocument.Parse(await wecom.Content!.ReadAsStringAsync()).RootElement;
            Assert.Equal("text", body.GetProperty("msgtype").GetString());
            Assert.StartsWith("【客服告警】", body.GetProperty("text").GetProperty("content").GetString(), StringComparison.Ordinal);
        }
        using (var ding = GroupRobot.Request(WebhookKind.DingTalk, "https://oapi.dingtalk.com/robot/send?access_token=t", Secret, Waiting, sent, Shanghai))
        {
            Assert.Equal("https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1764900000000&sign=8W7V%2Fm87kKs31u4upbTr2zWpYsies7kJWHKOHSATx7w%3D", ding.RequestUri!.OriginalString);
            Assert.Equal("text", JsonDocument.Parse(await ding.Content!.ReadAsStringAsync()).RootElement.GetProperty("msgtype").GetString());
        }
        using (var feishu = GroupRobot.Request(WebhookKind.Feishu, "https://open.feishu.cn/open-apis/bot/v2/hook/x", Secret, Waiting, sent, Shanghai))
        {
            var body = JsonDocument.Parse(await feishu.Content!.ReadAsStringAsync()).RootElement;
            Assert.Equal(("1764900000", "XqiMXD0SFcjCdggaz/eDVYg/bcBwXdoM1IS1VThMGuM=", "text"),
                (body.GetProperty("timestamp").GetString(), body.GetProperty("sign").GetString(), body.GetProperty("msg_type").GetString()));
            Assert.StartsWith("【客服告警】", body.GetProperty("content").GetProperty("text").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_message_names_the_agent_from_the_roster_and_keeps_the_id_of_an_unnamed_one()
    {
        Assert.Contains("\n客服：小美\n", GroupRobot.Text(Waiting, Shanghai, new Dictionary<string, string> { ["a1"] = "小美" }), StringComparison.Ordinal);
        Assert.Contains("\n客服：a1\n", GroupRobot.Text(Waiting, Shanghai, new Dictionary<string, string> { ["a2"] = "阿强" }), StringComparison.Ordinal);
        using var wecom = GroupRobot.Request(WebhookKind.WeCom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "", Waiting,
            DateTimeOffset.Parse("2026-11-20T02:03:20Z", CultureInfo.InvariantCulture), Shanghai, new Dictionary<string, string> { ["a1"] = "小美" });
        var content = JsonDocument.Parse(await wecom.Content!.ReadAsStringAsync()).RootElement.GetProperty("text").GetProperty("content").GetString();
        Assert.Contains("客服：小美", content, StringComparison.Ordinal);
        Assert.DoesNotContain("客服：a1", content, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"errcode":0,"errmsg":"ok"}""", null)]
    [InlineData("""{"errcode":310000,"errmsg":"sign not match"}""", "robot error 310000")]
    [InlineData("""{"code":0,"msg":"success"}""", null)]
    [InlineData("""{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}""", "robot error 19021")]
    [InlineData("""{"StatusCode":0,"StatusMessage":"success"}""", null)]
    [InlineData("ok", null)]
    public void A_robot_refuses_with_a_code_in_a_200_answer(string body, string? refusal)
    {
        Assert.Equal(refusal, GroupRobot.Refusal(body));
    }

    private static StringContent Ndjson(string text) => new(text, Encoding.UTF8, "application/x-ndjson");

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("wecom")]
    [InlineData("dingtalk")]
    [InlineData("feishu")]
    public async Task A_waiting_customer_reaches_the_group_robot_signed_as_the_platform_checks_it(string kind)
    {
        var date = server.NextDay();
        var shop = "robot-" + kind;
        var client = server.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/events", Ndjson($$"""{"type":"agent_status","id":"st0","shop":"{{shop}}","agent":"a1","status":"online","capacity":5,"at":"{{date}}T08:59:00+08:00"}"""))).StatusCode);
        using var robot = new RobotReceiver(kind, kind == "wecom" ? "" : Secret, () => server.Clock.GetUtcNow());
        var created = await client.PostAsync($"/api/v1/shops/{shop}/webhooks", Json($$"""{"url":"{{robot.Url}}","kind":"{{kind}}","secret":"{{(kind == "wecom" ? "" : Secret)}}"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var answer = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(kind, answer.GetProperty("kind").GetString());
        // The robot's own secret is not echoed back.
        Assert.Equal(JsonValueKind.Null, answer.TryGetProperty("secret", out var echoed) ? echoed.ValueKind : JsonValueKind.Null);
        Assert.Equal(kind, JsonDocument.Parse(await client.GetStringAsync($"/api/v1/shops/{shop}/webhooks")).RootElement[0].GetProperty("kind").GetString());

        server.At(date, "10:00:00");
        await client.PostAsync("/api/v1/events", Ndjson($$"""{"type":"message","id":"m1","shop":"{{shop}}","conversation":"c1","customer":"u1","sender":"customer","at":"{{date}}T10:00:00+08:00"}"""));
        server.At(date, "10:02:00");
        await WebhookReceiver.Until(() => robot.Accepted.Any());
        var text = robot.Accepted.First();
        Assert.Equal($"【客服告警】顾客等待回复过久\n店铺：{shop}\n会话：c1\n开始：{DateOnly.Parse(date, CultureInfo.InvariantCulture):M月d日} 10:00\n已等待：2 分 0 秒", text);
    }

    /// <summary>
    /// End to end: the roster is set through the API, a dissatisfied rating on agent a1's conversation arrives, and the
    /// group robot's message names 小美, not a1 (issue 16: ids where managers expect names).
    /// </summary>
    [Theory]
    [InlineData("wecom")]
    [InlineData("dingtalk")]
    [InlineData("feishu")]
    public async Task A_robots_alert_names_the_agent_by_the_shops_roster(string kind)
    {
        var date = server.NextDay();
        var shop = "robot-roster-" + kind;
        var client = server.Client();
        // The shop begins with an agent online (no waiting customer, so no other alert comes first).
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/events", Ndjson($$"""{"type":"agent_status","id":"st0","shop":"{{shop}}","agent":"a1","status":"online","capacity":5,"at":"{{date}}T08:59:00+08:00"}"""))).StatusCode);
        var roster = await client.PutAsync($"/api/v1/shops/{shop}/roster", Json("""[{"agent":"a1","name":"小美","group":"售前"}]"""));
        Assert.True(roster.IsSuccessStatusCode, await roster.Content.ReadAsStringAsync());
        var secret = kind == "wecom" ? "" : Secret;
        using var robot = new RobotReceiver(kind, secret, () => server.Clock.GetUtcNow());
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync($"/api/v1/shops/{shop}/webhooks", Json($$"""{"url":"{{robot.Url}}","kind":"{{kind}}","secret":"{{secret}}"}"""))).StatusCode);

        server.At(date, "10:00:00");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/events", Ndjson($$"""{"type":"rating","id":"r1","shop":"{{shop}}","conversation":"c1","customer":"u1","agent":"a1","satisfaction":"dissatisfied","at":"{{date}}T10:00:00+08:00"}"""))).StatusCode);
        await WebhookReceiver.Until(() => robot.Accepted.Any(t => t.StartsWith("【客服告警】收到不满意评价", StringComparison.Ordinal)), () => server.Clock.Advance(TimeSpan.FromMilliseconds(200)));
        var text = robot.Accepted.First(t => t.StartsWith("【客服告警】收到不满意评价", StringComparison.Ordinal));
        Assert.Contains("\n客服：小美", text, StringComparison.Ordinal);
        Assert.DoesNotContain("a1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_DingTalk_secret_ends_as_a_dead_letter_with_the_robots_code_only()
    {
        var date = server.NextDay();
        const string shop = "robot-wrong";
        var client = server.Client();
        await client.PostAsync("/api/v1/events", Ndjson($$"""{"type":"agent_status","id":"st0","shop":"{{shop}}","agent":"a1","status":"online","capacity":5,"at":"{{date}}T08:59:00+08:00"}"""));
        using var robot = new RobotReceiver("dingtalk", "SECright", () => server.Clock.GetUtcNow());
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync($"/api/v1/shops/{shop}/webhooks", Json($$"""{"url":"{{robot.Url}}","kind":"dingtalk","secret":"SECwrong"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync($"/api/v1/shops/{shop}/webhooks", Json($$"""{"url":"{{robot.Url}}","kind":"slack"}"""))).StatusCode);

        server.At(date, "10:00:00");
        await client.PostAsync("/api/v1/events", Ndjson($$"""{"type":"message","id":"m1","shop":"{{shop}}","conversation":"c1","customer":"u1","sender":"customer","at":"{{date}}T10:00:00+08:00"}"""));
        server.At(date, "10:02:00");
        JsonElement letters = default;
        await WebhookReceiver.Until(() =>
        {
            letters = JsonDocument.Parse(client.GetStringAsync($"/api/v1/shops/{shop}/webhooks/dead-letters").Result).RootElement.Clone();
            return letters.GetArrayLength() == 1;
        }, () => server.Clock.Advance(TimeSpan.FromMilliseconds(200)));
        Assert.Equal("robot error 310000", letters[0].GetProperty("lastError").GetString());
        Assert.DoesNotContain("sign not match", letters.GetRawText(), StringComparison.Ordinal);
        Assert.Empty(robot.Accepted);
    }

    /// <summary>
    /// A group robot on loopback: checks the signature as its platform documents it (钉钉 in the query, 飞书 in the
    /// body, 企业微信 none) with its own HMAC code, and answers as the platform does (200 and an error code on refusal).
    /// </summary>
    private sealed class RobotReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly string _kind, _secret;
        private readonly Func<DateTimeOffset> _now;

        public RobotReceiver(string kind, string secret, Func<DateTimeOffset> now)
        {
            (_kind, _secret, _now) = (kind, secret, now);
            var port = ServerProcess.FreePort();
            Url = $"http://127.0.0.1:{port}/robot/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(Loop);
        }

        public string Url { get; }

        /// <summary>The texts of the messages the robot accepted.</summary>
        public ConcurrentQueue<string> Accepted { get; } = new();

        private async Task Loop()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
                using var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8);
                var body = JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement;
                var (ok, text, refusal) = _kind switch
                {
                    "wecom" => (true, body.GetProperty("text").GetProperty("content").GetString(), ""),
                    "dingtalk" => (DingTalkValid(ctx.Request.QueryString["timestamp"], ctx.Request.QueryString["sign"]),
                        body.GetProperty("text").GetProperty("content").GetString(), """{"errcode":310000,"errmsg":"sign not match"}"""),
                    _ => (FeishuValid(body.GetProperty("timestamp").GetString(), body.GetProperty("sign").GetString()),
                        body.GetProperty("content").GetProperty("text").GetString(), """{"code":19021,"msg":"sign match fail"}"""),
                };
                if (ok) Accepted.Enqueue(text!);
                var answer = Encoding.UTF8.GetBytes(ok ? _kind == "feishu" ? """{"code":0,"msg":"success"}""" : """{"errcode":0,"errmsg":"ok"}""" : refusal);
                ctx.Response.StatusCode = 200;
                await ctx.Response.OutputStream.WriteAsync(answer);
                ctx.Response.Close();
            }
        }

        private bool DingTalkValid(string? timestamp, string? sign)
        {
            // HttpListener's QueryString has already URL-decoded the sign.
            if (timestamp is null || sign is null) return false;
            var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(_secret), Encoding.UTF8.GetBytes(timestamp + "\n" + _secret)));
            var age = _now() - DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(timestamp, CultureInfo.InvariantCulture));
            return sign == expected && age.Duration() < TimeSpan.FromHours(1);
        }

        private bool FeishuValid(string? timestamp, string? sign)
        {
            if (timestamp is null || sign is null) return false;
            var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(timestamp + "\n" + _secret), Array.Empty<byte>()));
            var age = _now() - DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp, CultureInfo.InvariantCulture));
            return sign == expected && age.Duration() < TimeSpan.FromHours(1);
        }

        public void Dispose() => _listener.Close();
    }
}
