using System.Text.Json;
using KefuScore.App.Tests.Reading;

namespace KefuScore.App.Tests.Cli;

/// <summary>`kefu report` as SPEC §6 fixes it: the JSON shape, rejected lines, exit codes.</summary>
public sealed class ReportCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    private const string Good = """
        {"type":"message","id":"m1","shop":"s1","conversation":"c1","customer":"u1","sender":"customer","at":"2026-11-20T10:00:00+08:00","text":"在吗?"}
        {"type":"message","id":"m2","shop":"s1","conversation":"c1","sender":"agent","agent":"a1","at":"2026-11-20T10:02:30+08:00","text":"您好,在的"}
        {"type":"rating","id":"r1","shop":"s1","conversation":"c1","agent":"a1","at":"2026-11-20T10:09:00+08:00","stars":5}
        """;

    [Fact]
    public void Spec_example_gives_the_contract_json()
    {
        var (exit, stdout, _) = KefuCli.Run("report", "--input", _dir.WriteText("spec.jsonl", Good), "--format", "json", "--agents");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal("douyin", root.GetProperty("profile").GetString());
        Assert.Equal("Asia/Shanghai", root.GetProperty("timezone").GetString());
        Assert.Equal(3, root.GetProperty("events").GetProperty("read").GetInt64());
        Assert.Equal(0, root.GetProperty("events").GetProperty("rejected").GetInt64());
        var period = root.GetProperty("shops")[0].GetProperty("periods")[0];
        Assert.Equal("2026-11-20", period.GetProperty("period").GetString());
        var rate = period.GetProperty("metrics").GetProperty("reply_rate_3min");
        Assert.Equal(1, rate.GetProperty("numerator").GetInt64());
        Assert.Equal(1, rate.GetProperty("denominator").GetInt64());
        Assert.Equal(1.0, rate.GetProperty("value").GetDouble());
        var avg = period.GetProperty("metrics").GetProperty("avg_reply_seconds");
        Assert.Equal(150.0, avg.GetProperty("sum").GetDouble());
        Assert.Equal(1, avg.GetProperty("count").GetInt64());
        Assert.Equal(1, period.GetProperty("metrics").GetProperty("consultations").GetProperty("value").GetInt64());
        var floor = period.GetProperty("verdicts").EnumerateArray().Single(v => v.GetProperty("rule").GetString() == "activity_floor");
        Assert.Equal("pass", floor.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, floor.GetProperty("consequence").ValueKind);
        var agent = root.GetProperty("shops")[0].GetProperty("agents")[0];
        Assert.Equal("a1", agent.GetProperty("agent").GetString());
        Assert.Equal(1.0, agent.GetProperty("periods")[0].GetProperty("metrics").GetProperty("satisfaction_rate").GetProperty("value").GetDouble());
    }

    [Fact]
    public void Threads_share_the_shops_and_print_the_same_report()
    {
        var path = _dir.File("week.jsonl");
        Assert.Equal(0, KefuCli.Run("simulate", "--shops", "5", "--days", "3", "--seed", "4", "--out", path).Exit);
        var (exit1, one, _) = KefuCli.Run("report", "--input", path, "--format", "json", "--agents", "--threads", "1");
        var (exit3, three, _) = KefuCli.Run("report", "--input", path, "--format", "json", "--agents", "--threads", "3");
        Assert.Equal((0, 0), (exit1, exit3));
        Assert.Equal(one, three);
        using var doc = JsonDocument.Parse(three);
        Assert.Equal(5, doc.RootElement.GetProperty("shops").GetArrayLength());
    }

    [Fact]
    public void Threads_outside_1_to_256_are_refused()
    {
        var (exit, _, stderr) = KefuCli.Run("report", "--input", _dir.WriteText("spec.jsonl", Good), "--threads", "0");
        Assert.Equal(2, exit);
        Assert.Contains("--threads: must be between 1 and 256", stderr);
    }

    [Fact]
    public void Rejected_lines_are_listed_with_file_line_field_and_reason_and_exit_1()
    {
        var bad = Good + "\n" + """
            {"type":"message","id":"m3","shop":"s1","conversation":"c1","sender":"robot","at":"2026-11-20T10:03:00+08:00"}
            {"type":"rating","id":"r2","shop":"s1","at":"2026-11-20 10:00","stars":9}
            """;
        var path = _dir.WriteText("bad.jsonl", bad);
        var (exit, stdout, stderr) = KefuCli.Run("report", "--input", path, "--format", "json");
        Assert.Equal(1, exit);
        using var doc = JsonDocument.Parse(stdout);
        var rejected = doc.RootElement.GetProperty("rejected").EnumerateArray().ToList();
        Assert.Equal(2, rejected.Count);
        Assert.Equal(path, rejected[0].GetProperty("file").GetString());
        Assert.Equal(4, rejected[0].GetProperty("line").GetInt64());
        Assert.Equal("sender", rejected[0].GetProperty("field").GetString());
        Assert.Contains("robot", rejected[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(5, rejected[1].GetProperty("line").GetInt64());
        Assert.Equal("at", rejected[1].GetProperty("field").GetString());
        Assert.Equal(2, doc.RootElement.GetProperty("events").GetProperty("rejected").GetInt64());
        Assert.Equal(3, doc.RootElement.GetProperty("events").GetProperty("read").GetInt64());
        Assert.Contains("bad.jsonl:4", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Festival_day_fine_and_consequence_objects_reach_the_json()
    {
        // 101 conversations, 50 answered in time: 49.5% with more than 100 consultations.
        var lines = Enumerable.Range(0, 101).SelectMany(i => new[]
        {
            $$"""{"type":"message","id":"q{{i}}","shop":"s1","conversation":"c{{i}}","sender":"customer","at":"2026-11-20T10:00:00+08:00"}""",
            $$"""{"type":"message","id":"a{{i}}","shop":"s1","conversation":"c{{i}}","sender":"agent","agent":"a1","at":"2026-11-20T10:{{(i < 50 ? "01" : "05")}}:00+08:00"}""",
        });
        var (exit, stdout, _) = KefuCli.Run("report", "--input", _dir.WriteText("fine.jsonl", string.Join("\n", lines)), "--format", "json");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        var verdicts = doc.RootElement.GetProperty("shops")[0].GetProperty("periods")[0].GetProperty("verdicts").EnumerateArray().ToList();
        var fine = verdicts.Single(v => v.GetProperty("rule").GetString() == "fine");
        Assert.Equal("fail", fine.GetProperty("status").GetString());
        Assert.Equal("fine", fine.GetProperty("consequence").GetProperty("kind").GetString());
        Assert.Equal(1000, fine.GetProperty("consequence").GetProperty("amount").GetInt32());
    }

    [Fact]
    public void Week_and_month_periods_are_labelled_as_the_spec_says()
    {
        var path = _dir.WriteText("w.jsonl", Good);
        using var week = JsonDocument.Parse(KefuCli.Run("report", "--input", path, "--by", "week", "--format", "json").Out);
        Assert.Equal("2026-W47", week.RootElement.GetProperty("shops")[0].GetProperty("periods")[0].GetProperty("period").GetString());
        using var month = JsonDocument.Parse(KefuCli.Run("report", "--input", path, "--by", "month", "--format", "json").Out);
        Assert.Equal("2026-11", month.RootElement.GetProperty("shops")[0].GetProperty("periods")[0].GetProperty("period").GetString());
    }

    [Theory]
    [InlineData("report")]                                          // --input missing
    [InlineData("report", "--input", "/no/such/file.jsonl")]
    [InlineData("report", "--input", "x.jsonl", "--by", "year")]
    [InlineData("report", "--input", "x.jsonl", "--profile", "nope")]
    [InlineData("report", "--input", "x.jsonl", "--map", "/no/such/map.yaml")]
    [InlineData("frobnicate")]
    public void Usage_errors_exit_2(params string[] args)
    {
        _dir.WriteText("x.jsonl", Good);
        var fixedArgs = args.Select(a => a == "x.jsonl" ? _dir.File("x.jsonl") : a).ToArray();
        var (exit, _, stderr) = KefuCli.Run(fixedArgs);
        Assert.Equal(2, exit);
        Assert.NotEmpty(stderr);
    }

    [Fact]
    public void Table_and_csv_formats_are_written()
    {
        var path = _dir.WriteText("t.jsonl", Good);
        var table = KefuCli.Run("report", "--input", path, "--format", "table");
        Assert.Contains("reply_rate_3min", table.Out, StringComparison.Ordinal);
        Assert.Contains("100.00%", table.Out, StringComparison.Ordinal);
        var csv = KefuCli.Run("report", "--input", path, "--format", "csv");
        Assert.Contains("s1,,2026-11-20,reply_rate_3min,1,1,0,0,1", csv.Out, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
