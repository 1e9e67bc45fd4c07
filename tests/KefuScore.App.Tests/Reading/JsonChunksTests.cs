using System.Text;
using FsCheck.Xunit;
using KefuScore.App.Profiles;
using KefuScore.App.Reading;
using KefuScore.App.Reports;
using KefuScore.App.Writing;
using KefuScore.Engine.Events;
using KefuScore.Engine.Profiles;
using KefuScore.Tests;

namespace KefuScore.App.Tests.Reading;

/// <summary>JSON Lines read in chunks on several threads (the report's path) against the sequential reader, line for line.</summary>
public sealed class JsonChunksTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Lines_are_numbered_physically_across_chunks_and_odd_lines_read_as_the_sequential_reader_reads_them()
    {
        var text = new StringBuilder("\uFEFF");
        for (var i = 0; i < 12; i++) // lines 1–12
            text.Append($$"""{"type":"message","id":"m{{i}}","shop":"s1","at":"2026-11-20T10:00:0{{i % 10}}+08:00","conversation":"c{{i % 3}}","sender":"customer","text":"你好"}""").Append('\n');
        text.Append('\n'); // line 13: blank
        text.Append("""{"type":"message","id":"e1","shop":"s1","at":"2026-11-20T10:01:00+08:00","conversation":"c1","sender":"agent","agent":"a\u0031"}""").Append("\r\n"); // 14: escaped agent
        text.Append("""{"type":"message","id":"bad","shop":"s1","at":"2026-11-20 10:06","conversation":"c1","sender":"customer"}""").Append('\n'); // 15: no offset
        text.Append("""{"type":"rating","id":"r1","shop":"s1","at":"2026-11-20T10:07:00+08:00","conversation":"c1","stars":5,"extra":{"a":[1,2]}}""").Append('\n'); // 16
        text.Append("""{"type":"message","id":"x"} trailing""").Append('\n'); // 17: not one object
        text.Append("""[1,2]""").Append('\n'); // 18: an array
        text.Append("""{"type":"message","id":"n1","shop":"s1","at":"2026-11-20T10:08:00+08:00","conversation":"c2","sender":"customer","agent":null,"text":"a\"b\n"}"""); // 19, no final break
        var path = _dir.WriteText("odd.jsonl", text.ToString());

        var (rows, rejected) = ChunkRows.Read([path], parts: 1, chunkBytes: 150);

        Assert.Equal([(15L, "at"), (17L, ""), (18L, "")], rejected.Select(r => (r.Line, r.Field)));
        Assert.Equal(15, rows[0].Count);
        Assert.Equal("a1", rows[0].Single(r => r.Id == "e1").Agent);
        Assert.Equal(5, rows[0].Single(r => r.Id == "r1").Stars);
        Assert.Equal(Reads.File(path).Events.Select(Flat.Of), rows[0]);
        Assert.Equal(Reads.File(path).Rejected, rejected);
    }

    [Fact]
    public void A_line_longer_than_a_chunk_can_reach_is_read_on_by_the_sequential_reader_with_its_line_numbers()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 30; i++) // lines 1–30
            text.Append($$"""{"type":"message","id":"m{{i}}","shop":"s{{i % 4}}","at":"2026-11-20T10:00:00Z","conversation":"c{{i}}","sender":"customer"}""").Append('\n');
        // Line 31: a text of 1.2 MiB, past the 1 MiB a chunk looks ahead for its end.
        text.Append("""{"type":"message","id":"long","shop":"s1","at":"2026-11-20T10:00:01Z","conversation":"c1","sender":"customer","text":" """)
            .Append('字', 420_000).Append("\"}\n");
        text.Append("""{"type":"message","id":"after","shop":"s1","at":"yesterday","conversation":"c1","sender":"customer"}""").Append('\n'); // 32
        text.Append("""{"type":"message","id":"last","shop":"s2","at":"2026-11-20T10:00:02Z","conversation":"c1","sender":"customer"}""").Append('\n'); // 33
        var path = _dir.WriteText("long.jsonl", text.ToString());

        var (rows, rejected) = ChunkRows.Read([path], parts: 1, chunkBytes: 1000);

        Assert.Equal([(32L, "at")], rejected.Select(r => (r.Line, r.Field)));
        Assert.Equal(32, rows[0].Count);
        Assert.Equal(Reads.File(path).Events.Select(Flat.Of), rows[0]);
        Assert.Equal(Reads.File(path).Rejected, rejected);
    }

    private static readonly string[] Types = ["\"message\"", "\"message\"", "\"message\"", "\"rating\"", "\"session\"", "\"agent_status\"", "\"chat\"", "\"\"", "null", "3"];
    private static readonly string[] Ids = ["\"m1\"", "\"m2\"", "\"x\\\"y\"", "\" m3\"", "\"\"", "\"订单1\"", "17", "\"\\u006d9\""];
    private static readonly string[] Shops = ["\"s1\"", "\"s2\"", "\"s 3\"", "\"\"", "\" s1\"", "\"店铺\"", "null", "{}"];
    private static readonly string[] Ats = ["\"2026-11-20T10:00:00+08:00\"", "\"2026-11-20T10:00:00.123Z\"", "\"2026-11-20 02:00:00Z\"", "\"yesterday\"",
        "\"2126-11-20T10:00:00Z\"", "\"2026-11-20T10:00:00,5-03:30\"", "1763604000", "true"];
    private static readonly string[] Conversations = ["\"c1\"", "\"c2\"", "\"\"", "\" c1\"", "\"c,3\"", "null", "[\"c1\"]"];
    private static readonly string[] Senders = ["\"customer\"", "\"agent\"", "\"bot\"", "\"robot\"", "\"\"", "\"\\u0061gent\""];
    private static readonly string[] Agents = ["\"\"", "\"a1\"", "\"a2\"", "\" a1\"", "\"客服1\"", "null", "7"];
    private static readonly string[] Kinds = ["\"\"", "\"text\"", "\"auto\"", "\"video\""];
    private static readonly string[] Stars = ["\"\"", "null", "\"3\"", "3", "3.0", "0", "\"x\"", "5e0"];
    private static readonly string[] Satisfactions = ["\"\"", "null", "\"satisfied\"", "\"happy\""];
    private static readonly string[] Reasons = ["\"\"", "\"slow\"", "\" slow \"", "\"\\tslow\""];
    private static readonly string[] Texts = ["\"好的\"", "\"a\\\"b\"", "\"line\\nbreak\"", "\"\\ud83d\\ude00\"", "null", "{\"nested\":[1,{\"x\":2}]}"];
    private static readonly string[] Breakages = ["", "", "", "", " trailing", ",", "}", "\t"];

    /// <summary>
    /// Random JSON Lines (escaped and unescaped strings, numbers, nulls, nested unknown values, a field given twice, broken
    /// and blank lines, CRLF, a BOM, a stray invalid UTF-8 byte), two copies read chunk by chunk with chunks as small as
    /// a line: the events and rejections (with their line numbers) of the sequential reader, in order.
    /// </summary>
    [Property(MaxTest = 80)]
    public bool Chunks_give_the_events_and_rejections_of_the_sequential_reader(int seed, bool crlf, bool bom, byte chunkSeed)
    {
        var random = new Random(seed);
        // The first option is a plain one, taken 7 times in 8, so many lines are events and the rest every kind of odd.
        string Pick(string[] options) => options[random.Next(8) == 0 ? random.Next(options.Length) : 0];
        var newline = crlf ? "\r\n" : "\n";
        var bytes = new List<byte>();
        if (bom) bytes.AddRange("\uFEFF"u8.ToArray());
        for (var i = 0; i < 60; i++)
        {
            if (random.Next(15) == 0) { bytes.AddRange(Encoding.UTF8.GetBytes(random.Next(2) == 0 ? newline : " \t" + newline)); continue; }
            var fields = new List<string>
            {
                $"\"type\":{Pick(Types)}", $"\"id\":{(random.Next(8) == 0 ? Pick(Ids) : $"\"m{i}\"")}", $"\"shop\":{Pick(Shops)}", $"\"at\":{Pick(Ats)}", $"\"conversation\":{Pick(Conversations)}",
                $"\"sender\":{Pick(Senders)}", $"\"agent\":{Pick(Agents)}", $"\"kind\":{Pick(Kinds)}", $"\"stars\":{Pick(Stars)}",
                $"\"satisfaction\":{Pick(Satisfactions)}", $"\"reason\":{Pick(Reasons)}", $"\"text\":{Pick(Texts)}",
            };
            fields = [.. fields.Where(_ => random.Next(20) != 0).OrderBy(_ => random.Next(3))];
            if (random.Next(10) == 0) fields.Add($"\"agent\":{Pick(Agents)}"); // a field twice: the last one counts
            if (random.Next(10) == 0) fields.Add("\"ext\":{\"deep\":[1,2,{\"x\":null}]}");
            bytes.AddRange(Encoding.UTF8.GetBytes("{" + string.Join(',', fields) + "}" + Pick(Breakages)));
            if (random.Next(40) == 0) bytes.Add(0xFF); // not UTF-8
            bytes.AddRange(Encoding.UTF8.GetBytes(newline));
        }
        if (random.Next(2) == 0) bytes.RemoveRange(bytes.Count - newline.Length, newline.Length);
        var path = Path.Combine(_dir.Path, $"j{seed}-{crlf}-{bom}.jsonl");
        File.WriteAllBytes(path, [.. bytes]);
        var (events, rejected) = Reads.File(path);
        var (rows, chunkRejected) = ChunkRows.Read([path, path], parts: 1, chunkBytes: 64 + chunkSeed * 8);
        return events.Count >= 3
            && rows[0].SequenceEqual(events.Select(Flat.Of).Concat(events.Select(Flat.Of)))
            && chunkRejected.SequenceEqual(rejected.Concat(rejected));
    }

    private static readonly CompiledProfile Douyin = ProfileCatalog.Compile("douyin");

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void The_report_on_json_lines_gives_the_figures_of_the_same_events_as_csv(int seed)
    {
        var events = RandomChats.ShuffleWithinBlocks(RandomChats.Generate(seed, conversations: 80), TimeSpan.FromMinutes(10), seed);
        var csv = _dir.File($"e{seed}.csv");
        var jsonl = _dir.File($"e{seed}.jsonl");
        using (var stream = File.Create(csv)) CsvEventWriter.Write(stream, events);
        using (var stream = File.Create(jsonl)) JsonLinesEventWriter.Write(stream, events);

        var fromCsv = ReportRunner.Run(Douyin, [csv], mapping: null, threads: 2);
        var fromJson = ReportRunner.Run(Douyin, [jsonl], mapping: null, threads: 2);
        // The event path, which read JSON Lines before: the same figures again.
        var fromEvents = ReportRunner.Run(Douyin, () => EventFiles.Read(jsonl), threads: 2);

        Assert.True(fromCsv.Read > 300);
        Assert.True(fromCsv.Rollup.RowCount > 0);
        Assert.True(fromJson.Rollup.SameAs(fromCsv.Rollup));
        Assert.True(fromJson.Rollup.SameAs(fromEvents.Rollup));
        Assert.Equal((fromCsv.Read, fromCsv.Duplicates, fromCsv.Rejected.Count), (fromJson.Read, fromJson.Duplicates, fromJson.Rejected.Count));
        // Both row readers deal a shop to the same worker.
        Assert.Equal(fromCsv.WorkerEvents, fromJson.WorkerEvents);
    }
}
