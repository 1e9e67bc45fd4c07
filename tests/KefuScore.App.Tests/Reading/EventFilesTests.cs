using System.Text;
using KefuScore.App.Reading;

namespace KefuScore.App.Tests.Reading;

public sealed class EventFilesTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("a.jsonl", EventFileFormat.JsonLines)]
    [InlineData("a.NDJSON", EventFileFormat.JsonLines)]
    [InlineData("dir/a.b.csv", EventFileFormat.Csv)]
    [InlineData("a.xlsx", EventFileFormat.Xlsx)]
    [InlineData("a.parquet", EventFileFormat.Parquet)]
    public void Chooses_the_format_by_extension(string path, EventFileFormat format) => Assert.Equal(format, EventFiles.FormatOf(path));

    [Fact]
    public void An_unknown_extension_throws_at_the_call_naming_the_file()
    {
        var e = Assert.Throws<InputFileException>(() => EventFiles.Read("events.txt"));
        Assert.Equal("events.txt", e.File);
        Assert.Contains("'.txt'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_throws_when_read()
    {
        var path = _dir.File("missing.csv");
        var items = EventFiles.Read(path);
        var e = Assert.Throws<InputFileException>(() => items.ToList());
        Assert.Equal((path, "file not found"), (e.File, e.Reason));
    }

    [Fact]
    public void Stops_when_cancelled()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 100; i++)
            text.Append($$"""{"type":"message","id":"m{{i}}","shop":"s","conversation":"c","sender":"bot","at":"2026-11-20T10:00:00Z"}""").Append('\n');
        using var cts = new CancellationTokenSource();
        var read = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var _ in EventFiles.Read(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())), EventFileFormat.JsonLines, "m", cts.Token))
                if (++read == 10) cts.Cancel();
        });
        Assert.Equal(10, read);
    }

    [Fact]
    public void An_empty_file_yields_nothing()
    {
        Assert.Empty(EventFiles.Read(_dir.WriteText("e.csv", "")));
        Assert.Empty(EventFiles.Read(_dir.WriteText("e.jsonl", "")));
        Assert.Empty(EventFiles.Read(_dir.WriteText("h.csv", "type,id,shop,at\n")));
    }
}
