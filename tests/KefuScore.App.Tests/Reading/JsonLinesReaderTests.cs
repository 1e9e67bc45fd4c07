using System.Text;
using KefuScore.App.Reading;
using KefuScore.Engine.Events;

namespace KefuScore.App.Tests.Reading;

public sealed class JsonLinesReaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Reads_valid_events_with_offsets_fractions_numbers_and_unknown_fields()
    {
        var path = _dir.WriteText("a.jsonl", """
            {"type":"message","id":"m1","shop":"s1","conversation":"c1","customer":"u1","sender":"customer","at":"2026-11-20T10:00:00+08:00","text":"在吗?"}
            {"type":"message","id":"m2","shop":"s1","conversation":"c1","sender":"agent","agent":"a1","at":"2026-11-20T02:02:30.25Z","text":"您好,\"在的\"","extra":{"deep":[1,{"x":null}]},"flag":true}

            {"type":"rating","id":"r1","shop":"s1","conversation":"c1","agent":"a1","at":"2026-11-19T21:09:00.1234567-05:00","stars":5}
            {"type":"agent_status","id":7,"shop":"s1","agent":"a1","status":"online","capacity":4,"at":"2026-11-20T01:00:00Z","reason":null}
            """);
        var (events, rejected) = Reads.File(path);

        Assert.Empty(rejected);
        Assert.Equal(4, events.Count);
        Assert.Equal(Reads.Time("2026-11-20T02:00:00Z"), events[0].At);
        Assert.Equal(TimeSpan.FromHours(8), events[0].At.Offset);
        Assert.Equal("在吗?", events[0].Text);
        Assert.Equal(Sender.Agent, events[1].Sender);
        Assert.Equal("您好,\"在的\"", events[1].Text);
        Assert.Equal(Reads.Time("2026-11-20T02:02:30.25Z"), events[1].At);
        Assert.Equal(5, events[2].Stars);
        Assert.Equal(TimeSpan.FromHours(-5), events[2].At.Offset);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 2, 9, 0, TimeSpan.Zero).AddTicks(1234567), events[2].At);
        Assert.Equal("7", events[3].Id);
        Assert.Equal(4, events[3].Capacity);
    }

    [Fact]
    public void Rejects_bad_lines_with_line_field_and_reason_and_reads_the_rest()
    {
        var path = _dir.WriteText("bad.jsonl", string.Join('\n',
            """{"type":"message","id":"ok1","shop":"s","conversation":"c","sender":"customer","at":"2026-11-20T10:00:00+08:00"}""",
            """{"id":"m","shop":"s","conversation":"c","sender":"customer","at":"2026-11-20T10:00:00+08:00"}""",
            """{"type":"message","id":"m","shop":"s","conversation":"c","sender":"customer","at":"2026-11-20 10:00"}""",
            """{"type":"message","id":"m","shop":"s","conversation":"c","sender":"customer","at":"2026-11-20T10:00:00"}""",
            """{"type":"chat","id":"m","shop":"s","at":"2026-11-20T10:00:00Z"}""",
            """{"type":"message","id":"m","shop":"s","conversation":"c","sender":"robot","at":"2026-11-20T10:00:00Z"}""",
            """{"type":"rating","id":"r","shop":"s","conversation":"c","stars":0,"at":"2026-11-20T10:00:00Z"}""",
            """{"type":"rating","id":"r","shop":"s","conversation":"c","stars":"6","at":"2026-11-20T10:00:00Z"}""",
            """{"type":"message","id":"m","shop":"s" "at":1}""",
            """[1,2,3]""",
            """{"type":"message"}{"type":"x"}""",
            """{"type":{"nested":1},"id":"m"}""",
            "",
            """{"type":"review","id":"ok2","shop":"s","order":"o1","stars":4.0,"at":"2026-11-20T10:00:00Z"}"""));
        var (events, rejected) = Reads.File(path);

        Assert.Equal(["ok1", "ok2"], events.Select(e => e.Id));
        Assert.Equal(11, rejected.Count);
        Assert.All(rejected, r => Assert.Equal(path, r.File));
        Assert.Equal(("type", "is required"), (rejected.Line(2).Field, rejected.Line(2).Reason));
        Assert.Equal("at", rejected.Line(3).Field);
        Assert.Contains("2026-11-20 10:00", rejected.Line(3).Reason, StringComparison.Ordinal);
        Assert.Equal("at", rejected.Line(4).Field);
        Assert.Equal("type", rejected.Line(5).Field);
        Assert.Contains("'chat'", rejected.Line(5).Reason, StringComparison.Ordinal);
        Assert.Equal("sender", rejected.Line(6).Field);
        Assert.Equal(("stars", "0 is outside 1–5"), (rejected.Line(7).Field, rejected.Line(7).Reason));
        Assert.Equal(("stars", "6 is outside 1–5"), (rejected.Line(8).Field, rejected.Line(8).Reason));
        Assert.Equal("", rejected.Line(9).Field);
        Assert.StartsWith("not a JSON object: ", rejected.Line(9).Reason, StringComparison.Ordinal);
        Assert.Equal(("", "not a JSON object: the line holds an array"), (rejected.Line(10).Field, rejected.Line(10).Reason));
        Assert.StartsWith("not a JSON object: ", rejected.Line(11).Reason, StringComparison.Ordinal);
        Assert.Equal("type", rejected.Line(12).Field);
    }

    [Fact]
    public void Tolerates_bom_crlf_blank_lines_and_a_last_line_without_newline()
    {
        var path = _dir.WriteText("bom.jsonl",
            "{\"type\":\"shipment\",\"id\":\"x1\",\"shop\":\"s\",\"order\":\"o\",\"action\":\"paid\",\"at\":\"2026-11-20T10:00:00Z\"}\r\n\r\n   \r\n"
            + "{\"type\":\"shipment\",\"id\":\"x2\",\"shop\":\"s\",\"order\":\"o\",\"action\":\"lost\",\"at\":\"2026-11-20T10:00:00Z\"}\r\n"
            + "{\"type\":\"shipment\",\"id\":\"x3\",\"shop\":\"s\",\"order\":\"o\",\"at\":\"2026-11-20T10:00:00Z\"}", bom: true);
        var (events, rejected) = Reads.File(path);

        Assert.Equal(["x1", "x2"], events.Select(e => e.Id));
        Assert.Equal(("action", 5L), (Assert.Single(rejected).Field, rejected[0].Line));
    }

    [Fact]
    public void Keeps_line_numbers_across_buffer_refills_and_long_lines()
    {
        var text = new StringBuilder();
        for (var i = 1; i <= 5000; i++)
        {
            var filler = i % 1000 == 0 ? new string('x', 200_000) : "t" + i;
            var at = i % 777 == 0 ? "bad" : "2026-11-20T10:00:00Z";
            text.Append($$"""{"type":"message","id":"m{{i}}","shop":"s","conversation":"c","sender":"bot","at":"{{at}}","text":"{{filler}}"}""").Append('\n');
        }
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var (events, rejected) = Reads.All(EventFiles.Read(new MemoryStream(bytes), EventFileFormat.JsonLines, "mem"));

        Assert.Equal(5000 - 6, events.Count);
        Assert.Equal([777L, 1554, 2331, 3108, 3885, 4662], rejected.Select(r => r.Line));
        Assert.All(rejected, r => Assert.Equal(("mem", "at"), (r.File, r.Field)));
        Assert.Equal(200_000, events.Single(e => e.Id == "m3000").Text!.Length);
    }

    [Fact]
    public void Rejects_an_overlong_line_once_and_reads_on()
    {
        var big = new byte[JsonLinesSource.MaxLineBytes + 10];
        big.AsSpan().Fill((byte)'x');
        var ok = """{"type":"message","id":"m","shop":"s","conversation":"c","sender":"bot","at":"2026-11-20T10:00:00Z"}"""u8;
        var stream = new MemoryStream([.. big, (byte)'\n', .. ok, (byte)'\n']);
        var (events, rejected) = Reads.All(EventFiles.Read(stream, EventFileFormat.JsonLines, "big"));

        Assert.Single(events);
        Assert.Equal(1, Assert.Single(rejected).Line);
        Assert.Contains("longer than", rejected[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Escaped_property_names_are_matched_exactly()
    {
        var line = """{"\u0074ype":"message","id":"m","shop":"s","conversation":"c","sender":"bot","at":"2026-11-20T10:00:00Z","Type":"x"}""";
        var (events, rejected) = Reads.All(EventFiles.Read(new MemoryStream(Encoding.UTF8.GetBytes(line)), EventFileFormat.JsonLines, "esc"));

        Assert.Empty(rejected);
        Assert.Equal(EventType.Message, Assert.Single(events).Type);
    }
}
