using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace KefuScore.Web.Live;

/// <summary>What a webhook posts: KefuScore's own signed JSON, or a message to a group chat's robot.</summary>
public enum WebhookKind
{
    /// <summary>The alert as JSON, signed <c>X-Kefu-Signature</c> (docs/live.md): for programs.</summary>
    Kefu,
    /// <summary>企业微信 group robot: <c>{"msgtype":"text",…}</c>; the key in the URL is its only secret.</summary>
    WeCom,
    /// <summary>钉钉 group robot: <c>{"msgtype":"text",…}</c>; with 加签, <c>timestamp</c> and <c>sign</c> in the URL.</summary>
    DingTalk,
    /// <summary>飞书 group robot: <c>{"msg_type":"text",…}</c>; with 签名校验, <c>timestamp</c> and <c>sign</c> in the body.</summary>
    Feishu,
}

/// <summary>
/// The group robots of 企业微信, 钉钉 and 飞书: each platform's text message and, where it has one, its signing scheme,
/// from the alert JSON the dispatcher keeps (so a dead letter is resent in the same form). Pure but for the clock it is given.
/// </summary>
public static class GroupRobot
{
    public static string Name(WebhookKind kind) => kind switch
    {
        WebhookKind.Kefu => "kefu",
        WebhookKind.WeCom => "wecom",
        WebhookKind.DingTalk => "dingtalk",
        WebhookKind.Feishu => "feishu",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static bool TryParse(string? text, out WebhookKind kind)
    {
        foreach (var k in Enum.GetValues<WebhookKind>())
            if (string.Equals(Name(k), text, StringComparison.Ordinal))
            {
                kind = k;
                return true;
            }
        kind = WebhookKind.Kefu;
        return false;
    }

    /// <summary>Whether the platform signs with a secret the manager copies from the robot's settings (加签 / 签名校验).</summary>
    public static bool Signs(WebhookKind kind) => kind is WebhookKind.DingTalk or WebhookKind.Feishu;

    /// <summary>
    /// 钉钉 加签: HMAC-SHA256 keyed by the secret over <c>timestamp + "\n" + secret</c> (timestamp in milliseconds),
    /// base64; sent URL-encoded as <c>sign</c> beside <c>timestamp</c>.
    /// </summary>
    public static string DingTalkSign(long timestampMs, string secret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestampMs.ToString(CultureInfo.InvariantCulture)}\n{secret}")));

    /// <summary>飞书 签名校验: HMAC-SHA256 keyed by <c>timestamp + "\n" + secret</c> (timestamp in seconds) over nothing, base64.</summary>
    public static string FeishuSign(long timestampSeconds, string secret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes($"{timestampSeconds.ToString(CultureInfo.InvariantCulture)}\n{secret}"), Array.Empty<byte>()));

    /// <summary>
    /// The request that posts an alert to a robot; <paramref name="secret"/> empty when the robot does not sign;
    /// <paramref name="names"/> the shop's roster (agent id → display name), so the group reads the name it knows.
    /// </summary>
    public static HttpRequestMessage Request(WebhookKind kind, string url, string secret, string alertJson, DateTimeOffset sent, TimeZoneInfo zone,
        IReadOnlyDictionary<string, string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        var text = Text(alertJson, zone, names);
        var target = url;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            switch (kind)
            {
                case WebhookKind.WeCom or WebhookKind.DingTalk:
                    w.WriteString("msgtype", "text");
                    w.WriteStartObject("text");
                    w.WriteString("content", text);
                    w.WriteEndObject();
                    if (kind == WebhookKind.DingTalk && secret.Length > 0)
                    {
                        var ms = sent.ToUnixTimeMilliseconds();
                        target += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") +
                            $"timestamp={ms.ToString(CultureInfo.InvariantCulture)}&sign={Uri.EscapeDataString(DingTalkSign(ms, secret))}";
                    }
                    break;
                case WebhookKind.Feishu:
                    if (secret.Length > 0)
                    {
                        var s = sent.ToUnixTimeSeconds();
                        w.WriteString("timestamp", s.ToString(CultureInfo.InvariantCulture));
                        w.WriteString("sign", FeishuSign(s, secret));
                    }
                    w.WriteString("msg_type", "text");
                    w.WriteStartObject("content");
                    w.WriteString("text", text);
                    w.WriteEndObject();
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a group robot");
            }
            w.WriteEndObject();
        }
        var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(buffer.ToArray()) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return request;
    }

    /// <summary>
    /// The robots answer 200 with an error code in the body when they refuse a message (bad signature, too many
    /// messages): <c>errcode</c> (企业微信, 钉钉) or <c>code</c>/<c>StatusCode</c> (飞书). "robot error N", or null when accepted.
    /// Only the number is kept: the platform's words are not ours to show.
    /// </summary>
    public static string? Refusal(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            foreach (var name in (string[])["errcode", "code", "StatusCode"])
                if (doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var code) && code != 0)
                    return $"robot error {code.ToString(CultureInfo.InvariantCulture)}";
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The alert in Chinese for a group chat: what, where, since when (times in the shop's zone).</summary>
    public static string Text(string alertJson, TimeZoneInfo zone, IReadOnlyDictionary<string, string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(zone);
        using var doc = JsonDocument.Parse(alertJson);
        var root = doc.RootElement;
        var alert = root.GetProperty("alert");
        string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var opened = Str(root, "event") == "alert.opened";
        var kind = Str(alert, "kind");
        var at = DateTimeOffset.Parse(Str(root, "at") ?? "1970-01-01T00:00:00Z", CultureInfo.InvariantCulture);
        var since = DateTimeOffset.Parse(Str(alert, "since") ?? Str(root, "at") ?? "1970-01-01T00:00:00Z", CultureInfo.InvariantCulture);
        double? value = alert.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

        var what = kind switch
        {
            "waiting" => "顾客等待回复过久",
            "no_agent_online" => "有顾客等待但没有客服在线",
            "saturation" => "客服接待已饱和",
            "projection_below" => "今日预计低于考核线",
            "dissatisfied" => "收到不满意评价",
            "complaint" => "收到投诉",
            _ => "告警",
        };
        var lines = new List<string> { $"【客服告警】{(opened ? "" : "已解除：")}{what}", $"店铺：{Str(root, "shop")}" };
        if (Str(alert, "conversation") is { } c) lines.Add($"会话：{c}");
        if (Str(alert, "agent") is { } a) lines.Add($"客服：{(names is not null && names.TryGetValue(a, out var name) ? name : a)}");
        if (kind is "projection_below" or "saturation" && value is { } x) lines.Add($"{(kind == "saturation" ? "饱和度" : "预计")}：{(x * 100).ToString("0.#", CultureInfo.InvariantCulture)}%");
        var local = TimeZoneInfo.ConvertTime(since, zone);
        lines.Add($"开始：{local.ToString("M月d日 HH:mm", CultureInfo.InvariantCulture)}");
        if (kind == "waiting" && opened) lines.Add($"已等待：{Duration(at - since)}");
        return string.Join('\n', lines);
    }

    private static string Duration(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours} 小时 {t.Minutes} 分" : $"{(int)t.TotalMinutes} 分 {t.Seconds} 秒";
}
