using System.Text;
using KefuScore.App.Reading;
using KefuScore.Engine.Events;

namespace KefuScore.App.Tests.Reading;

public sealed class CsvReaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Reads_valid_events_with_quoting_empty_cells_and_unknown_columns()
    {
        var path = _dir.WriteText("a.csv", """"
            type,id,shop,at,conversation,sender,agent,text,stars,satisfaction,note
            message,m1,s1,2026-11-20T10:00:00+08:00,c1,customer,,"在吗, 亲?",,,whatever
            message,m2,s1,2026-11-20T02:02:30.5Z,c1,agent,a1,"he said ""hi""",,,
            rating,r1,s1,2026-11-19T21:09:00-05:00,c1,,a1,,3,,
            rating,r2,s1,2026-11-19T21:09:00-05:00,c1,,a1,,,dissatisfied,

            """", bom: true);
        var (events, rejected) = Reads.File(path);

        Assert.Empty(rejected);
        Assert.Equal(["m1", "m2", "r1", "r2"], events.Select(e => e.Id));
        Assert.Equal("在吗, 亲?", events[0].Text);
        Assert.Null(events[0].Agent);
        Assert.Equal(TimeSpan.FromHours(8), events[0].At.Offset);
        Assert.Equal("he said \"hi\"", events[1].Text);
        Assert.Equal(Reads.Time("2026-11-20T02:02:30.5Z"), events[1].At);
        Assert.Equal(3, events[2].Stars);
        Assert.Equal(Reads.Time("2026-11-20T02:09:00Z"), events[2].At);
        Assert.Equal(TimeSpan.FromHours(-5), events[2].At.Offset);
        Assert.Equal(Satisfaction.Dissatisfied, events[3].Satisfaction);
    }

    [Fact]
    public void Rejects_bad_rows_with_their_physical_line_even_after_quoted_newlines()
    {
        var path = _dir.WriteText("bad.csv",
            "type,id,shop,at,conversation,sender,stars,text\r\n"
            + "message,m1,s,2026-11-20T10:00:00Z,c,customer,,\"line one\r\nline two\nline three\"\r\n" // lines 2–4
            + "message,m2,s,2026-11-20T10:00:00,c,customer,,\r\n" // 5: no offset
            + "\r\n" // 6: blank
            + "message,m3,s,yesterday,c,customer,,\r\n" // 7
            + "chat,m4,s,2026-11-20T10:00:00Z,c,customer,,\r\n" // 8
            + "message,m5,s,2026-11-20T10:00:00Z,c,robot,,\"a\nb\"\r\n" // 9–10
            + "rating,r1,s,2026-11-20T10:00:00Z,c,,0,\r\n" // 11
            + "rating,r2,s,2026-11-20T10:00:00Z,c,,6,\r\n" // 12
            + ",m6,s,2026-11-20T10:00:00Z,c,customer,,\r\n" // 13
            + "message,m7,s,2026-11-20T10:00:00Z,c\r\n" // 14: short row, no sender
            + "message,m8,s,2026-11-20T10:00:00Z,c,bot,,\"\"\"quoted\"\"\r\nnewline\"\r\n" // 15–16
            + "message,m9,s,2026-11-20T10:00:00Z,c,bot,,tail"); // 17, no final newline
        var (events, rejected) = Reads.File(path);

        Assert.Equal(["m1", "m8", "m9"], events.Select(e => e.Id));
        Assert.Equal("line one\r\nline two\nline three", events[0].Text);
        Assert.Equal("\"quoted\"\r\nnewline", events[1].Text);
        Assert.Equal([5L, 7, 8, 9, 11, 12, 13, 14], rejected.Select(r => r.Line));
        Assert.Equal(["at", "at", "type", "sender", "stars", "stars", "type", "sender"], rejected.Select(r => r.Field));
        Assert.Equal("6 is outside 1–5", rejected.Line(12).Reason);
        Assert.Equal("is required", rejected.Line(13).Reason);
        Assert.All(rejected, r => Assert.Equal(path, r.File));
    }

    [Fact]
    public void A_header_without_type_still_reads_and_rejects_every_row()
    {
        var path = _dir.WriteText("notype.csv", "id,shop,at\nm1,s,2026-11-20T10:00:00Z\nm2,s,2026-11-20T10:00:00Z\n");
        var (events, rejected) = Reads.File(path);

        Assert.Empty(events);
        Assert.Equal([2L, 3], rejected.Select(r => r.Line));
        Assert.All(rejected, r => Assert.Equal(("type", "is required"), (r.Field, r.Reason)));
    }

    [Fact]
    public void Header_names_are_trimmed_and_case_insensitive_and_a_lone_cr_ends_a_line()
    {
        var csv = " Type ,ID,Shop,At,Order,Action\rshipment,x1,s,2026-11-20T10:00:00Z,o,paid\rshipment,x2,s,2026-11-20T10:00:00Z,o,sent\r";
        var (events, rejected) = Reads.All(EventFiles.Read(new MemoryStream(Encoding.UTF8.GetBytes(csv)), EventFileFormat.Csv, "cr.csv"));

        Assert.Equal("x1", Assert.Single(events).Id);
        Assert.Equal(("cr.csv", 3L, "action"), (Assert.Single(rejected).File, rejected[0].Line, rejected[0].Field));
    }

    [Fact]
    public void Repeated_values_share_one_string_instance()
    {
        var csv = new StringBuilder("type,id,shop,at,conversation,sender\n");
        for (var i = 0; i < 3; i++) csv.Append($"message,m{i},shop-1,2026-11-20T10:00:00Z,c-1,customer\n");
        var (events, _) = Reads.All(EventFiles.Read(new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())), EventFileFormat.Csv, "p"));

        Assert.Same(events[0].Shop, events[2].Shop);
        Assert.Same(events[0].Conversation, events[1].Conversation);
    }
}
