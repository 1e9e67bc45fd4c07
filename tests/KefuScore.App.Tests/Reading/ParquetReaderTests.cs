using KefuScore.App.Reading;
using KefuScore.Engine.Events;
using Parquet;
using Parquet.Schema;

namespace KefuScore.App.Tests.Reading;

public sealed class ParquetReaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly DataField<string> Type = new("type"), Id = new("id"), Shop = new("shop"), Conv = new("conversation"), Sender = new("sender");
    private static readonly DataField<int?> Stars = new("stars");
    private static readonly DataField<long?> Capacity = new("capacity");
    private static readonly DataField<double?> Other = new("score");

    private static async Task Write(string path, DataField at, params (string?[] Types, object Ats, int?[] Stars)[] groups)
    {
        var schema = new ParquetSchema(Type, Id, Shop, at, Conv, Sender, Stars, Capacity, Other);
        await using var file = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, file);
        var n = 0;
        foreach (var (types, ats, stars) in groups)
        {
            using var g = writer.CreateRowGroup();
            var rows = types.Length;
            await g.WriteAsync(Type, types);
            await g.WriteAsync(Id, Enumerable.Range(n, rows).Select(i => (string?)$"e{i + 1}").ToArray());
            await g.WriteAsync(Shop, Enumerable.Repeat<string?>("s1", rows).ToArray());
            if (ats is string?[] texts) await g.WriteAsync((DataField<string>)at, texts);
            else await g.WriteAsync<DateTime>(at, (DateTime?[])ats);
            await g.WriteAsync(Conv, Enumerable.Repeat<string?>("c1", rows).ToArray());
            await g.WriteAsync(Sender, types.Select(t => t == "message" ? "customer" : null).ToArray());
            await g.WriteAsync<int>(Stars, stars);
            await g.WriteAsync<long>(Capacity, new long?[rows]);
            await g.WriteAsync<double>(Other, Enumerable.Repeat<double?>(1.5, rows).ToArray());
            n += rows;
        }
    }

    private static string?[] Texts(params string?[] texts) => texts;

    [Fact]
    public async Task Reads_text_times_and_int_stars_over_row_groups_with_row_numbers()
    {
        var path = _dir.File("a.parquet");
        await Write(path, new DataField<string>("at"),
            (["message", "rating", "rating"], Texts("2026-11-20T10:00:00+08:00", "2026-11-20T02:00:00.5Z", "2026-11-20T02:00:00Z"), [null, 5, 0]),
            (["message", null, "rating"], Texts("2026-11-20T10:00:00", "2026-11-20T02:00:00Z", "2026-11-19T21:00:00-05:00"), [null, null, 6]),
            (["rating"], Texts("2026-11-19T21:00:00.25-05:00"), [2]));
        var (events, rejected) = Reads.File(path);

        Assert.Equal(["e1", "e2", "e7"], events.Select(e => e.Id));
        Assert.Equal(TimeSpan.FromHours(8), events[0].At.Offset);
        Assert.Equal(Reads.Time("2026-11-20T02:00:00.5Z"), events[1].At);
        Assert.Equal(5, events[1].Stars);
        Assert.Equal(Reads.Time("2026-11-20T02:00:00.25Z"), events[2].At);
        Assert.Equal([3L, 4, 5, 6], rejected.Select(r => r.Line));
        Assert.Equal(["stars", "at", "type", "stars"], rejected.Select(r => r.Field));
    }

    [Fact]
    public async Task A_utc_timestamp_column_is_read_as_an_instant_with_z()
    {
        var path = _dir.File("ts.parquet");
        var at = new DateTimeDataField("at", DateTimeFormat.Timestamp, isAdjustedToUTC: true, isNullable: true);
        var t = new DateTime(2026, 11, 20, 2, 0, 0, DateTimeKind.Utc).AddMilliseconds(250);
        await Write(path, at, (["message", "message"], new DateTime?[] { t, null }, [null, null]));
        var (events, rejected) = Reads.File(path);

        Assert.Equal(new DateTimeOffset(t), Assert.Single(events).At);
        Assert.Equal(TimeSpan.Zero, events[0].At.Offset);
        Assert.Equal(("at", "is required", 2L), (Assert.Single(rejected).Field, rejected[0].Reason, rejected[0].Line));
    }

    [Fact]
    public async Task A_timestamp_without_time_zone_is_rejected_not_guessed()
    {
        var path = _dir.File("naive.parquet");
        var at = new DateTimeDataField("at", DateTimeFormat.Timestamp, isAdjustedToUTC: false, isNullable: true);
        await Write(path, at, (["message"], new DateTime?[] { new DateTime(2026, 11, 20, 10, 0, 0) }, [null]));
        var (events, rejected) = Reads.File(path);

        Assert.Empty(events);
        Assert.Equal(("at", Engine.Text.Codes.ParquetNaive), (Assert.Single(rejected).Field, rejected[0].Text.Code));
    }

    [Fact]
    public void A_file_that_is_not_parquet_throws_with_its_name()
    {
        var path = _dir.WriteText("fake.parquet", "this is not parquet at all, just text\n");
        var e = Assert.Throws<InputFileException>(() => EventFiles.Read(path).ToList());
        Assert.Equal(path, e.File);
        Assert.Contains("Parquet", e.Message, StringComparison.Ordinal);
    }
}
