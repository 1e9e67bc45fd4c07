using System.Text;
using KefuScore.App.Reading;
using KefuScore.Engine.Events;

namespace KefuScore.App.Tests.Reading;

/// <summary>A temporary folder per test class, removed afterwards, plus helpers to read a file into lists.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kefu-read-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string WriteText(string name, string text, bool bom = false)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, text, new UTF8Encoding(bom));
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* best effort: a leftover temp folder is harmless */ }
    }
}

internal static class Reads
{
    public static (List<ChatEvent> Events, List<RejectedLine> Rejected) All(IEnumerable<ReadItem> items)
    {
        var events = new List<ChatEvent>();
        var rejected = new List<RejectedLine>();
        foreach (var item in items)
        {
            Assert.True(item.Event is null != (item.Rejected is null), "exactly one of Event and Rejected");
            if (item.Event is not null) events.Add(item.Event);
            else rejected.Add(item.Rejected!);
        }
        return (events, rejected);
    }

    public static (List<ChatEvent> Events, List<RejectedLine> Rejected) File(string path) => All(EventFiles.Read(path));

    /// <summary>
    /// A Parquet file through <see cref="ParquetSource"/>: with the page decoder where it takes a group, or (<paramref name="pages"/>
    /// false) through Parquet.Net alone, the reading before the decoder and the reference it is held to; how many groups the decoder read.
    /// </summary>
    public static (List<ChatEvent> Events, List<RejectedLine> Rejected, int Decoded) ThroughSource(string path, bool pages)
    {
        using var stream = EventFiles.Open(path);
        using var source = new ParquetSource(stream, path, CancellationToken.None, pages);
        var items = new List<ReadItem>();
        while (source.Next(out var item)) items.Add(item);
        var (events, rejected) = All(items);
        return (events, rejected, source.DecodedGroups);
    }

    /// <summary>A Parquet file read through Parquet.Net alone (<see cref="ThroughSource"/> without the decoder).</summary>
    public static (List<ChatEvent> Events, List<RejectedLine> Rejected) ParquetNet(string path)
    {
        var (events, rejected, _) = ThroughSource(path, pages: false);
        return (events, rejected);
    }

    /// <summary>Every property of each event, for comparing two readings whole.</summary>
    public static List<string> Whole(IEnumerable<ChatEvent> events) => [.. events.Select(e => System.Text.Json.JsonSerializer.Serialize(e))];

    public static RejectedLine Line(this List<RejectedLine> rejected, long line) =>
        Assert.Single(rejected, r => r.Line == line);

    public static DateTimeOffset Time(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);
}
