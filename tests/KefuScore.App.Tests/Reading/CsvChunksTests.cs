using System.Text;
using FsCheck.Xunit;
using KefuScore.App.Reading;
using KefuScore.Engine.Events;

namespace KefuScore.App.Tests.Reading;

/// <summary>CSV read in chunks on several threads (the report's path) against the string path, line for line.</summary>
public sealed class CsvChunksTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Line(int i, string shop = "s1", string at = "2026-11-20T10:00:00+08:00") => $"message,m{i},{shop},{at},c{i % 3},customer,,text,你好";

    [Fact]
    public void A_quoted_line_break_in_a_later_chunk_is_read_sequentially_from_there_with_exact_line_numbers()
    {
        var text = new StringBuilder("type,id,shop,at,conversation,sender,agent,kind,text\n");
        for (var i = 0; i < 20; i++) text.Append(Line(i)).Append('\n'); // lines 2–21
        text.Append("message,q1,s1,2026-11-20T10:05:00+08:00,c1,customer,,text,\"two\nlines\"\n"); // lines 22–23
        text.Append("message,bad,s1,2026-11-20 10:06,c1,customer,,text,x\n"); // line 24: no offset
        for (var i = 20; i < 30; i++) text.Append(Line(i)).Append('\n'); // lines 25–34
        text.Append("message,bad2,s1,yesterday,c1,customer,,text,x\n"); // line 35
        var path = _dir.WriteText("q.csv", text.ToString());

        var (parts, rejected) = ChunkRows.Read([path], parts: 1, chunkBytes: 200);

        Assert.Equal([(path, 24L, "at"), (path, 35L, "at")], rejected.Select(r => (r.File, r.Line, r.Field)));
        Assert.Equal(31, parts[0].Count);
        Assert.Equal(Reads.File(path).Events.Select(Flat.Of), parts[0]);
        Assert.Equal(Reads.File(path).Rejected, rejected);
    }

    [Fact]
    public void A_shop_goes_to_one_worker_whichever_chunk_or_parser_reads_it()
    {
        var text = new StringBuilder("type,id,shop,at,conversation,sender\n");
        for (var i = 0; i < 400; i++) text.Append($"message,m{i},shop{i % 7},2026-11-20T10:00:00Z,c{i},customer\n");
        var path = _dir.WriteText("shops.csv", text.ToString());

        var (parts, rejected) = ChunkRows.Read([path], parts: 3, chunkBytes: 300);

        Assert.Empty(rejected);
        Assert.Equal(400, parts.Sum(p => p.Count));
        var owners = parts.SelectMany((p, w) => p.Select(r => (r.Shop, w))).Distinct().GroupBy(x => x.Shop);
        Assert.All(owners, g => Assert.Single(g));
        Assert.All(owners, g => Assert.Equal(RunNames.PartOf(g.Key, 3), g.Single().w));
    }

    private static readonly string[] Types = ["message", "message", "message", "rating", "session", "agent_status", "chat", ""];
    private static readonly string[] Ids = ["m1", "m2", "x\"y", " m3", "", "m1", "订单1"];
    private static readonly string[] Shops = ["s1", "s2", "s 3", "", " s1", "店铺"];
    private static readonly string[] Ats = ["2026-11-20T10:00:00+08:00", "2026-11-20T10:00:00.123Z", "2026-11-20 02:00:00Z", "yesterday",
        "2126-11-20T10:00:00Z", "2026-11-20T10:00:00,5-03:30", "２０２６-11-20T10:00:00Z"];
    private static readonly string[] Conversations = ["c1", "c2", "", " c1", "c,3"];
    private static readonly string[] Senders = ["customer", "agent", "bot", "robot", ""];
    private static readonly string[] Agents = ["", "a1", "a2", " a1", "客服1"];
    private static readonly string[] Kinds = ["", "text", "auto", "video"];
    private static readonly string[] Stars = ["", "", "3", "0", "x"];
    private static readonly string[] Satisfactions = ["", "", "satisfied", "happy"];
    private static readonly string[] Reasons = ["", "slow", " slow "];

    private static string Quote(string v) => v.Contains(',') || v.Contains('"') || v.Contains('\n') ? "\"" + v.Replace("\"", "\"\"") + "\"" : v;

    [Property(MaxTest = 80)]
    public bool Chunks_give_the_events_and_rejections_of_the_string_path(int seed, bool crlf, bool quotes, byte chunkSeed)
    {
        var random = new Random(seed);
        string Pick(string[] options) => options[random.Next(options.Length)];
        var newline = crlf ? "\r\n" : "\n";
        var text = new StringBuilder("type,id,shop,at,conversation,sender,agent,kind,stars,satisfaction,reason,text");
        for (var i = 0; i < 60; i++)
        {
            text.Append(newline);
            if (random.Next(15) == 0) continue; // a blank line
            var cells = new[] { Pick(Types), Pick(Ids), Pick(Shops), Pick(Ats), Pick(Conversations), Pick(Senders), Pick(Agents), Pick(Kinds),
                Pick(Stars), Pick(Satisfactions), Pick(Reasons), quotes && random.Next(30) == 0 ? "a\nb" : "好的" };
            // Without quotes allowed, values needing them are left out (the line then has other cells, which is fine too).
            text.Append(string.Join(',', cells.Select(c => quotes ? Quote(c) : c.Replace("\"", "").Replace(",", ""))));
            if (random.Next(20) == 0) text.Append(",extra");
        }
        if (random.Next(2) == 0) text.Append(newline);
        var path = Path.Combine(_dir.Path, $"c{seed}-{crlf}-{quotes}.csv");
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(seed % 2 == 0));
        var (events, rejected) = Reads.File(path);
        var (parts, chunkRejected) = ChunkRows.Read([path, path], parts: 1, chunkBytes: 64 + chunkSeed * 8);
        return parts[0].SequenceEqual(events.Select(Flat.Of).Concat(events.Select(Flat.Of))) && chunkRejected.SequenceEqual(rejected.Concat(rejected));
    }

    /// <summary>
    /// The chunk parser finds commas and line breaks 32 bytes at a time: cells of every length put them on both sides
    /// of a block's edge and in a chunk's last bytes, on lines short of the header's columns, past them, blank or
    /// ending in CRLF, and every line reads as the string path reads it (events, rejections with their line numbers).
    /// </summary>
    [Property(MaxTest = 60)]
    public bool Separators_either_side_of_a_32_byte_block_edge_split_as_the_string_path_does(int seed, bool crlf, byte chunkSeed)
    {
        var random = new Random(seed);
        string Run(char c, int most) => new(c, random.Next(most + 1));
        var newline = crlf ? "\r\n" : "\n";
        var text = new StringBuilder("type,id,shop,at,conversation,sender,kind,text");
        for (var i = 0; i < 80; i++)
        {
            text.Append(newline);
            if (random.Next(12) == 0) continue; // a blank line
            var cells = new List<string> { "message", "m" + Run('7', 40), "s" + Run('x', 33), "2026-11-20T10:00:00+08:00", "c" + Run('1', 40),
                "customer", "text", Run('z', 70) };
            var keep = random.Next(8) switch { 0 => random.Next(1, cells.Count), 1 => cells.Count + 1 + random.Next(3), _ => cells.Count };
            while (cells.Count < keep) cells.Add(Run('e', 33));
            text.Append(string.Join(',', cells.Take(keep)));
        }
        if (random.Next(2) == 0) text.Append(newline);
        var path = Path.Combine(_dir.Path, $"edge{seed}-{crlf}.csv");
        File.WriteAllText(path, text.ToString());
        var (events, rejected) = Reads.File(path);
        var (parts, chunkRejected) = ChunkRows.Read([path], parts: 1, chunkBytes: 64 + chunkSeed * 8);
        return events.Count > 0 && parts[0].SequenceEqual(events.Select(Flat.Of)) && chunkRejected.SequenceEqual(rejected);
    }
}
