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

    public static RejectedLine Line(this List<RejectedLine> rejected, long line) =>
        Assert.Single(rejected, r => r.Line == line);

    public static DateTimeOffset Time(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);
}
