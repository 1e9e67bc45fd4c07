using FsCheck.Xunit;
using KefuScore.App.Reading;
using KefuScore.Engine.Events;
using Parquet;
using Parquet.Schema;

namespace KefuScore.App.Tests.Reading;

/// <summary>Parquet read by row group into rows on the parser threads (the report's path) against the string path, row for row.</summary>
public sealed class ParquetRowsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly DataField<string> Type = new("type"), Id = new("id"), Shop = new("shop"), Conv = new("conversation"),
        Sender = new("sender"), Agent = new("agent"), Kind = new("kind"), Satisfaction = new("satisfaction"), Reason = new("reason");
    private static readonly DataField<int?> Stars = new("stars");

    /// <summary>Writes rows in groups of <paramref name="groupRows"/>; <c>at</c> is a UTC timestamp column or a text one.</summary>
    private static async Task Write(string path, bool timestamps, int groupRows, IReadOnlyList<(string? Type, string? Id, string? Shop, object? At,
        string? Conv, string? Sender, string? Agent, string? Kind, int? Stars, string? Satisfaction, string? Reason)> rows)
    {
        DataField at = timestamps ? new DateTimeDataField("at", DateTimeFormat.Timestamp, isAdjustedToUTC: true, isNullable: true) : new DataField<string>("at");
        var schema = new ParquetSchema(Type, Id, Shop, at, Conv, Sender, Agent, Kind, Stars, Satisfaction, Reason);
        await using var file = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, file);
        foreach (var group in rows.Chunk(groupRows))
        {
            using var g = writer.CreateRowGroup();
            await g.WriteAsync(Type, group.Select(r => r.Type).ToArray());
            await g.WriteAsync(Id, group.Select(r => r.Id).ToArray());
            await g.WriteAsync(Shop, group.Select(r => r.Shop).ToArray());
            if (timestamps) await g.WriteAsync<DateTime>(at, group.Select(r => (DateTime?)r.At).ToArray());
            else await g.WriteAsync((DataField<string>)at, group.Select(r => (string?)r.At).ToArray());
            await g.WriteAsync(Conv, group.Select(r => r.Conv).ToArray());
            await g.WriteAsync(Sender, group.Select(r => r.Sender).ToArray());
            await g.WriteAsync(Agent, group.Select(r => r.Agent).ToArray());
            await g.WriteAsync(Kind, group.Select(r => r.Kind).ToArray());
            await g.WriteAsync<int>(Stars, group.Select(r => r.Stars).ToArray());
            await g.WriteAsync(Satisfaction, group.Select(r => r.Satisfaction).ToArray());
            await g.WriteAsync(Reason, group.Select(r => r.Reason).ToArray());
        }
    }

    [Fact]
    public async Task Rows_of_later_groups_are_numbered_across_the_file_and_utc_instants_keep_their_ticks()
    {
        var path = _dir.File("g.parquet");
        var t = new DateTime(2026, 11, 20, 2, 0, 0, DateTimeKind.Utc).AddMilliseconds(123); // the column's unit is milliseconds
        await Write(path, timestamps: true, groupRows: 2,
        [
            ("message", "e1", "s1", t, "c1", "customer", null, "text", null, null, null),
            ("message", "e2", "s1", t.AddMinutes(1), "c1", "agent", "a1", null, null, null, null),
            ("message", "e3", "s1", null, "c1", "customer", null, null, null, null, null), // row 3: no instant
            ("rating", "e4", "s2", t.AddMinutes(2), "c1", null, "a1", null, 5, null, null),
            ("message", "e5", "s2", t.AddMinutes(3), "c1", "robot", null, null, null, null, null), // row 5: bad sender
        ]);

        var (parts, rejected) = ChunkRows.Read([path], parts: 1);

        Assert.Equal([(3L, "at"), (5L, "sender")], rejected.Select(r => (r.Line, r.Field)));
        Assert.Equal(["e1", "e2", "e4"], parts[0].Select(r => r.Id));
        Assert.Equal(t.Ticks, parts[0][0].Ticks);
        Assert.Equal(5, parts[0][2].Stars);
        Assert.Equal(Reads.ParquetNet(path).Events.Select(Flat.Of), parts[0]);
        Assert.Equal(Reads.ParquetNet(path).Rejected, rejected);
    }

    private static readonly string?[] Types = ["message", "message", "message", "rating", "session", "chat", null];
    private static readonly string?[] Ids = ["m1", "m2", " m3", null, "订单1"];
    private static readonly string?[] Shops = ["s1", "s2", "s 3", null, " s1", "店铺"];
    private static readonly string?[] TextAts = ["2026-11-20T10:00:00+08:00", "2026-11-20T10:00:00.123Z", "yesterday", "2126-11-20T10:00:00Z", null];
    private static readonly string?[] Conversations = ["c1", "c2", null, " c1"];
    private static readonly string?[] Senders = ["customer", "agent", "bot", "robot", null];
    private static readonly string?[] Agents = [null, "a1", " a1", "客服1"];
    private static readonly string?[] Kinds = [null, "text", "auto", "video"];
    private static readonly int?[] StarValues = [null, null, 3, 0, 9];
    private static readonly string?[] Satisfactions = [null, null, "satisfied", "happy"];
    private static readonly string?[] Reasons = [null, "slow", " slow "];

    [Property(MaxTest = 40)]
    public bool Row_groups_give_the_events_and_rejections_of_the_string_path(int seed, bool timestamps, byte groupSeed, bool threeParts)
    {
        var random = new Random(seed);
        T Pick<T>(T[] options) => options[random.Next(options.Length)];
        var rows = new List<(string?, string?, string?, object?, string?, string?, string?, string?, int?, string?, string?)>();
        for (var i = 0; i < 50; i++)
        {
            object? at = timestamps
                ? random.Next(8) switch
                {
                    0 => null,
                    1 => new DateTime(2150, 1, 1, 0, 0, 0, DateTimeKind.Utc), // out of the event range
                    _ => new DateTime(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc).AddMilliseconds(random.NextInt64(86_400_000L * 3)),
                }
                : Pick(TextAts);
            rows.Add((Pick(Types), Pick(Ids), Pick(Shops), at, Pick(Conversations), Pick(Senders), Pick(Agents), Pick(Kinds),
                Pick(StarValues), Pick(Satisfactions), Pick(Reasons)));
        }
        var path = Path.Combine(_dir.Path, $"p{seed}-{timestamps}-{groupSeed}.parquet");
        Write(path, timestamps, 1 + groupSeed % 17, rows).GetAwaiter().GetResult();
        var (events, rejected) = Reads.ParquetNet(path);
        var parts = threeParts ? 3 : 1;
        var (rowParts, rowRejected) = ChunkRows.Read([path, path], parts);
        // Each part holds its shops' rows in file order; all parts together hold every event twice (the file is read twice).
        var expected = events.Concat(events).Select(Flat.Of).ToList();
        var dealt = Enumerable.Range(0, parts).All(p => rowParts[p].SequenceEqual(expected.Where(e => RunNames.PartOf(e.Shop, parts) == p)));
        return dealt && rowRejected.SequenceEqual(rejected.Concat(rejected));
    }
}
