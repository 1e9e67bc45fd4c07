using System.Text.Json;
using KefuScore.App.Tests.Reading;

namespace KefuScore.App.Tests.Cli;

public sealed class InspectAndCalendarCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    private const string Conversation = """
        {"type":"message","id":"m1","shop":"s1","conversation":"c1","sender":"customer","at":"2026-11-20T10:00:00+08:00","text":"这个面膜效果怎么样?"}
        {"type":"message","id":"m2","shop":"s1","conversation":"c1","sender":"agent","agent":"a1","at":"2026-11-20T10:00:30+08:00","text":"亲,这款是全网最低价,效果最好"}
        {"type":"message","id":"m3","shop":"s1","conversation":"c1","sender":"customer","at":"2026-11-20T10:01:00+08:00","text":"最近有活动吗?"}
        {"type":"message","id":"m4","shop":"s1","conversation":"c1","sender":"agent","agent":"a1","at":"2026-11-20T10:02:00+08:00","text":"亲,第一次购买最后一天有优惠,第一时间为您处理"}
        {"type":"message","id":"m5","shop":"s1","conversation":"c2","sender":"customer","at":"2026-11-20T09:00:00+08:00","text":"在吗"}
        {"type":"message","id":"m6","shop":"s1","conversation":"c2","sender":"agent","agent":"a2","at":"2026-11-20T09:00:10+08:00","text":"在"}
        {"type":"message","id":"m7","shop":"s1","conversation":"c2","sender":"bot","at":"2026-11-20T09:00:20+08:00","text":"全网最低价"}
        """;

    [Fact]
    public void Inspect_prints_findings_in_time_order_and_a_score_per_agent()
    {
        var path = _dir.WriteText("q.jsonl", Conversation);
        var (exit, stdout, _) = KefuCli.Run("inspect", "--input", path, "--format", "json");
        Assert.Equal(0, exit);
        Assert.Contains("\"evidence\": \"全网最低、最好\"", stdout, StringComparison.Ordinal); // Chinese stays readable
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(["findings", "agents"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(["m6", "m2"], findings.Select(f => f.GetProperty("message").GetString()));
        var f0 = findings[0];
        Assert.Equal(["shop", "conversation", "message", "agent", "rule", "evidence"], f0.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("s1", "c2", "a2", "no_polite_address", "在"),
            (f0.GetProperty("shop").GetString(), f0.GetProperty("conversation").GetString(), f0.GetProperty("agent").GetString(), f0.GetProperty("rule").GetString(), f0.GetProperty("evidence").GetString()));
        Assert.Equal("absolute_claim", findings[1].GetProperty("rule").GetString());
        var a1 = doc.RootElement.GetProperty("agents").GetProperty("a1");
        Assert.Equal((2, 1, 0.0), (a1.GetProperty("messages").GetInt32(), a1.GetProperty("findings").GetInt32(), a1.GetProperty("score").GetDouble())); // 100 − 5 × 100 / 2 → floored
        var a2 = doc.RootElement.GetProperty("agents").GetProperty("a2");
        Assert.Equal((1, 1, 0.0), (a2.GetProperty("messages").GetInt32(), a2.GetProperty("findings").GetInt32(), a2.GetProperty("score").GetDouble()));
    }

    [Fact]
    public void Inspect_with_rejected_lines_still_prints_and_exits_1()
    {
        var path = _dir.WriteText("q.jsonl", Conversation + "\nnot json\n");
        var (exit, stdout, stderr) = KefuCli.Run("inspect", "--input", path, "--format", "json");
        Assert.Equal(1, exit);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(2, doc.RootElement.GetProperty("findings").GetArrayLength());
        Assert.Contains(":8", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_takes_a_rules_file_and_a_broken_one_exits_2_naming_path_and_line()
    {
        var input = _dir.WriteText("q.jsonl", Conversation);
        var rules = _dir.WriteText("rules.yaml", "rules:\n  - { id: rude, words: [在] }\n");
        var (exit, stdout, _) = KefuCli.Run("inspect", "--input", input, "--rules", rules, "--format", "json");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        var f = Assert.Single(doc.RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal(("m6", "rude"), (f.GetProperty("message").GetString(), f.GetProperty("rule").GetString()));
        // a1 has no findings under these rules
        Assert.Equal(100.0, doc.RootElement.GetProperty("agents").GetProperty("a1").GetProperty("score").GetDouble());

        var broken = _dir.WriteText("broken.yaml", "rules:\n  - id: vague\n    within: later\n");
        var bad = KefuCli.Run("inspect", "--input", input, "--rules", broken);
        Assert.Equal(2, bad.Exit);
        Assert.Contains("rules[0].within (line 3)", bad.Err, StringComparison.Ordinal);
        Assert.Equal(2, KefuCli.Run("inspect", "--input", input, "--rules", _dir.File("none.yaml")).Exit);
        Assert.Equal(2, KefuCli.Run("inspect").Exit);
    }

    private string Calendar() => _dir.WriteText("cal.yaml", """
        timezone: Asia/Shanghai
        week: { mon: ["09:00-12:00", "13:30-18:00"], sat: ["22:00-02:00"] }
        holidays: [2026-10-01]
        breaks: { 2026-11-20: ["15:00-15:30"] }
        exceptions: { 2026-02-14: ["10:00-14:00"] }
        """);

    [Theory]
    [InlineData("2026-11-16T08:00:00+08:00", "2026-11-16T20:00:00+08:00", "27000")]
    [InlineData("2026-11-16T00:00:00Z", "2026-11-16T12:00:00Z", "27000")]
    [InlineData("2026-11-16T20:00:00+08:00", "2026-11-16T08:00:00+08:00", "0")]
    [InlineData("2026-11-21T23:00:00+08:00", "2026-11-22T01:30:00+08:00", "9000")]
    public void Calendar_between_prints_business_seconds(string from, string to, string expected)
    {
        var (exit, stdout, _) = KefuCli.Run("calendar", "between", "--calendar", Calendar(), "--from", from, "--to", to);
        Assert.Equal(0, exit);
        Assert.Equal(expected + Environment.NewLine, stdout);
    }

    [Theory]
    [InlineData("2026-11-16T11:00:00+08:00", "1h", false, "2026-11-16T12:00:00+08:00")]
    [InlineData("2026-11-16T04:30:00Z", "30m", false, "2026-11-16T14:00:00+08:00")]
    [InlineData("2026-11-16T17:00:00+08:00", "3h", false, "2026-11-22T00:00:00+08:00")]
    [InlineData("2026-11-16T10:00:00+08:00", "90m", true, "2026-11-15T01:30:00+08:00")]
    [InlineData("2026-11-16T09:00:00+08:00", "90s", false, "2026-11-16T09:01:30+08:00")]
    public void Calendar_due_prints_the_instant_in_the_calendars_offset(string from, string add, bool backward, string expected)
    {
        string[] args = ["calendar", "due", "--calendar", Calendar(), "--from", from, "--add", add, .. backward ? new[] { "--backward" } : []];
        var (exit, stdout, _) = KefuCli.Run(args);
        Assert.Equal(0, exit);
        Assert.Equal(expected + Environment.NewLine, stdout);
    }

    [Fact]
    public void Calendar_json_and_usage_errors()
    {
        var json = KefuCli.Run("calendar", "due", "--calendar", Calendar(), "--from", "2026-11-16T11:00:00+08:00", "--add", "1h", "--format", "json");
        Assert.Equal(0, json.Exit);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal("2026-11-16T12:00:00+08:00", doc.RootElement.GetProperty("due").GetString());

        Assert.Equal(2, KefuCli.Run("calendar", "due", "--calendar", Calendar(), "--from", "2026-11-16T11:00:00", "--add", "1h").Exit);
        Assert.Equal(2, KefuCli.Run("calendar", "due", "--calendar", Calendar(), "--from", "2026-11-16T11:00:00+08:00", "--add", "1 day").Exit);
        var broken = _dir.WriteText("bad.yaml", "week: { mon: [\"09:00-25:00\"] }\n");
        var bad = KefuCli.Run("calendar", "between", "--calendar", broken, "--from", "2026-11-16T11:00:00Z", "--to", "2026-11-16T12:00:00Z");
        Assert.Equal(2, bad.Exit);
        Assert.Contains("week.mon[0] (line 1)", bad.Err, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
