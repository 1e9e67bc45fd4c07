using System.Text;
using KefuScore.App.Reading;
using KefuScore.App.Reading.Mapping;
using KefuScore.Engine.Events;

namespace KefuScore.App.Tests.Reading.Mapping;

public sealed class MappedSourceTests : IDisposable
{
    /// <summary>A shop's own export: Chinese roles, local times without offset, one conversation column.</summary>
    private const string ShopExport = """
        csv: { delimiter: ";" }
        fields:
          type: message
          id: { column: 消息ID }
          shop: { value: s1 }
          conversation: { column: 会话 }
          at: { column: 时间, format: ["yyyy-MM-dd HH:mm:ss", "yyyy/M/d H:mm"], offset: "+08:00" }
          sender: { column: 角色, values: { 买家: customer, 客服: agent, 机器人: bot } }
          agent: { column: 昵称, when_sender: [agent, bot] }
          customer: { column: 昵称, when_sender: customer }
          text: { column: 内容 }
        """;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (List<ChatEvent> Events, List<RejectedLine> Rejected) Read(string csv, string yaml, string name = "in.csv") =>
        Reads.All(EventFiles.Read(_dir.WriteText(name, csv), ImportMapping.Parse(yaml, "m.yaml")));

    [Fact]
    public void Maps_constants_value_maps_time_formats_and_when_sender()
    {
        var (events, rejected) = Read("""
            消息ID;会话;时间;角色;昵称;内容
            1;c1;2026-11-20 10:00:00;买家;tb_小王;在吗?
            2;c1;2026/11/20 10:02;客服;店小二;"您好; 在的"
            3;c1;2026-11-20 10:03:00;机器人;智能助手;
            """, ShopExport);

        Assert.Empty(rejected);
        Assert.Equal(["1", "2", "3"], events.Select(e => e.Id));
        Assert.All(events, e => Assert.Equal(("s1", "c1"), (e.Shop, e.Conversation)));
        Assert.Equal((Sender.Customer, "tb_小王", (string?)null), (events[0].Sender, events[0].Customer, events[0].Agent));
        Assert.Equal((Sender.Agent, (string?)null, "店小二"), (events[1].Sender, events[1].Customer, events[1].Agent));
        Assert.Equal((Sender.Bot, "智能助手"), (events[2].Sender, events[2].Agent));
        Assert.Equal(Reads.Time("2026-11-20T10:00:00+08:00"), events[0].At);
        Assert.Equal(TimeSpan.FromHours(8), events[1].At.Offset);
        Assert.Equal("您好; 在的", events[1].Text);
    }

    [Fact]
    public void Rejects_bad_rows_with_their_line_field_and_reason()
    {
        var (events, rejected) = Read(
            "消息ID;会话;时间;角色;昵称;内容\n"
            + "1;c1;2026-11-20 10:00:00;买家;u;\"two\nlines\"\n" // 2–3
            + "2;c1;20.11.2026;买家;u;x\n" // 4: time
            + "3;c1;2026-11-20 10:00:00;卖家;u;x\n" // 5: role not translated
            + "4;c1;2026-11-20 10:00:00;买家;u;x;extra\n" // 6: too many cells
            + "\n" // 7: blank
            + ";c1;2026-11-20 10:00:00;买家;u;x\n" // 8: no id
            + "6;;2026-11-20 10:00:00;买家;u;x\n", // 9: no conversation
            ShopExport);

        Assert.Equal("1", Assert.Single(events).Id);
        Assert.Equal([4L, 5, 6, 8, 9], rejected.Select(r => r.Line));
        Assert.Equal(["at", "sender", "", "id", "conversation"], rejected.Select(r => r.Field));
        Assert.Contains("'20.11.2026' in column '时间' (fields.at.column) does not match", rejected.Line(4).Reason, StringComparison.Ordinal);
        Assert.Contains("'卖家'", rejected.Line(5).Reason, StringComparison.Ordinal);
        Assert.Contains("has 7 cells where the header has 6", rejected.Line(6).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_column_the_file_lacks_fails_naming_the_mapping_path()
    {
        var path = _dir.WriteText("in.csv", "消息ID;会话;时间;角色;昵称\n1;c1;2026-11-20 10:00:00;买家;u\n");
        var e = Assert.Throws<InputFileException>(() => EventFiles.Read(path, ImportMapping.Parse(ShopExport, "m.yaml")).ToList());
        Assert.Contains("'内容' (fields.text.column)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_mapping_reads_the_native_format()
    {
        var path = _dir.WriteText("n.csv", "type,id,shop,at,conversation,sender\nmessage,m1,s,2026-11-20T10:00:00Z,c,customer\n");
        Assert.Equal("m1", Assert.Single(EventFiles.Read(path, mapping: null)).Event!.Id);
    }

    [Fact]
    public void Reads_an_export_without_header_by_position_in_gb18030()
    {
        const string yaml = """
            csv: { header: false, encoding: gb18030 }
            fields:
              type: message
              id: { column: 1 }
              shop: 旗舰店
              conversation: { column: 2 }
              at: { column: 3 }
              sender: customer
              text: { column: 4 }
            """;
        var path = _dir.File("gbk.csv");
        File.WriteAllBytes(path, CodePagesEncodingProvider.Instance.GetEncoding("gb18030")!.GetBytes("m1,c1,2026-11-20T10:00:00+08:00,在吗\n"));
        var (events, rejected) = Reads.All(EventFiles.Read(path, ImportMapping.Parse(yaml, "m.yaml")));

        Assert.Empty(rejected);
        Assert.Equal(("m1", "旗舰店", "在吗"), (events[0].Id, events[0].Shop, events[0].Text));
    }

    [Theory]
    [InlineData("h\na\rb\nc\r\nd\r", "h\na\uFFFFb\nc\r\nd\r")]
    [InlineData("h\r\nx\ry", "h\r\nx\uFFFFy")]
    [InlineData("h\rx\ry\r\n", "h\rx\ry\r\n")]
    [InlineData("a\uFFFF\n", "a\uFFFD\n")]
    public void Bare_carriage_returns_are_told_from_line_ends_even_one_character_at_a_time(string input, string expected)
    {
        using var reader = new LoneCrReader(new Trickle(input));
        Assert.Equal(expected, reader.ReadToEnd());
    }

    /// <summary>Hands out one character per call, so that every CR falls at the end of a chunk.</summary>
    private sealed class Trickle(string text) : StringReader(text)
    {
        public override int Read(char[] buffer, int index, int count) => base.Read(buffer, index, Math.Min(count, 1));
    }
}
