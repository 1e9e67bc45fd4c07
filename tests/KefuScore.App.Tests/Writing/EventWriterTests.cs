using KefuScore.App.Reading;
using System.Text;
using FsCheck.Xunit;
using KefuScore.App.Writing;
using KefuScore.Engine.Events;
using KefuScore.Engine.Simulation;

namespace KefuScore.App.Tests.Writing;

public sealed class EventWriterTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(8));

    private static readonly Lazy<List<ChatEvent>> Simulated =
        new(() => Simulator.Generate(new SimulationOptions { Shops = 2, Days = 3, Seed = 77 }).ToList());

    [Theory]
    [InlineData(EventFileFormat.JsonLines)]
    [InlineData(EventFileFormat.Csv)]
    public void Every_simulated_event_round_trips_and_passes_validation(EventFileFormat format) =>
        AssertRoundTrip(format, Simulated.Value);

    [Theory]
    [InlineData(EventFileFormat.JsonLines)]
    [InlineData(EventFileFormat.Csv)]
    public void Awkward_values_round_trip(EventFileFormat format) => AssertRoundTrip(format,
    [
        Message("m1", "逗号,\"引号\"\r\n换行 and  edge spaces  ", Noon.AddTicks(1234567)),
        Message("m2", " 前导空格", Noon.ToOffset(TimeSpan.Zero)),
        Message("m3", "emoji 😀 \\ backslash \t tab", Noon.ToOffset(TimeSpan.FromHours(-5.5))),
        new() { Type = EventType.Rating, Id = "r1", Shop = "s1", At = Noon, Conversation = "c1", Agent = "a1", Satisfaction = Satisfaction.Neutral, Reason = "attitude" },
        new() { Type = EventType.Aftersale, Id = "as1", Shop = "s1", At = Noon, Order = "o1", Action = "requested", Category = "exchange" },
        new() { Type = EventType.Complaint, Id = "cp1", Shop = "s1", At = Noon, Order = "o1", Category = "other" },
        new() { Type = EventType.AgentStatus, Id = "st1", Shop = "s1", At = Noon, Agent = "a1", Status = "online", Capacity = 4 },
        new() { Type = EventType.Session, Id = "ss1", Shop = "s1", At = Noon, Conversation = "c1", Action = "transferred", Agent = "a2" },
    ]);

    [Property(MaxTest = 200)]
    public bool Any_text_round_trips(FsCheck.NonEmptyString text)
    {
        var value = text.Get;
        // Lone surrogates cannot be encoded in UTF-8 by any writer.
        if (Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value)) != value) return true;
        AssertRoundTrip(EventFileFormat.JsonLines, [Message("m1", value, Noon)]);
        AssertRoundTrip(EventFileFormat.Csv, [Message("m1", value, Noon)]);
        return true;
    }

    [Fact]
    public void Json_lines_look_like_the_spec_example()
    {
        var line = Encoding.UTF8.GetString(WriteBytes(EventFileFormat.JsonLines, [Message("m1", "在吗?", Noon)]));
        Assert.Equal("""{"type":"message","id":"m1","shop":"s1","at":"2026-11-20T10:00:00+08:00","conversation":"c1","customer":"u1","sender":"customer","text":"在吗?"}""" + "\n", line);
        var status = new ChatEvent { Type = EventType.AgentStatus, Id = "st1", Shop = "s1", At = Noon.AddMilliseconds(250), Agent = "a1", Status = "online", Capacity = 5 };
        Assert.Equal("""{"type":"agent_status","id":"st1","shop":"s1","at":"2026-11-20T10:00:00.25+08:00","agent":"a1","status":"online","capacity":5}""" + "\n",
            Encoding.UTF8.GetString(WriteBytes(EventFileFormat.JsonLines, [status])));
    }

    [Fact]
    public void Csv_has_the_spec_header_and_empty_cells_for_absent_fields()
    {
        var rows = TestFormats.ReadCsvRows(WriteBytes(EventFileFormat.Csv, [Message("m1", "在吗?", Noon)]));
        Assert.Equal(RawEvent.FieldNames, rows[0]);
        Assert.Equal(2, rows.Count);
        Assert.Equal("message,m1,s1,2026-11-20T10:00:00+08:00,c1,u1,customer,,,在吗?,,,,,,,,,", string.Join(',', rows[1]));
    }

    [Theory]
    [InlineData("out.jsonl", EventFileFormat.JsonLines)]
    [InlineData("dir/OUT.JSONL", EventFileFormat.JsonLines)]
    [InlineData("out.ndjson", EventFileFormat.JsonLines)]
    [InlineData("out.csv", EventFileFormat.Csv)]
    public void The_extension_picks_the_format(string path, EventFileFormat expected) => Assert.Equal(expected, EventWriter.FormatOf(path));

    [Theory]
    [InlineData("out.xlsx")]
    [InlineData("out.json")]
    [InlineData("out")]
    public void Other_extensions_are_refused(string path) => Assert.Throws<ArgumentException>(() => EventWriter.FormatOf(path));

    [Fact]
    public void Writing_a_file_twice_with_the_same_seed_gives_the_same_bytes()
    {
        var dir = Directory.CreateTempSubdirectory("kefu-writer-");
        try
        {
            var options = new SimulationOptions { Shops = 1, Days = 2, Seed = 3 };
            var a = Path.Combine(dir.FullName, "a.jsonl");
            var b = Path.Combine(dir.FullName, "b.jsonl");
            var count = EventWriter.Write(a, Simulator.Generate(options));
            EventWriter.Write(b, Simulator.Generate(options));
            Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
            Assert.Equal(count, File.ReadAllLines(a).Length);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static void AssertRoundTrip(EventFileFormat format, IReadOnlyList<ChatEvent> events)
    {
        var bytes = WriteBytes(format, events);
        var raws = format == EventFileFormat.Csv ? TestFormats.ReadCsv(bytes) : TestFormats.ReadJsonLines(bytes);
        Assert.Equal(events.Count, raws.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var parsed = EventParser.Parse(raws[i], out var error);
            Assert.True(parsed is not null, $"{events[i]}: {error.Field} {error.Reason}");
            TestFormats.AssertSame(events[i], parsed);
        }
    }

    private static byte[] WriteBytes(EventFileFormat format, IEnumerable<ChatEvent> events)
    {
        using var stream = new MemoryStream();
        EventWriter.Write(stream, format, events);
        return stream.ToArray();
    }

    private static ChatEvent Message(string id, string text, DateTimeOffset at) => new()
    {
        Type = EventType.Message, Id = id, Shop = "s1", At = at, Conversation = "c1", Customer = "u1", Sender = Sender.Customer, Text = text,
    };
}
