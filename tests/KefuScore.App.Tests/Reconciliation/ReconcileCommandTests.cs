using System.Text.Json;
using KefuScore.App.Tests.Cli;
using KefuScore.App.Tests.Reading;

namespace KefuScore.App.Tests.Reconciliation;

/// <summary>`kefu reconcile`: the platform's daily figures beside ours, per day and metric.</summary>
public sealed class ReconcileCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    // 2026-11-20: 2 of 3 messages within 3 minutes; 2026-11-21: 1 of 1.
    private const string Events = """
        {"type":"message","id":"m1","shop":"s1","conversation":"c1","customer":"u1","sender":"customer","at":"2026-11-20T10:00:00+08:00"}
        {"type":"message","id":"m2","shop":"s1","conversation":"c1","sender":"agent","agent":"a1","at":"2026-11-20T10:01:00+08:00"}
        {"type":"message","id":"m3","shop":"s1","conversation":"c2","customer":"u2","sender":"customer","at":"2026-11-20T11:00:00+08:00"}
        {"type":"message","id":"m4","shop":"s1","conversation":"c2","sender":"agent","agent":"a1","at":"2026-11-20T11:02:00+08:00"}
        {"type":"message","id":"m5","shop":"s1","conversation":"c3","customer":"u3","sender":"customer","at":"2026-11-20T12:00:00+08:00"}
        {"type":"message","id":"m6","shop":"s1","conversation":"c3","sender":"agent","agent":"a1","at":"2026-11-20T12:05:00+08:00"}
        {"type":"message","id":"m7","shop":"s1","conversation":"c4","customer":"u4","sender":"customer","at":"2026-11-21T10:00:00+08:00"}
        {"type":"message","id":"m8","shop":"s1","conversation":"c4","sender":"agent","agent":"a1","at":"2026-11-21T10:00:40+08:00"}
        """;

    [Fact]
    public void Each_day_and_metric_shows_the_platform_beside_ours_and_the_difference()
    {
        var platform = _dir.WriteText("platform.csv", "date,metric,value\n2026-11-20,reply_rate_3min,66.67%\n2026-11-21,reply_rate_3min,90%\n2026-11-20,consultations,3\n2026-11-22,consultations,5\n");
        var (exit, stdout, stderr) = KefuCli.Run("reconcile", "--input", _dir.WriteText("e.jsonl", Events), "--platform", platform, "--format", "json");
        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var rows = doc.RootElement.GetProperty("rows").EnumerateArray().ToList();
        var day20 = rows.Single(r => r.GetProperty("date").GetString() == "2026-11-20" && r.GetProperty("metric").GetString() == "reply_rate_3min");
        Assert.Equal(0.6667, day20.GetProperty("platform").GetDouble(), 9);
        Assert.Equal(0.666667, day20.GetProperty("ours").GetDouble(), 6);
        Assert.True(day20.GetProperty("matches").GetBoolean()); // within 0.1 percentage point
        var day21 = rows.Single(r => r.GetProperty("date").GetString() == "2026-11-21");
        Assert.Equal(1.0, day21.GetProperty("ours").GetDouble());
        Assert.Equal(0.1, day21.GetProperty("difference").GetDouble(), 9);
        Assert.False(day21.GetProperty("matches").GetBoolean());
        var noData = rows.Single(r => r.GetProperty("date").GetString() == "2026-11-22");
        Assert.Equal(JsonValueKind.Null, noData.GetProperty("ours").ValueKind);
        var summary = doc.RootElement.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("metric").GetString() == "reply_rate_3min");
        Assert.Equal(2, summary.GetProperty("days").GetInt32());
        Assert.Equal(1, summary.GetProperty("differing").GetInt32());
        var consultations = doc.RootElement.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("metric").GetString() == "consultations");
        Assert.Equal(0, consultations.GetProperty("differing").GetInt32());
        Assert.Equal(1, consultations.GetProperty("missing").GetInt32());
    }

    [Fact]
    public void A_bad_row_names_file_line_field_and_reason_and_nothing_is_printed()
    {
        var input = _dir.WriteText("e.jsonl", Events);
        var platform = _dir.WriteText("bad.csv", "date,metric,value\n2026-11-20,reply_rate_3min,0.5\n2026-11-21,reply_rate_3min,fast\n");
        var (exit, stdout, stderr) = KefuCli.Run("reconcile", "--input", input, "--platform", platform);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains($"{platform}:3 value: 'fast' is not a number or a percentage", stderr, StringComparison.Ordinal);
        var unknown = _dir.WriteText("unknown.csv", "date,metric,value\n2026-11-20,good_review_rate,0.5\n");
        (exit, _, stderr) = KefuCli.Run("reconcile", "--input", input, "--platform", unknown);
        Assert.Equal(2, exit);
        Assert.Contains($"{unknown}:2 metric: 'good_review_rate' is not a metric of profile 'douyin'", stderr, StringComparison.Ordinal);
    }
}
