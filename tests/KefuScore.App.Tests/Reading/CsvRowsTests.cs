using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KefuScore.App.Profiles;
using KefuScore.App.Reading;
using KefuScore.App.Reports;
using KefuScore.App.Writing;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Tests;

namespace KefuScore.App.Tests.Reading;

/// <summary>CSV read as rows (the report's path without a string per field) against the string path it replaces there.</summary>
public sealed class CsvRowsTests : IDisposable
{
    private static readonly CompiledProfile Douyin = ProfileCatalog.Compile("douyin");
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static (List<Flat> Rows, List<RejectedLine> Rejected) ReadRows(string path)
    {
        var rows = new List<Flat>();
        var rejected = new List<RejectedLine>();
        foreach (var batch in EventFiles.ReadRows(path, new RunNames(), () => new RowBatch()))
        {
            var chars = batch.Text;
            for (var i = 0; i < batch.Count; i++)
            {
                rows.Add(Flat.Of(batch.Rows[i], chars));
            }
            rejected.AddRange(batch.Rejected);
        }
        return (rows, rejected);
    }

    [Fact]
    public void Quoted_fields_crlf_and_a_bom_read_as_the_string_path_reads_them()
    {
        var path = _dir.WriteText("q.csv",
            "type,id,shop,at,conversation,sender,agent,text,stars,satisfaction,reason\r\n"
            + "message,m1,\"s,1\",2026-11-20T10:00:00+08:00,\"c \"\"1\"\"\",customer,,\"在吗,\r\n亲?\",,,\r\n"
            + "message,m2,\"s,1\",2026-11-20T02:02:30.5Z,\"c \"\"1\"\"\",agent,a1,好的,,,\r\n"
            + "rating,r1,\"s,1\",2026-11-19T21:09:00-05:00,\"c \"\"1\"\"\",,a1,,3,,slow\r\n", bom: true);

        var (rows, rejected) = ReadRows(path);

        Assert.Empty(rejected);
        Assert.Equal(["m1", "m2", "r1"], rows.Select(r => r.Id));
        Assert.All(rows, r => Assert.Equal(("s,1", "c \"1\""), (r.Shop, r.Conversation)));
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 2, 0, 0, TimeSpan.Zero).UtcTicks, rows[0].Ticks);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 2, 2, 30, 500, TimeSpan.Zero).UtcTicks, rows[1].Ticks);
        Assert.Equal((Sender.Agent, "a1"), (rows[1].Sender, rows[1].Agent));
        Assert.Equal((EventType.Rating, (byte)3, "slow"), (rows[2].Type, rows[2].Stars, rows[2].Reason));
        Assert.Equal(Reads.File(path).Events.Select(Flat.Of), rows);
    }

    [Fact]
    public void A_bad_timestamp_is_rejected_naming_its_line_and_field_and_the_rest_still_reads()
    {
        var path = _dir.WriteText("bad.csv",
            "type,id,shop,at,conversation,sender,text\n"
            + "message,m1,s,2026-11-20T10:00:00Z,c,customer,\"two\nlines\"\n" // lines 2–3
            + "message,m2,s,2026-11-20 10:00,c,customer,\n" // 4: no offset
            + "message,m3,s,2026-11-20T10:00:00.25+08:00,c,agent,\n"); // 5

        var (rows, rejected) = ReadRows(path);

        Assert.Equal(["m1", "m3"], rows.Select(r => r.Id));
        var bad = Assert.Single(rejected);
        Assert.Equal((path, 4L, "at"), (bad.File, bad.Line, bad.Field));
        Assert.Equal("'2026-11-20 10:00' is not an ISO 8601 time with an offset or Z (e.g. 2026-11-20T10:00:00+08:00)", bad.Reason);
    }

    [Fact]
    public void The_same_id_in_two_shops_counts_twice_and_within_one_shop_once()
    {
        var path = _dir.WriteText("dup.csv",
            "type,id,shop,at,conversation,sender,agent\n"
            + "message,m1,s1,2026-11-20T10:00:00+08:00,c1,customer,\n"
            + "message,m1,s2,2026-11-20T10:00:00+08:00,c1,customer,\n"
            + "message,m1,s1,2026-11-20T10:00:00+08:00,c1,customer,\n"
            + "message,m2,s1,2026-11-20T10:01:00+08:00,c1,agent,a1\n"
            + "message,m2,s1,2026-11-20T10:01:00+08:00,c1,agent,a1\n");

        var run = ReportRunner.Run(Douyin, [path], mapping: null, threads: 1);

        Assert.Equal((5L, 2L), (run.Read, run.Duplicates));
        var events = ReportRunner.Run(Douyin, () => EventFiles.Read(path), threads: 1);
        Assert.True(run.Rollup.SameAs(events.Rollup));
    }

    /// <summary>Lines built from pieces that are valid, near-valid or wrong for each field.</summary>
    private static readonly string[] Types = ["message", "message", "message", "rating", "session", "agent_status", "chat", " message", ""];
    private static readonly string[] Ids = ["m1", "m2", "x\"y", " m3", "", "m1"];
    private static readonly string[] Shops = ["s1", "s2", "s 3", "", " s1"];
    private static readonly string[] Ats = ["2026-11-20T10:00:00+08:00", "2026-11-20T10:00:00.123Z", "2026-11-20 02:00:00Z", "2026-11-20T10:00:00", "yesterday",
        "2126-11-20T10:00:00Z", "2026-02-30T10:00:00Z", "2026-11-20T10:00Z", " 2026-11-20T10:00:00Z", "2026-11-20T10:00:00,5-03:30"];
    private static readonly string[] Conversations = ["c1", "c2", "", " c1", "c,3"];
    private static readonly string[] Senders = ["customer", "agent", "bot", "system", "robot", "", "Customer"];
    private static readonly string[] Agents = ["", "a1", "a2", " a1"];
    private static readonly string[] Kinds = ["", "text", "auto", "welcome", "assist", "video"];
    private static readonly string[] Stars = ["", "", "3", "5", "0", "6", "4.0", "x", " 2"];
    private static readonly string[] Satisfactions = ["", "", "satisfied", "dissatisfied", "happy"];
    private static readonly string[] Reasons = ["", "slow", " slow "];
    private static readonly string[] Statuses = ["", "online", "busy"];
    private static readonly string[] Actions = ["", "opened", "closed", "moved"];

    private static string Quote(string v) => v.Contains(',') || v.Contains('"') ? "\"" + v.Replace("\"", "\"\"") + "\"" : v;

    [Property(MaxTest = 60)]
    public bool Rows_are_the_events_and_rejections_of_the_string_path_on_random_lines(int seed, bool crlf)
    {
        var random = new System.Random(seed);
        string Pick(string[] options) => options[random.Next(options.Length)];
        var text = new StringBuilder("type,id,shop,at,conversation,sender,agent,kind,stars,satisfaction,reason,status,action,text");
        for (var i = 0; i < 40; i++)
        {
            text.Append(crlf ? "\r\n" : "\n");
            var cells = new[] { Pick(Types), Pick(Ids), Pick(Shops), Pick(Ats), Pick(Conversations), Pick(Senders), Pick(Agents), Pick(Kinds),
                Pick(Stars), Pick(Satisfactions), Pick(Reasons), Pick(Statuses), Pick(Actions), random.Next(4) == 0 ? "a\nb" : "hi" };
            text.Append(string.Join(',', cells.Select(Quote)));
        }
        var path = Path.Combine(_dir.Path, $"r{seed}-{crlf}.csv");
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(seed % 2 == 0));
        var (events, rejected) = Reads.File(path);
        var (rows, rowRejected) = ReadRows(path);
        return rows.SequenceEqual(events.Select(Flat.Of)) && rowRejected.SequenceEqual(rejected);
    }

    [Property(MaxTest = 25)]
    public bool The_report_on_rows_equals_the_report_on_events_for_block_shuffled_split_files(int seed, bool twoThreads)
    {
        var events = RandomChats.ShuffleWithinBlocks(RandomChats.Generate(seed, conversations: 60), TimeSpan.FromMinutes(10), seed);
        var half = events.Count / 2;
        var files = new[] { events.Take(half), events.Skip(half) }.Select((part, i) =>
        {
            var path = Path.Combine(_dir.Path, $"p{seed}-{i}.csv");
            using var stream = File.Create(path);
            CsvEventWriter.Write(stream, part);
            return path;
        }).ToList();
        var rows = ReportRunner.Run(Douyin, files, mapping: null, threads: twoThreads ? 2 : 1);
        var reference = ReportRunner.Run(Douyin, () => events.Select(ReadItem.Of));
        return rows.Rollup.SameAs(reference.Rollup) && rows.Read == reference.Read && rows.Duplicates == reference.Duplicates;
    }
}
