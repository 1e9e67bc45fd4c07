using KefuScore.App.Reading;
using KefuScore.Engine.Events;
using MiniExcelLibs;

namespace KefuScore.App.Tests.Reading;

public sealed class XlsxReaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Dictionary<string, object?> Row(string? type, object? id, object? at, string? sender = "customer", object? stars = null, object? extra = null) => new()
    {
        ["type"] = type, ["id"] = id, ["shop"] = "s1", ["at"] = at, ["conversation"] = "c1",
        ["sender"] = sender, ["stars"] = stars, ["Note"] = extra,
    };

    [Fact]
    public void Reads_rows_and_rejects_bad_ones_with_the_sheet_row_number()
    {
        var path = _dir.File("a.xlsx");
        MiniExcel.SaveAs(path, new List<Dictionary<string, object?>>
        {
            Row("message", "m1", "2026-11-20T10:00:00+08:00", extra: 12.5), // row 2
            Row("message", 1234567890123L, "2026-11-20T02:00:00.125Z"), // row 3: numeric id
            Row("message", "m3", new DateTime(2026, 11, 20, 10, 0, 0)), // row 4: Excel date
            Row("rating", "r1", "2026-11-19T21:00:00-05:00", sender: null, stars: 0), // row 5
            Row("rating", "r2", "2026-11-19T21:00:00-05:00", sender: null, stars: 6), // row 6
            Row("rating", "r3", "2026-11-19T21:00:00-05:00", sender: null, stars: 4), // row 7
            Row("message", "m4", "2026-11-20T10:00:00", sender: "customer"), // row 8: no offset
            Row("message", "m5", "2026-11-20T10:00:00Z", sender: "robot"), // row 9
            Row("note", "m6", "2026-11-20T10:00:00Z"), // row 10
            Row(null, "m7", "2026-11-20T10:00:00Z"), // row 11
            Row("message", null, "2026-11-20T10:00:00Z"), // row 12
        });
        var (events, rejected) = Reads.File(path);

        Assert.Equal(["m1", "1234567890123", "r3"], events.Select(e => e.Id));
        Assert.Equal(Reads.Time("2026-11-20T02:00:00Z"), events[0].At);
        Assert.Equal(TimeSpan.FromHours(8), events[0].At.Offset);
        Assert.Equal(Reads.Time("2026-11-20T02:00:00.125Z"), events[1].At);
        Assert.Equal(4, events[2].Stars);
        Assert.Equal(TimeSpan.FromHours(-5), events[2].At.Offset);

        Assert.Equal([4L, 5, 6, 8, 9, 10, 11, 12], rejected.Select(r => r.Line));
        Assert.Equal(["at", "stars", "stars", "at", "sender", "type", "type", "id"], rejected.Select(r => r.Field));
        Assert.Equal("Excel date without a time zone offset; write the time as text like 2026-11-20T10:00:00+08:00", rejected.Line(4).Reason);
        Assert.All(rejected, r => Assert.Equal(path, r.File));
    }

    [Fact]
    public void Reads_from_a_stream_that_cannot_seek()
    {
        using var buffer = new MemoryStream();
        MiniExcel.SaveAs(buffer, new[] { Row("message", "m1", "2026-11-20T10:00:00Z") });
        using var pipe = new ForwardOnlyStream(buffer.ToArray());
        var (events, rejected) = Reads.All(EventFiles.Read(pipe, EventFileFormat.Xlsx, "upload.xlsx"));

        Assert.Empty(rejected);
        Assert.Equal(Sender.Customer, Assert.Single(events).Sender);
    }

    [Fact]
    public void A_file_that_is_not_a_workbook_throws_with_its_name()
    {
        var path = _dir.WriteText("fake.xlsx", "type,id\nmessage,m1\n");
        var e = Assert.Throws<InputFileException>(() => EventFiles.Read(path).ToList());
        Assert.Equal(path, e.File);
        Assert.Contains("xlsx", e.Message, StringComparison.Ordinal);
    }
}

/// <summary>A stream like an HTTP body: readable once, no length, no seeking.</summary>
internal sealed class ForwardOnlyStream(byte[] data) : Stream
{
    private readonly MemoryStream _inner = new(data);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }
}
