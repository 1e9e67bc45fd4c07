using System.Text.Json;
using KefuScore.App.Tests.Cli;
using KefuScore.App.Tests.Reading;
using KefuScore.Engine.Events;

namespace KefuScore.App.Tests.Security;

/// <summary>
/// Issue 17, finding 5: an event at 9999-12-31 was accepted and broke every report; 0001-01-01T00:00:00+14:00 threw
/// inside the parser and failed its whole file. Both are now one rejected line, in every reader and command.
/// </summary>
public sealed class InstantRangeTests : IDisposable
{
    private readonly TempDir _dir = new();

    internal const string Lines = """
        {"type":"message","id":"m1","shop":"s1","conversation":"c1","customer":"u1","sender":"customer","at":"2026-11-20T10:00:00+08:00","text":"在吗?"}
        {"type":"message","id":"m2","shop":"s1","conversation":"c1","customer":"u1","sender":"customer","at":"9999-12-31T20:00:00+08:00","text":"x"}
        {"type":"message","id":"m3","shop":"s1","conversation":"c1","customer":"u1","sender":"customer","at":"9999-12-31T23:59:59Z","text":"x"}
        {"type":"message","id":"m4","shop":"s1","conversation":"c1","customer":"u1","sender":"customer","at":"0001-01-01T00:00:00+14:00","text":"x"}
        {"type":"message","id":"m5","shop":"s1","conversation":"c1","customer":"u1","sender":"customer","at":"1969-12-31T23:59:59Z","text":"x"}
        {"type":"message","id":"m6","shop":"s1","conversation":"c1","sender":"agent","agent":"a1","at":"2026-11-20T10:01:00+08:00","text":"您好"}
        """;

    [Theory]
    [InlineData("1970-01-01T00:00:00Z", true)]
    [InlineData("1970-01-01T07:59:59+08:00", false)]
    [InlineData("2099-12-31T23:59:59.9999999Z", true)]
    [InlineData("2100-01-01T00:00:00Z", false)]
    [InlineData("2100-01-01T08:00:00+08:00", false)]
    [InlineData("9999-12-31T23:59:59Z", false)]
    [InlineData("9999-12-31T23:59:59-14:00", false)]
    [InlineData("0001-01-01T00:00:00+14:00", false)]
    [InlineData("0001-01-01 00:00:00.5+14:00", false)]
    public void The_range_is_1970_up_to_2100(string at, bool accepted)
    {
        var raw = new RawEvent { Type = "message", Id = "m", Shop = "s", At = at, Conversation = "c", Sender = "customer" };
        var e = EventParser.Parse(raw, out var error);
        Assert.Equal(accepted, e is not null);
        if (!accepted)
        {
            Assert.Equal("at", error.Field);
            Assert.Contains("is outside the range events may carry, 1970-01-01T00:00:00Z up to 2100-01-01T00:00:00Z", error.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Kefu_report_rejects_the_far_instants_line_by_line_and_reports_the_rest()
    {
        var file = _dir.WriteText("far.jsonl", Lines);
        var (exit, stdout, stderr) = KefuCli.Run("report", "--input", file, "--format", "json");
        Assert.True(exit == 1, stderr);
        var json = JsonDocument.Parse(stdout).RootElement;
        var rejected = json.GetProperty("rejected").EnumerateArray().Select(r => (r.GetProperty("line").GetInt64(), r.GetProperty("field").GetString())).ToList();
        Assert.Equal([(2L, "at"), (3L, "at"), (4L, "at"), (5L, "at")], rejected);
        Assert.Equal(2, json.GetProperty("events").GetProperty("read").GetInt64());
    }

    [Fact]
    public void Kefu_import_stores_the_good_lines_and_writes_the_far_ones_to_the_rejects()
    {
        var file = _dir.WriteText("far.jsonl", Lines);
        var (exit, stdout, stderr) = KefuCli.Run("import", file, "--data", _dir.File("data"));
        Assert.True(exit == 1, stderr);
        var summary = JsonDocument.Parse(stdout).RootElement.GetProperty("files")[0];
        Assert.Equal(2, summary.GetProperty("accepted").GetInt64());
        Assert.Equal(4, summary.GetProperty("rejected").GetInt64());
        Assert.Contains("outside the range events may carry", File.ReadAllText(file + ".rejects.csv"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_huge_value_is_quoted_cut_to_80_characters_and_a_huge_field_is_refused()
    {
        var big = new string('x', EventParser.MaxFieldChars + 1);
        var e = EventParser.Parse(new RawEvent { Type = "message", Id = "m", Shop = "s", At = "2026-11-20T10:00:00Z", Conversation = "c", Sender = big[..1000] }, out var error);
        Assert.Null(e);
        Assert.Equal("sender", error.Field);
        Assert.True(error.Reason.Length < 200, error.Reason);
        Assert.Contains("(1,000 characters)", error.Reason, StringComparison.Ordinal);

        e = EventParser.Parse(new RawEvent { Type = "message", Id = "m", Shop = "s", At = "2026-11-20T10:00:00Z", Conversation = "c", Sender = "customer", Text = big }, out error);
        Assert.Null(e);
        Assert.Equal(("text", "is longer than 1,048,576 characters (limit: 1,048,576 characters per field)"), (error.Field, error.Reason));
    }

    public void Dispose() => _dir.Dispose();
}
