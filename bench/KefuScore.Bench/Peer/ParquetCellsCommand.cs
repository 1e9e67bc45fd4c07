using System.Globalization;
using DuckDB.NET.Data;
using KefuScore.App.Reading;
using Parquet;

namespace KefuScore.Bench.Peer;

/// <summary>
/// <c>parquet-cells [--events N] [--file CSV] [--keep]</c>: our Parquet page decoder (<see cref="ParquetPages"/>) on files
/// DuckDB writes (pages v1 and v2, every codec DuckDB has, extra INT32 <c>stars</c> and INT64 <c>capacity</c> columns with
/// nulls), every column chunk checked cell by cell against Parquet.Net's reading of the same file. The test project has
/// no DuckDB and Parquet.Net writes neither v2 pages nor DELTA_* byte arrays, so this check lives here.
/// </summary>
public static class ParquetCellsCommand
{
    private static readonly (string Version, string Codec)[] Variants =
    [
        ("V1", "snappy"), ("V1", "zstd"), ("V1", "gzip"), ("V1", "uncompressed"), ("V1", "brotli"),
        ("V2", "snappy"), ("V2", "zstd"), ("V2", "gzip"), ("V2", "uncompressed"), ("V2", "brotli"), ("V2", "lz4_raw"),
    ];

    public static int Run(PeerOptions o)
    {
        var dir = Directory.CreateTempSubdirectory("kefu-cells-").FullName;
        try
        {
            var csv = o.File ?? Path.Combine(dir, "zipf.csv");
            if (o.File is null) Shapes.Write(csv, "zipf", o.Events);
            var failed = 0;
            string? reference = null;
            foreach (var (version, codec) in Variants)
            {
                var path = Path.Combine(dir, $"zipf-{version}-{codec}.parquet");
                Write(csv, path, version, codec);
                reference ??= path;
                var (chunks, took, cells, differ, encodings) = Check(path, reference);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{version} {codec,-12} chunks {took}/{chunks} decoded, {cells:N0} cells, {differ} differ from Parquet.Net; {encodings}"));
                if (differ > 0) failed++;
            }
            return failed == 0 ? 0 : 1;
        }
        finally
        {
            if (o.Keep) Console.Error.WriteLine($"kept {dir}");
            else Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// <c>parquet-events [--events N] [--file CSV] [--keep]</c>: the event source <c>kefu import</c>, the server's file import
    /// and <c>kefu explain</c> use (<see cref="ParquetSource"/>) on DuckDB's <c>PARQUET_VERSION V2</c> ZSTD file of the zipf CSV,
    /// event by event against the CSV source on the same data (every field; the instant, since the CSV's offset is not kept),
    /// and the rejections (field and reason, in order). Parquet.Net alone on the same file is tried too, for the record.
    /// </summary>
    public static int Events(PeerOptions o)
    {
        var dir = Directory.CreateTempSubdirectory("kefu-events-").FullName;
        try
        {
            var csv = o.File ?? Path.Combine(dir, "zipf.csv");
            if (o.File is null) Shapes.Write(csv, "zipf", o.Events);
            var parquet = Path.Combine(dir, "zipf-v2-zstd.parquet");
            ToParquet(csv, parquet, "zstd", "V2");

            using (var stream = File.OpenRead(parquet))
            using (var source = new ParquetSource(stream, parquet, CancellationToken.None))
            {
                long rows = 0;
                while (source.Next(out _)) rows++;
                var groups = source.DecodedGroups;
                using var netStream = File.OpenRead(parquet);
                using var net = new ParquetSource(netStream, parquet, CancellationToken.None, pages: false);
                string before;
                try
                {
                    while (net.Next(out _)) { }
                    before = "reads it";
                }
                catch (Exception e) when (e is NotSupportedException or InvalidOperationException or InvalidDataException)
                {
                    before = $"fails: {e.GetType().Name}: {e.Message}";
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"v2 zstd: {rows:N0} rows, {groups} row groups through the page decoder; Parquet.Net alone {before}"));
            }

            long events = 0, rejected = 0, differ = 0;
            using var fromCsv = EventFiles.Read(csv).GetEnumerator();
            foreach (var item in EventFiles.Read(parquet))
            {
                var other = fromCsv.MoveNext() ? fromCsv.Current : default;
                string mine = Describe(item), theirs = Describe(other);
                if (item.Event is not null) events++;
                else rejected++;
                if (!string.Equals(mine, theirs, StringComparison.Ordinal) && differ++ < 5)
                    Console.WriteLine($"  record {events + rejected}: parquet {mine}; csv {theirs}");
            }
            while (fromCsv.MoveNext())
                if (differ++ < 5) Console.WriteLine($"  csv has more: {Describe(fromCsv.Current)}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ParquetSource against CsvSource: {events:N0} events, {rejected:N0} rejected, {differ} records differ"));
            return differ == 0 && events > 0 ? 0 : 1;
        }
        finally
        {
            if (o.Keep) Console.Error.WriteLine($"kept {dir}");
            else Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>An event's every field (the instant as UTC ticks) or a rejection's field and reason; the file and line differ by format.</summary>
    private static string Describe(ReadItem item) => item switch
    {
        { Event: { } e } => string.Join("|", e.Type, e.Id, e.Shop, e.Ticks.ToString(CultureInfo.InvariantCulture), e.Conversation, e.Customer, e.Sender, e.Agent,
            e.Kind, e.Text, e.Stars, e.Satisfaction, e.Reason, e.Order, e.Media, e.Category, e.Action, e.Status, e.Capacity),
        { Rejected: { } r } => $"rejected {r.Field}: {r.Reason}",
        _ => "(none)",
    };

    /// <summary><c>to-parquet</c>: the CSV's columns only (as the peer reads them), DuckDB's default row groups.</summary>
    public static int ToParquet(string csv, string path, string codec, string version)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        var from = Path.GetFullPath(csv).Replace("'", "''", StringComparison.Ordinal);
        command.CommandText = $"COPY (SELECT * FROM read_csv('{from}', header = true, columns = {PeerCommandColumns})) "
            + $"TO '{path.Replace("'", "''", StringComparison.Ordinal)}' (FORMAT PARQUET, COMPRESSION {codec}, PARQUET_VERSION {version})";
        command.ExecuteNonQuery();
        return 0;
    }

    private static void Write(string csv, string path, string version, string codec)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        var from = Path.GetFullPath(csv).Replace("'", "''", StringComparison.Ordinal);
        // Number columns with nulls, as another writer's schema would carry them.
        command.CommandText = $"""
            COPY (SELECT *, CASE WHEN hash(id) % 3 = 0 THEN NULL ELSE (hash(id) % 5 + 1)::INTEGER END AS stars,
                         CASE WHEN hash(id) % 4 = 0 THEN NULL ELSE ((hash(id) % 100000)::BIGINT - 50000) * 1000003 END AS capacity
                  FROM read_csv('{from}', header = true, columns = {PeerCommandColumns}))
            TO '{path.Replace("'", "''", StringComparison.Ordinal)}' (FORMAT PARQUET, COMPRESSION {codec}, PARQUET_VERSION {version}, ROW_GROUP_SIZE 100000)
            """;
        command.ExecuteNonQuery();
    }

    private const string PeerCommandColumns = "{'type': 'VARCHAR', 'id': 'VARCHAR', 'shop': 'VARCHAR', 'at': 'TIMESTAMPTZ', 'conversation': 'VARCHAR', "
        + "'customer': 'VARCHAR', 'sender': 'VARCHAR', 'agent': 'VARCHAR', 'kind': 'VARCHAR', 'text': 'VARCHAR'}";

    /// <summary>Every column chunk through the decoder and through Parquet.Net: chunks, chunks decoded, cells compared, cells that differ.</summary>
    /// <summary>
    /// Where Parquet.Net cannot read a column (6.1 refuses DELTA_BINARY_PACKED timestamps, which DuckDB writes with v2),
    /// the cells are compared with Parquet.Net's reading of the same column in <paramref name="reference"/>: the same CSV
    /// written as v1, in the same order and row groups.
    /// </summary>
    private static (int Chunks, int Took, long Cells, long Differ, string Encodings) Check(string path, string reference)
    {
        using var stream = File.OpenRead(path);
        var reader = ParquetReader.CreateAsync(stream, new ParquetOptions { TreatByteArrayAsString = true }).GetAwaiter().GetResult();
        try
        {
            return Check(path, stream, reader, reference);
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static (int Chunks, int Took, long Cells, long Differ, string Encodings) Check(string path, FileStream stream, ParquetReader reader,
        string reference)
    {
        var columns = ParquetSource.Columns(reader, path, out _);
        var plan = ParquetPlan.Of(reader, columns) ?? throw new InvalidOperationException($"{path}: a column the decoder does not read");
        using var pages = new ParquetPages();
        var cells = new ParquetCells();
        int chunks = 0, took = 0;
        long compared = 0, differ = 0;
        var encodings = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var fromReference = new SortedSet<string>(StringComparer.Ordinal);
        var groups = reader.Metadata!.RowGroups;
        for (var g = 0; g < groups.Count; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var rows = (int)group.RowCount;
            for (var c = 0; c < plan.Columns.Length; c++)
            {
                var column = plan.Columns[c];
                var chunk = plan.ChunkOf(groups[g], c)!;
                if (!encodings.TryGetValue(column.Name, out var used)) encodings[column.Name] = used = new SortedSet<string>(StringComparer.Ordinal);
                foreach (var e in chunk.MetaData!.Encodings) used.Add(e.ToString());
                chunks++;
                if (!pages.TryRead(stream.SafeFileHandle, chunk, column.Optional, rows, cells, column.Number)) continue;
                took++;
                string?[] expected;
                try
                {
                    expected = ParquetColumns.ReadTexts(group, columns[c].Field, rows, CancellationToken.None);
                }
                catch (NotSupportedException)
                {
                    expected = ReferenceTexts(reference, g, column.Name);
                    fromReference.Add(column.Name);
                }
                for (var r = 0; r < rows; r++)
                {
                    string? mine;
                    if (cells.IsNull(r)) mine = null;
                    else if (column.TicksPerUnit == 0) mine = System.Text.Encoding.UTF8.GetString(cells.Cell(r)) is { Length: > 0 } s ? s : null;
                    else
                    {
                        var v = cells.Int64(r);
                        var ticks = DateTime.UnixEpoch.Ticks + (column.TicksPerUnit > 0 ? v * column.TicksPerUnit : v / -column.TicksPerUnit);
                        mine = ParquetColumns.Instant(new DateTime(ticks, DateTimeKind.Utc));
                    }
                    compared++;
                    if (!string.Equals(mine, expected[r], StringComparison.Ordinal))
                    {
                        if (differ++ < 5) Console.WriteLine($"  group {g} column {column.Name} row {r}: decoder '{mine}', Parquet.Net '{expected[r]}'");
                    }
                }
            }
        }
        var summary = "encodings " + string.Join(", ", encodings.GroupBy(e => string.Join("+", e.Value)).Select(g => $"{string.Join("/", g.Select(e => e.Key))} {g.Key}"));
        if (fromReference.Count > 0) summary += $"; against the v1 file (Parquet.Net cannot read them here): {string.Join(", ", fromReference)}";
        return (chunks, took, compared, differ, summary);
    }

    private static string?[] ReferenceTexts(string path, int g, string name)
    {
        using var stream = File.OpenRead(path);
        var reader = ParquetReader.CreateAsync(stream, new ParquetOptions { TreatByteArrayAsString = true }).GetAwaiter().GetResult();
        try
        {
            using var group = reader.OpenRowGroupReader(g);
            var field = reader.Schema.DataFields.Single(f => f.Name == name);
            return ParquetColumns.ReadTexts(group, field, (int)group.RowCount, CancellationToken.None);
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
