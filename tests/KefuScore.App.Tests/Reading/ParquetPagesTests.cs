using KefuScore.App.Profiles;
using KefuScore.App.Reading;
using KefuScore.App.Reports;
using KefuScore.App.Tests.Writing;
using KefuScore.App.Writing;
using KefuScore.Engine.Events;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;
using KefuScore.Tests;
using Parquet;
using Parquet.Schema;
using Meta = Parquet.Meta;

namespace KefuScore.App.Tests.Reading;

/// <summary>
/// Our own Parquet page decoder (<see cref="ParquetPages"/>) against Parquet.Net: the cells it decodes, the files it leaves
/// to Parquet.Net, and the report's rows read through it against the string path and against the same events as CSV.
/// </summary>
public sealed class ParquetPagesTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string[] Texts = ["type", "id", "shop", "conversation", "sender", "agent", "kind", "satisfaction", "stars", "reason", "text"];

    private sealed record Options(CompressionMethod Compression = CompressionMethod.Snappy, bool Dictionary = true, int GroupRows = 1000,
        bool RequiredShop = false, string[]? Names = null);

    /// <summary>Text columns in the order of <see cref="Texts"/> (or the options' names), and <c>at</c> (text or a timestamp column) after them.</summary>
    private static async Task Write(string path, DataField at, IReadOnlyList<(string?[] Cells, object? At)> rows, Options o)
    {
        var fields = (o.Names ?? Texts).Select(n => new DataField<string>(n, !(o.RequiredShop && n == "shop"))).ToArray();
        var schema = new ParquetSchema([.. fields, at]);
        // Threshold 1: every text column as a dictionary; 0: none (every value PLAIN).
        var options = new ParquetOptions { CompressionMethod = o.Compression, DictionaryEncodingThreshold = o.Dictionary ? 1 : 0 };
        if (o.Dictionary) foreach (var f in fields) options.ColumnEncodingHints[f.Path.ToString()] = EncodingHint.Dictionary;
        await using var file = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, file, options);
        foreach (var group in rows.Chunk(o.GroupRows))
        {
            using var g = writer.CreateRowGroup();
            for (var c = 0; c < fields.Length; c++) await g.WriteAsync(fields[c], group.Select(r => r.Cells[c]).ToArray());
            if (at is DateTimeDataField) await g.WriteAsync<DateTime>(at, group.Select(r => (DateTime?)r.At).ToArray());
            else await g.WriteAsync(at, group.Select(r => (string?)r.At).ToArray());
        }
    }

    private static DataField TextAt => new DataField<string>("at");

    private static DataField TimestampAt(DateTimeTimeUnit unit, bool utc = true) =>
        new DateTimeDataField("at", DateTimeFormat.Timestamp, isAdjustedToUTC: utc, unit: unit, isNullable: true);

    /// <summary>Each column chunk of the file through <see cref="ParquetPages"/>: whether it took them all, and the cells as text.</summary>
    private static async Task<(bool Took, List<string?[]> Columns, bool Dictionaries)> Decode(string path)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream);
        var meta = reader.Metadata!;
        var pages = new ParquetPages();
        var top = ParquetPlan.TopLevel(reader);
        var columns = new List<string?[]>();
        var dictionaries = false;
        var took = true;
        for (var c = 0; c < meta.RowGroups[0].Columns.Count; c++)
        {
            var values = new List<string?>();
            foreach (var group in meta.RowGroups)
            {
                var chunk = group.Columns[c];
                var optional = top[chunk.MetaData!.PathInSchema[0]].RepetitionType != Meta.FieldRepetitionType.REQUIRED;
                var cells = new ParquetCells();
                if (!pages.TryRead(stream.SafeFileHandle, chunk, optional, (int)group.NumRows, cells))
                {
                    took = false;
                    continue;
                }
                dictionaries |= cells.Dictionary;
                for (var r = 0; r < cells.Rows; r++)
                    values.Add(cells.IsNull(r) ? null
                        : chunk.MetaData.Type == Meta.Type.INT64 ? cells.Int64(r).ToString(System.Globalization.CultureInfo.InvariantCulture)
                        : System.Text.Encoding.UTF8.GetString(cells.Cell(r)));
            }
            columns.Add([.. values]);
        }
        return (took, columns, dictionaries);
    }

    /// <summary>Parquet.Net's texts of the file's text columns (an empty text as null, as <see cref="ParquetColumns"/> gives it).</summary>
    private static async Task<List<string?[]>> Expected(string path)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream, new ParquetOptions { TreatByteArrayAsString = true });
        var fields = reader.Schema.DataFields;
        var columns = fields.Select(_ => new List<string?>()).ToList();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            for (var c = 0; c < fields.Length; c++)
                if (fields[c].Name != "at") columns[c].AddRange(ParquetColumns.ReadTexts(group, fields[c], (int)group.RowCount, CancellationToken.None));
        }
        return columns.Select(c => c.ToArray()).ToList();
    }

    /// <summary>Values for each text column, in the order of <see cref="Texts"/>: mostly valid, some wrong, null, empty or untrimmed.</summary>
    private static readonly string?[][] Pieces =
    [
        ["message", "message", "message", "rating", null, "session"],
        ["m1", "m2", "订单-3", " m4", "", null],
        ["s1", "s2", "店铺", "s1"],
        ["c1", "c1", "c2", null, "", " c1"],
        ["customer", "customer", "agent", "agent", "bot", "robot", null],
        [null, null, "a1", "客服1", " a1"],
        [null, null, "text", "text", "video"],
        [null, null, null, "satisfied", "happy"],
        [null, null, null, null, "3", "9", "x"],
        [null, null, null, "slow", " slow "],
        [null, "hi", "a\nb", new string('x', 300), new string('y', 17_000)],
    ];

    private static List<(string?[] Cells, object? At)> Rows(int seed, int count, Func<Random, object?> at)
    {
        var random = new Random(seed);
        var rows = new List<(string?[], object?)>();
        for (var i = 0; i < count; i++)
        {
            var cells = Pieces.Select(p => p[random.Next(p.Length)]).ToArray();
            cells[1] = cells[1] is { Length: > 0 } id ? id + i : cells[1]; // mostly unique ids, as in real files
            if (cells[2] is null) cells[2] = "s1";
            rows.Add((cells, at(random)));
        }
        return rows;
    }

    private static readonly DateTime Day = new(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);

    private static object? RandomInstant(Random random) => random.Next(10) switch
    {
        0 => null,
        1 => new DateTime(2150, 1, 1, 0, 0, 0, DateTimeKind.Utc), // outside the event range
        _ => Day.AddMilliseconds(random.NextInt64(86_400_000L * 3)),
    };

    private static object? RandomText(Random random) => random.Next(6) switch
    {
        0 => null,
        1 => "yesterday",
        2 => "2026-11-20T10:00:00+08:00",
        _ => Day.AddSeconds(random.Next(86_400)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
    };

    [Theory]
    [InlineData(CompressionMethod.Snappy, true)]
    [InlineData(CompressionMethod.Snappy, false)]
    [InlineData(CompressionMethod.None, true)]
    [InlineData(CompressionMethod.None, false)]
    [InlineData(CompressionMethod.Zstd, true)]
    [InlineData(CompressionMethod.Zstd, false)]
    [InlineData(CompressionMethod.Gzip, true)]
    [InlineData(CompressionMethod.Gzip, false)]
    [InlineData(CompressionMethod.Brotli, false)]
    public async Task Text_columns_plain_or_dictionary_in_every_codec_decoded_decode_to_parquet_nets_texts(CompressionMethod compression, bool dictionary)
    {
        var path = _dir.File($"t-{compression}-{dictionary}.parquet");
        await Write(path, TextAt, Rows(1, 2500, RandomText), new Options(compression, dictionary, GroupRows: 700, RequiredShop: true));

        var (took, columns, dictionaries) = await Decode(path);
        var expected = await Expected(path);
        columns.RemoveAt(columns.Count - 1); // `at`, not a text column here: Expected leaves it empty
        expected.RemoveAt(expected.Count - 1);

        Assert.True(took);
        Assert.Equal(dictionary, dictionaries);
        // Null and empty read alike: both are an absent field.
        Assert.Equal(expected.Select(c => c.Select(v => v is "" ? null : v)), columns.Select(c => c.Select(v => v is "" ? null : v)));
        Assert.Contains(expected[3], v => v is null); // the optional columns do hold nulls
    }

    [Fact]
    public async Task An_lz4_raw_file_is_left_to_parquet_net_and_reads_as_the_string_path_does()
    {
        var path = _dir.File("lz4.parquet");
        await Write(path, TimestampAt(DateTimeTimeUnit.Micros), Rows(2, 900, RandomInstant), new Options(CompressionMethod.Lz4Raw, GroupRows: 300));

        var (took, _, _) = await Decode(path);
        var (rows, rejected) = ParquetRows(path);
        var (events, expectedRejected) = Reads.ParquetNet(path);

        Assert.False(took);
        Assert.Equal(events.Select(Flat.Of), rows);
        Assert.Equal(expectedRejected, rejected);
        Assert.NotEmpty(rows);
    }

    [Theory]
    [InlineData(DateTimeTimeUnit.Millis, CompressionMethod.Snappy, true)]
    [InlineData(DateTimeTimeUnit.Micros, CompressionMethod.None, false)]
    [InlineData(DateTimeTimeUnit.Nanos, CompressionMethod.Snappy, false)]
    [InlineData(DateTimeTimeUnit.Micros, CompressionMethod.Zstd, true)]
    [InlineData(DateTimeTimeUnit.Millis, CompressionMethod.Gzip, false)]
    public async Task Rows_read_through_the_pages_are_the_events_and_rejections_of_the_string_path(DateTimeTimeUnit unit, CompressionMethod compression, bool dictionary)
    {
        var path = _dir.File($"r-{unit}-{compression}-{dictionary}.parquet");
        await Write(path, TimestampAt(unit), Rows((int)unit, 2000, RandomInstant), new Options(compression, dictionary, GroupRows: 600));

        var (took, _, _) = await Decode(path);
        var (rows, rejected) = ParquetRows(path);
        var (events, expectedRejected) = Reads.ParquetNet(path);

        Assert.True(took);
        Assert.Equal(events.Select(Flat.Of), rows);
        Assert.Equal(expectedRejected, rejected);
        Assert.Contains(rejected, r => r.Field == "at"); // nulls and instants out of range take the string path
        Assert.True(rows.Count > 100, $"{rows.Count} rows");
    }

    [Fact]
    public async Task A_cell_over_the_field_limit_rejects_its_row_as_the_string_path_does_and_long_bytes_alone_do_not()
    {
        var rows = Rows(11, 300, RandomInstant);
        (string?[], object?) Valid(int i, string? id, string? text) =>
            ([ "message", id ?? "m-" + i, "s1", "c1", "customer", null, "text", null, null, null, text ], Day.AddMinutes(i));
        // Over the limit in characters; then more bytes than the limit but fewer characters (3-byte UTF-8), in `text`.
        rows[7] = Valid(7, null, new string('x', EventParser.MaxFieldChars + 1));
        rows[9] = Valid(9, null, new string('店', EventParser.MaxFieldChars / 2));
        rows[12] = Valid(12, new string('m', EventParser.MaxFieldChars + 1), "hi"); // and in a column the fold reads
        var path = _dir.File("long.parquet");
        await Write(path, TimestampAt(DateTimeTimeUnit.Millis), rows, new Options(Dictionary: false, GroupRows: 100));

        var (took, _, _) = await Decode(path);
        var (parsed, rejected) = ParquetRows(path);
        var (events, expectedRejected) = Reads.ParquetNet(path);

        Assert.True(took);
        Assert.Equal(events.Select(Flat.Of), parsed);
        Assert.Equal(expectedRejected, rejected);
        Assert.Contains(rejected, r => r.Line == 8 && r.Field == "text");
        Assert.Contains(rejected, r => r.Line == 13 && r.Field == "id");
        Assert.DoesNotContain(rejected, r => r.Line == 10);
    }

    [Fact]
    public async Task Rows_with_text_times_read_through_the_pages_are_those_of_the_string_path()
    {
        var path = _dir.File("text-at.parquet");
        await Write(path, TextAt, Rows(5, 1500, RandomText), new Options(GroupRows: 400));

        var (rows, rejected) = ParquetRows(path);
        var (events, expectedRejected) = Reads.ParquetNet(path);

        Assert.Equal(events.Select(Flat.Of), rows);
        Assert.Equal(expectedRejected, rejected);
        Assert.True(rows.Count > 50, $"{rows.Count} rows");
    }

    [Theory]
    [InlineData(DateTimeTimeUnit.Millis)]
    [InlineData(DateTimeTimeUnit.Micros)]
    [InlineData(DateTimeTimeUnit.Nanos)]
    public async Task A_timestamp_without_time_zone_rejects_every_row_with_file_row_field_and_reason(DateTimeTimeUnit unit)
    {
        var path = _dir.File($"naive-{unit}.parquet");
        var rows = Enumerable.Range(0, 50)
            .Select(i => (new string?[] { "message", "m" + i, "s1", "c1", "customer", null, null, null, null, null, null }, (object?)Day.AddHours(10))).ToList();
        await Write(path, TimestampAt(unit, utc: false), rows, new Options(GroupRows: 20));

        var (parsed, rejected) = ParquetRows(path);
        var (events, expected) = Reads.ParquetNet(path);

        Assert.Empty(parsed);
        Assert.Empty(events);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (path, (long)i, "at", Engine.Text.Codes.ParquetNaive)),
            rejected.Select(r => (r.File, r.Line, r.Field, r.Text.Code)));
        Assert.Equal(expected, rejected);
    }

    private static readonly CompiledProfile Douyin = ProfileCatalog.Compile("douyin");

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public async Task The_report_on_parquet_gives_the_figures_of_the_same_events_as_csv(int seed, bool dictionary)
    {
        var csv = _dir.File($"e{seed}.csv");
        var events = RandomChats.ShuffleWithinBlocks(RandomChats.Generate(seed, conversations: 80), TimeSpan.FromMinutes(10), seed);
        using (var stream = File.Create(csv)) CsvEventWriter.Write(stream, events);
        // The same events as Parquet: each CSV field as a text column, `at` as a UTC timestamp in microseconds.
        var raws = TestFormats.ReadCsv(File.ReadAllBytes(csv));
        var names = RawEvent.FieldNames.Where(n => n != "at").ToArray();
        var rows = raws.Select(r => (names.Select(n => Field(r, n)).ToArray(), (object?)DateTimeOffset.Parse(r.At!, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime)).ToList();
        var parquet = _dir.File($"e{seed}.parquet");
        await Write(parquet, TimestampAt(DateTimeTimeUnit.Micros), rows, new Options(Dictionary: dictionary, GroupRows: 500, Names: names));
        Assert.True((await Decode(parquet)).Took);

        var fromCsv = ReportRunner.Run(Douyin, [csv], mapping: null, threads: 2);
        var fromParquet = ReportRunner.Run(Douyin, [parquet], mapping: null, threads: 2);

        Assert.True(fromParquet.Rollup.SameAs(fromCsv.Rollup));
        Assert.Equal((fromCsv.Read, fromCsv.Duplicates, fromCsv.Rejected.Count), (fromParquet.Read, fromParquet.Duplicates, fromParquet.Rejected.Count));
        // Each worker's events: both readers deal a shop to the same worker, and every event is read by one.
        Assert.Equal(2, fromCsv.WorkerEvents.Count);
        Assert.Equal(fromCsv.WorkerEvents, fromParquet.WorkerEvents);
        Assert.Equal(fromCsv.Read, fromCsv.WorkerEvents.Sum());
        Assert.True(fromCsv.Read > 300);
        Assert.True(fromCsv.Rollup.RowCount > 0);
    }

    private static string? Field(RawEvent raw, string name) =>
        (string?)typeof(RawEvent).GetProperty(name, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase)!.GetValue(raw);

    /// <summary>
    /// Texts with <c>stars</c> as an INT32 column and <c>capacity</c> as an INT64 column (with nulls, negatives and the
    /// extremes), as a schema from another writer would carry them.
    /// </summary>
    private static async Task WriteNumbers(string path, IReadOnlyList<(string?[] Cells, object? At)> rows, int?[] stars, long?[] capacity, bool dictionary)
    {
        var names = Texts.Where(n => n != "stars").ToArray();
        var fields = names.Select(n => new DataField<string>(n)).ToArray();
        var starsField = new DataField<int?>("stars");
        var capacityField = new DataField<long?>("capacity");
        var at = TimestampAt(DateTimeTimeUnit.Micros);
        var options = new ParquetOptions { DictionaryEncodingThreshold = dictionary ? 1 : 0 };
        if (dictionary) options.ColumnEncodingHints["stars"] = EncodingHint.Dictionary;
        await using var file = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema([.. fields, starsField, capacityField, at]), file, options);
        foreach (var group in Enumerable.Range(0, rows.Count).Chunk(400))
        {
            using var g = writer.CreateRowGroup();
            for (var c = 0; c < fields.Length; c++) await g.WriteAsync(fields[c], group.Select(i => rows[i].Cells[Array.IndexOf(Texts, names[c])]).ToArray());
            await g.WriteAsync<int>(starsField, group.Select(i => stars[i]).ToArray());
            await g.WriteAsync<long>(capacityField, group.Select(i => capacity[i]).ToArray());
            await g.WriteAsync<DateTime>(at, group.Select(i => (DateTime?)rows[i].At).ToArray());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Int32_and_int64_columns_decode_to_parquet_nets_texts_and_rows_to_the_string_paths(bool dictionary)
    {
        var rows = Rows(7, 1800, RandomInstant);
        var random = new Random(7);
        int?[] starChoices = [null, 1, 3, 5, 0, -2, 9, int.MaxValue, int.MinValue];
        long?[] capacityChoices = [null, 0, 12, -7, long.MaxValue, long.MinValue, 1L << 40];
        var stars = rows.Select(_ => starChoices[random.Next(starChoices.Length)]).ToArray();
        var capacity = rows.Select(_ => capacityChoices[random.Next(capacityChoices.Length)]).ToArray();
        var path = _dir.File($"numbers-{dictionary}.parquet");
        await WriteNumbers(path, rows, stars, capacity, dictionary);

        var (took, columns, _) = await DecodeAsText(path);
        var expected = await Expected(path);
        var (parsed, rejected) = ParquetRows(path);
        var (events, expectedRejected) = Reads.ParquetNet(path);

        Assert.True(took);
        var at = columns.Count - 1; // `at`: Expected leaves it empty
        Assert.Equal(expected.Take(at).Select(c => c.Select(v => v is "" ? null : v)), columns.Take(at).Select(c => c.Select(v => v is "" ? null : v)));
        Assert.Contains(columns[^3], v => v == "-2147483648"); // stars as text, the extremes included
        Assert.Contains(columns[^2], v => v == "9223372036854775807");
        Assert.Equal(events.Select(Flat.Of), parsed);
        Assert.Equal(expectedRejected, rejected);
        Assert.Contains(parsed, r => r.Stars > 0); // ratings with stars from the number column
    }

    /// <summary>
    /// The report's parser finds a shop's or agent's name once per dictionary entry of a row group. Each group here has
    /// its own dictionaries in another order (entry 0 is another shop and agent in each), some rows leave the entry path
    /// (no agent, a rejected row), and one parser thread reads several groups: every row must carry its own names.
    /// </summary>
    [Theory]
    [InlineData(CompressionMethod.Snappy)]
    [InlineData(CompressionMethod.Zstd)]
    public async Task Dictionary_entries_found_once_per_group_give_every_row_its_own_shop_and_agent(CompressionMethod compression)
    {
        string[] shops = ["s1", "s2", "店铺3", "s4", "s5"];
        string?[] agents = [null, "a1", "a2", "客服3", "a4"];
        var rows = new List<(string?[] Cells, object? At)>();
        for (var group = 0; group < 6; group++)
            for (var i = 0; i < 40; i++)
            {
                // Rotated per group, so the first value written (dictionary entry 0) differs from group to group.
                var shop = shops[(group + i * 3 % 5) % shops.Length];
                var agent = agents[(group * 2 + i) % agents.Length];
                var sender = agent is null ? "customer" : "agent";
                var type = i % 13 == 5 ? "chat" : "message"; // not the common shape: the row takes the string path
                rows.Add(([type, $"m{group}-{i}", shop, "c" + i % 4, sender, agent, "text", null, null, null, null], Day.AddMinutes(group * 60 + i)));
            }
        var path = _dir.File($"entries-{compression}.parquet");
        await Write(path, TimestampAt(DateTimeTimeUnit.Millis), rows, new Options(Compression: compression, GroupRows: 40));

        var (took, _, dictionaries) = await Decode(path);
        var (parsed, rejected) = ParquetRows(path);
        var (events, expectedRejected) = Reads.ParquetNet(path);

        Assert.True(took && dictionaries);
        Assert.Equal(events.Select(Flat.Of), parsed);
        Assert.Equal(expectedRejected, rejected);
        Assert.Equal(shops.Length, parsed.Select(e => e.Shop).Distinct().Count());
        Assert.Equal(agents.Length - 1, parsed.Select(e => e.Agent).OfType<string>().Distinct().Count());
    }

    /// <summary>As <see cref="Decode"/>, number columns as text (what the report's plan asks for).</summary>
    private static async Task<(bool Took, List<string?[]> Columns, bool Dictionaries)> DecodeAsText(string path)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream, new ParquetOptions { TreatByteArrayAsString = true });
        var plan = ParquetPlan.Of(reader, ParquetSource.Columns(reader, path, out _));
        Assert.NotNull(plan);
        var pages = new ParquetPages();
        var columns = new List<string?[]>();
        var took = true;
        var dictionaries = false;
        foreach (var column in plan.Columns)
        {
            var values = new List<string?>();
            foreach (var group in reader.Metadata!.RowGroups)
            {
                var cells = new ParquetCells();
                if (!pages.TryRead(stream.SafeFileHandle, plan.ChunkOf(group, Array.IndexOf(plan.Columns, column))!, column.Optional, (int)group.NumRows, cells, column.Number))
                {
                    took = false;
                    continue;
                }
                dictionaries |= cells.Dictionary;
                for (var r = 0; r < cells.Rows; r++)
                    values.Add(cells.IsNull(r) ? null : column.TicksPerUnit != 0 ? cells.Int64(r).ToString(System.Globalization.CultureInfo.InvariantCulture)
                        : System.Text.Encoding.UTF8.GetString(cells.Cell(r)));
            }
            columns.Add([.. values]);
        }
        return (took, columns, dictionaries);
    }

    [Fact]
    public void Delta_binary_packed_reads_the_formats_worked_examples()
    {
        // The Parquet format's examples (Encodings.md): 1..5 (one delta, bit width 0), and 7,5,3,1,2,3,4,5 (minimum delta
        // -2, relative deltas 0,0,0,3,3,3,3 in 2 bits, the miniblock padded to 32 values); a trailing byte not taken.
        byte[] ones = [0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0, 0xEE];
        byte[] mixed = [0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 2, 0, 0, 0, 0xC0, 0x3F, 0, 0, 0, 0, 0, 0, 0xEE];
        var a = new long[5];
        var b = new long[8];

        Assert.Equal(ones.Length - 1, ParquetPages.DeltaBinaryPacked(ones, a));
        Assert.Equal(mixed.Length - 1, ParquetPages.DeltaBinaryPacked(mixed, b));
        Assert.Equal([1L, 2, 3, 4, 5], a);
        Assert.Equal([7L, 5, 3, 1, 2, 3, 4, 5], b);
    }

    [Fact]
    public void Delta_byte_array_rebuilds_each_value_from_the_one_before_with_nulls_between()
    {
        // The format's example "axis", "axle", "babble", "babyhood": prefix lengths 0,2,0,3 (first 0, minimum delta -2,
        // relative 4,0,5 in 3 bits), suffix lengths 4,2,6,5 (first 4, minimum -2, relative 0,6,1 in 3 bits), then the suffixes.
        byte[] prefixes = [0x80, 0x01, 0x04, 0x04, 0x00, 0x03, 3, 0, 0, 0, 0x44, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        byte[] suffixes = [0x80, 0x01, 0x04, 0x04, 0x08, 0x03, 3, 0, 0, 0, 0x70, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        byte[] page = [.. prefixes, .. suffixes, .. "axislebabbleyhood"u8];
        var cells = new ParquetCells { Data = [.. page], Used = page.Length, Starts = new int[5], Lengths = new int[5], Entries = new int[5], Rows = 5 };

        new ParquetPages().Values(Meta.Encoding.DELTA_BYTE_ARRAY, cells, 0, page.Length, 0, [1, 1, 0, 1, 1], 4, 0, -1);

        Assert.Equal(["axis", "axle", null, "babble", "babyhood"],
            Enumerable.Range(0, 5).Select(r => cells.IsNull(r) ? null : System.Text.Encoding.UTF8.GetString(cells.Cell(r))));
    }

    [Fact]
    public void The_hybrid_decoder_reads_runs_and_bit_packed_groups()
    {
        // A run of four 3s (header 4<<1, value byte), then one bit-packed group of eight 2-bit values 0..3,0..3 (header 1<<1|1).
        byte[] data = [8, 3, 3, 0b11_10_01_00, 0b11_10_01_00];
        var values = new int[12];
        ParquetPages.Hybrid(data, 2, values);
        Assert.Equal([3, 3, 3, 3, 0, 1, 2, 3, 0, 1, 2, 3], values);
    }

    // ParquetSource (kefu import, the server's file import, kefu explain): the decoder per row group, Parquet.Net otherwise.

    [Theory]
    [InlineData(DateTimeTimeUnit.Millis, CompressionMethod.Snappy, true)]
    [InlineData(DateTimeTimeUnit.Micros, CompressionMethod.Snappy, false)]
    [InlineData(DateTimeTimeUnit.Nanos, CompressionMethod.Gzip, true)]
    [InlineData(DateTimeTimeUnit.Micros, CompressionMethod.Gzip, false)]
    [InlineData(DateTimeTimeUnit.Micros, CompressionMethod.Zstd, true)]
    [InlineData(DateTimeTimeUnit.Millis, CompressionMethod.Zstd, false)]
    public async Task The_event_source_through_the_pages_gives_the_events_and_rejections_of_parquet_net(DateTimeTimeUnit unit, CompressionMethod compression, bool dictionary)
    {
        var path = _dir.File($"src-{unit}-{compression}-{dictionary}.parquet");
        await Write(path, TimestampAt(unit), Rows(20 + (int)unit, 2000, RandomInstant), new Options(compression, dictionary, GroupRows: 600));

        var (events, rejected, decoded) = Reads.ThroughSource(path, pages: true);
        var (netEvents, netRejected, netDecoded) = Reads.ThroughSource(path, pages: false);
        var (rows, rowRejected) = ParquetRows(path);

        Assert.Equal((4, 0), (decoded, netDecoded)); // 2000 rows in groups of 600: every group decoded
        Assert.Equal(Reads.Whole(netEvents), Reads.Whole(events));
        Assert.Equal(netRejected, rejected);
        Assert.Equal(events.Select(Flat.Of), rows); // and the report's rows are the same events
        Assert.Equal(rejected, rowRejected);
        Assert.Contains(rejected, r => r.Field == "at"); // nulls and instants out of range
        Assert.Contains(rejected, r => r.Field != "at");
        Assert.True(events.Count > 100, $"{events.Count} events");
    }

    [Fact]
    public async Task The_event_source_through_the_pages_reads_text_times_and_number_columns_as_parquet_net_does()
    {
        var text = _dir.File("src-text-at.parquet");
        await Write(text, TextAt, Rows(31, 1500, RandomText), new Options(CompressionMethod.Zstd, GroupRows: 400));
        var rows = Rows(32, 1200, RandomInstant);
        var random = new Random(32);
        int?[] starChoices = [null, 1, 5, 0, -2, 9];
        long?[] capacityChoices = [null, 0, 12, -7, long.MaxValue];
        var numbers = _dir.File("src-numbers.parquet");
        await WriteNumbers(numbers, rows, [.. rows.Select(_ => starChoices[random.Next(starChoices.Length)])],
            [.. rows.Select(_ => capacityChoices[random.Next(capacityChoices.Length)])], dictionary: true);

        foreach (var path in new[] { text, numbers })
        {
            var (events, rejected, decoded) = Reads.ThroughSource(path, pages: true);
            var (netEvents, netRejected) = Reads.ParquetNet(path);

            Assert.Equal(path == text ? 4 : 3, decoded);
            Assert.Equal(Reads.Whole(netEvents), Reads.Whole(events));
            Assert.Equal(netRejected, rejected);
            Assert.True(events.Count > 50, $"{path}: {events.Count} events");
        }
        Assert.Contains(Reads.ThroughSource(numbers, pages: true).Events, e => e.Stars == 5); // stars from the INT32 column
    }

    [Fact]
    public async Task The_event_source_leaves_a_naive_timestamp_file_to_parquet_net_and_rejects_every_row()
    {
        var path = _dir.File("src-naive.parquet");
        var rows = Enumerable.Range(0, 30)
            .Select(i => (new string?[] { "message", "m" + i, "s1", "c1", "customer", null, null, null, null, null, null }, (object?)Day.AddHours(10))).ToList();
        await Write(path, TimestampAt(DateTimeTimeUnit.Micros, utc: false), rows, new Options(CompressionMethod.Zstd, GroupRows: 10));

        var (events, rejected, decoded) = Reads.ThroughSource(path, pages: true);

        Assert.Equal(0, decoded);
        Assert.Empty(events);
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (path, (long)i, "at", Engine.Text.Codes.ParquetNaive)),
            rejected.Select(r => (r.File, r.Line, r.Field, r.Text.Code)));
    }

    [Fact]
    public async Task The_event_source_reads_lz4_groups_and_a_stream_that_is_not_a_file_through_parquet_net_alike()
    {
        var lz4 = _dir.File("src-lz4.parquet");
        await Write(lz4, TimestampAt(DateTimeTimeUnit.Micros), Rows(41, 900, RandomInstant), new Options(CompressionMethod.Lz4Raw, GroupRows: 300));
        var zstd = _dir.File("src-zstd.parquet");
        await Write(zstd, TimestampAt(DateTimeTimeUnit.Micros), Rows(42, 900, RandomInstant), new Options(CompressionMethod.Zstd, GroupRows: 300));

        var (lz4Events, lz4Rejected, lz4Decoded) = Reads.ThroughSource(lz4, pages: true);
        var (lz4Net, lz4NetRejected) = Reads.ParquetNet(lz4);
        // A caller's seekable stream (no file handle for the decoder): Parquet.Net reads it, and gives what the file gives.
        using var memory = new MemoryStream(File.ReadAllBytes(zstd));
        var (streamEvents, streamRejected) = Reads.All(EventFiles.Read(memory, EventFileFormat.Parquet, zstd));
        var (fileEvents, fileRejected, fileDecoded) = Reads.ThroughSource(zstd, pages: true);

        Assert.Equal((0, 3), (lz4Decoded, fileDecoded));
        Assert.Equal(Reads.Whole(lz4Net), Reads.Whole(lz4Events));
        Assert.Equal(lz4NetRejected, lz4Rejected);
        Assert.Equal(Reads.Whole(fileEvents), Reads.Whole(streamEvents));
        Assert.Equal(fileRejected, streamRejected);
        Assert.NotEmpty(streamEvents);
    }

    [Fact]
    public async Task Importing_a_parquet_file_stores_the_reports_rollup()
    {
        var events = RandomChats.ShuffleWithinBlocks(RandomChats.Generate(3, conversations: 60), TimeSpan.FromMinutes(10), 3);
        var csv = _dir.File("import.csv");
        using (var stream = File.Create(csv)) CsvEventWriter.Write(stream, events);
        var raws = TestFormats.ReadCsv(File.ReadAllBytes(csv));
        var names = RawEvent.FieldNames.Where(n => n != "at").ToArray();
        var rows = raws.Select(r => (names.Select(n => Field(r, n)).ToArray(), (object?)DateTimeOffset.Parse(r.At!, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime)).ToList();
        rows[5].Item1[Array.IndexOf(names, "sender")] = "robot"; // one rejected row
        var parquet = _dir.File("import.parquet");
        await Write(parquet, TimestampAt(DateTimeTimeUnit.Micros), rows, new Options(CompressionMethod.Zstd, GroupRows: 300, Names: names));
        Assert.True(Reads.ThroughSource(parquet, pages: true).Decoded > 1);

        var run = ReportRunner.Run(Douyin, [parquet], mapping: null, threads: 2);
        await using var db = await Storage.TestDatabase.Create("sqlite");
        var imported = await KefuScore.App.Storage.FileImport.Import(db.Store, parquet);

        Assert.Equal((run.Read - run.Duplicates, run.Duplicates), (imported.Accepted, imported.Duplicates));
        Assert.Equal(run.Rejected, imported.Rejected);
        Assert.Equal(6, Assert.Single(imported.Rejected).Line);
        var shops = events.Select(e => e.Shop).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(shops);
        await using var context = db.Open();
        foreach (var shop in shops)
        {
            var request = new ReportRequest(Agents: true, Shop: shop);
            var stored = await KefuScore.App.Storage.StoredReports.Build(context, shop, null, request);
            Assert.NotNull(stored);
            // The same run beside both reports: what is compared is the figures, the report's and the stored rollup's.
            Assert.Equal(Storage.EventStoreTests.Json(ReportBuilder.Build(Douyin, run.Rollup, request), run), Storage.EventStoreTests.Json(stored.Report, run));
        }
    }

    /// <summary>The file read as the report reads it: row groups into rows on the parser threads.</summary>
    private static (List<Flat> Rows, List<RejectedLine> Rejected) ParquetRows(string path)
    {
        var (parts, rejected) = ChunkRows.Read([path], parts: 1);
        return (parts[0], rejected);
    }
}
