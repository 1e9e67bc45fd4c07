using KefuScore.App.Reading;
using System.Text.Json;
using KefuScore.App.Storage;
using KefuScore.App.Tests.Reading;
using KefuScore.App.Writing;
using KefuScore.Engine.Simulation;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Tests.Cli;

public sealed class ImportCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    private const string Lines = """
        {"type":"message","id":"m1","shop":"s1","conversation":"c1","customer":"u1","sender":"customer","at":"2026-11-20T10:00:00+08:00","text":"在吗?"}
        {"type":"message","id":"m2","shop":"s1","conversation":"c1","sender":"agent","agent":"a1","at":"2026-11-20T10:02:30+08:00","text":"您好,在的"}
        {"type":"rating","id":"r1","shop":"s1","conversation":"c1","agent":"a1","at":"2026-11-20T10:09:00+08:00","stars":9}
        {"type":"rating","id":"r2","shop":"s1","conversation":"c1","agent":"a1","at":"2026-11-20T10:09:00+08:00","stars":5}
        """;

    [Fact]
    public void Importing_the_same_file_twice_adds_nothing_and_rejects_go_beside_the_input()
    {
        var file = _dir.WriteText("day.jsonl", Lines + "\n");
        var data = _dir.File("data");

        var (exit, stdout, stderr) = KefuCli.Run("import", file, "--data", data);

        Assert.Equal(1, exit);
        var summary = JsonDocument.Parse(stdout).RootElement.GetProperty("files")[0];
        Assert.Equal(3, summary.GetProperty("accepted").GetInt64());
        Assert.Equal(1, summary.GetProperty("rejected").GetInt64());
        Assert.Contains($"rejected {file}:3 stars", stderr);
        var rejects = File.ReadAllLines(file + ".rejects.csv");
        Assert.Equal("file,line,field,reason", rejects[0]);
        Assert.StartsWith($"{file},3,stars,", rejects[1]);
        Assert.Equal(2, rejects.Length);

        var (exit2, stdout2, _) = KefuCli.Run("import", file, "--data", data);

        Assert.Equal(1, exit2);
        var again = JsonDocument.Parse(stdout2).RootElement.GetProperty("files")[0];
        Assert.Equal(0, again.GetProperty("accepted").GetInt64());
        Assert.Equal(3, again.GetProperty("duplicates").GetInt64());
        using var db = new KefuDb(KefuStorage.Options(new StorageLocation(data)));
        Assert.Equal(3, db.Events.Count());
        Assert.True(db.Facts.Any(f => f.Shop == "s1" && f.Metric == "reply_rate_3min"));
    }

    [Fact]
    public void A_clean_file_exits_0_and_leaves_no_rejects_file()
    {
        var file = _dir.WriteText("clean.jsonl", string.Join("\n", Lines.Split('\n').Where(l => !l.Contains("\"r1\""))) + "\n");
        var (exit, _, stderr) = KefuCli.Run("import", file, "--data", _dir.File("data"));
        Assert.True(exit == 0, stderr);
        Assert.False(File.Exists(file + ".rejects.csv"));
    }

    [Fact]
    public void A_missing_file_or_unknown_profile_is_a_usage_error()
    {
        Assert.Equal(2, KefuCli.Run("import", _dir.File("nope.jsonl"), "--data", _dir.File("data")).Exit);
        var file = _dir.WriteText("x.jsonl", Lines);
        Assert.Equal(2, KefuCli.Run("import", file, "--data", _dir.File("data"), "--profile", "nope").Exit);
    }

    [Fact]
    public async Task A_file_interrupted_half_way_stores_nothing()
    {
        var file = _dir.File("big.jsonl");
        var written = EventWriter.Write(file, Simulator.Generate(new SimulationOptions { Shops = 2, Days = 3, Seed = 2 }));
        Assert.True(written > 5000, "more than one batch");
        var options = KefuStorage.Options(new StorageLocation(_dir.File("data")));
        await KefuStorage.InitialiseAsync(options);
        using var store = new EventStore(options);
        using var cancel = new CancellationTokenSource();

        // The first batch is appended, then the import is stopped: the transaction must roll back whole.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            FileImport.Import(store, file, new Progress(cancel), cancel.Token));

        await using var db = new KefuDb(options);
        Assert.Equal(0, await db.Events.CountAsync());
        Assert.Equal(0, await db.Facts.CountAsync());

        var result = await FileImport.Import(store, file);
        Assert.Equal(written, result.Accepted);
        Assert.Equal(written, await db.Events.CountAsync());
    }

    private sealed class Progress(CancellationTokenSource cancel) : IProgress<double>
    {
        public void Report(double value) => cancel.Cancel();
    }

    [Fact]
    public void An_export_in_another_layout_imports_through_a_mapping_file()
    {
        var export = _dir.WriteText("export.csv", """
            消息ID,会话ID,时间,角色,昵称,内容
            1,c1,2026/11/20 10:00:00,买家,u1,在吗?
            2,c1,2026/11/20 10:02:30,客服,a1,"您好,在的"
            3,c1,昨天,买家,u1,?
            """);
        var map = _dir.WriteText("map.yaml", """
            format: csv
            fields:
              type: message
              id: { column: 消息ID }
              shop: { value: 旗舰店 }
              conversation: { column: 会话ID }
              at: { column: 时间, format: "yyyy/MM/dd HH:mm:ss", offset: "+08:00" }
              sender: { column: 角色, values: { 买家: customer, 客服: agent } }
              agent: { column: 昵称, when_sender: agent }
              customer: { column: 昵称, when_sender: customer }
              text: { column: 内容 }
            """);
        var data = _dir.File("mapped-data");
        var (exit, stdout, stderr) = KefuCli.Run("import", export, "--map", map, "--data", data);
        Assert.Equal(1, exit);
        var summary = JsonDocument.Parse(stdout).RootElement.GetProperty("files")[0];
        Assert.Equal(2, summary.GetProperty("accepted").GetInt64());
        Assert.Equal(1, summary.GetProperty("rejected").GetInt64());
        Assert.Contains($"rejected {export}:4 at", stderr);
        Assert.Equal(2, KefuCli.Run("import", export, "--map", _dir.File("missing.yaml"), "--data", data).Exit);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
