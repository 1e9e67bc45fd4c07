using System.Text;
using KefuScore.App.Storage;
using KefuScore.App.Tests.Reading;
using KefuScore.App.Tests.Storage;

namespace KefuScore.App.Tests.Security;

/// <summary>A file of many bad lines (an upload of 512 MiB could hold millions) keeps 1,000 in memory; the rejects file lists them all.</summary>
public sealed class ImportRejectsTests : IDisposable
{
    private readonly TempDir _dir = new();

    [SkippableFact]
    public async Task Rejected_lines_past_1000_are_counted_and_written_but_not_held()
    {
        var text = new StringBuilder();
        text.Append("""{"type":"message","id":"ok","shop":"s1","at":"2026-11-20T10:00:00+08:00","conversation":"c1","sender":"customer"}""").Append('\n');
        for (var i = 0; i < 1_500; i++) text.Append("{}\n");
        var path = _dir.WriteText("bad.jsonl", text.ToString());
        await using var db = await TestDatabase.Create("sqlite");

        var result = await FileImport.Import(db.Store, path);

        Assert.Equal(1, result.Accepted);
        Assert.Equal(1_500, result.RejectedCount);
        Assert.Equal(FileImport.MaxKept, result.Rejected.Count);
        Assert.Equal(path + ".rejects.csv", result.RejectsFile);
        Assert.Equal(1_501, File.ReadAllLines(result.RejectsFile!).Length);
        Assert.False(File.Exists(path + ".rejects.csv.tmp"));
    }

    public void Dispose() => _dir.Dispose();
}
