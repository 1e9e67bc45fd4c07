using System.Data.Common;
using KefuScore.Engine.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace KefuScore.App.Storage;

/// <summary>The sums a rollup row keeps: facts summed, numerators, denominators, reply-time sums and counts, and the histogram.</summary>
public abstract class RollupSums
{
    public long Facts { get; set; }
    public long Numerator { get; set; }
    public long Denominator { get; set; }
    public long SumTicks { get; set; }
    public long Count { get; set; }
    public long B0 { get; set; }
    public long B1 { get; set; }
    public long B2 { get; set; }
    public long B3 { get; set; }
    public long B4 { get; set; }
    public long B5 { get; set; }
    public long B6 { get; set; }
    public long B7 { get; set; }
    public long B8 { get; set; }
    public long B9 { get; set; }
    public long B10 { get; set; }
    public long B11 { get; set; }
    public long B12 { get; set; }
    public long B13 { get; set; }

    public const int BucketColumns = 14;

    public long[] Buckets() => [B0, B1, B2, B3, B4, B5, B6, B7, B8, B9, B10, B11, B12, B13];

    public MetricCell ToCell()
    {
        var buckets = Buckets();
        return new MetricCell
        {
            Numerator = Numerator, Denominator = Denominator, SumTicks = SumTicks, Count = Count,
            Buckets = buckets.Any(b => b != 0) ? buckets : null,
        };
    }
}

/// <summary>
/// A row of <c>rollups</c>: the sum of the facts of one profile, shop, agent, local hour and metric, with the
/// reply-time histogram as fourteen columns and the number of facts summed (a row with no facts is not data).
/// Kept by adding the difference between a conversation's old and new facts whenever it is recomputed.
/// </summary>
public sealed class StoredRollup : RollupSums
{
    public required string Profile { get; set; }
    public required string Shop { get; set; }
    public string Agent { get; set; } = "";
    public int Hour { get; set; }
    public required string Metric { get; set; }
}

/// <summary>
/// A row of <c>rollups_daily</c>: <c>rollups</c> summed over agents and the hours of one local day (day = hour ÷ 24),
/// kept by the same differences in the same transaction. A shop's report without agents reads these: a month is a few
/// hundred rows instead of tens of thousands.
/// </summary>
public sealed class StoredDailyRollup : RollupSums
{
    public required string Profile { get; set; }
    public required string Shop { get; set; }
    public int Day { get; set; }
    public required string Metric { get; set; }
}

/// <summary>
/// The one row of <c>store_state</c>: the write generation, added to by every committed write. A writer that finds it
/// moved since its own last commit knows another process wrote in between (<see cref="EventStore"/>'s cache).
/// </summary>
public sealed class StoreState
{
    public int Id { get; set; } = 1;
    public long Generation { get; set; }
}

/// <summary>A row of <c>shop_counts</c>: how many events a shop has stored, kept by each write (a report prints it).</summary>
public sealed class ShopCount
{
    public required string Shop { get; set; }
    public long Events { get; set; }

    /// <summary>
    /// PostgreSQL: added to by every committed write of the shop (writers of different shops run at once there, so the
    /// store-wide <see cref="StoreState.Generation"/> is SQLite's only); a store that finds it moved forgets the shop.
    /// </summary>
    public long Generation { get; set; }
}

/// <summary>The change a write makes to <c>rollups</c>: facts removed count negative, facts added positive.</summary>
internal sealed class RollupChanges
{
    private static readonly string[] Sums = ["facts", "numerator", "denominator", "sum_ticks", "count", .. Enumerable.Range(0, RollupSums.BucketColumns).Select(i => "b" + i)];

    private readonly record struct Key(string Profile, string Shop, string Agent, int Hour, string Metric);

    private readonly record struct DayKey(string Profile, string Shop, int Day, string Metric);

    private readonly Dictionary<Key, long[]> _changes = [];
    private readonly Dictionary<DayKey, long[]> _days = [];
    private readonly Dictionary<string, long> _events = new(StringComparer.Ordinal);

    /// <summary>Events newly stored for a shop.</summary>
    public void AddEvents(string shop, long count)
    {
        if (count != 0) _events[shop] = _events.GetValueOrDefault(shop) + count;
    }

    static RollupChanges()
    {
        if (ReplyBuckets.Count != RollupSums.BucketColumns)
            throw new InvalidOperationException($"rollups has {RollupSums.BucketColumns} bucket columns, the engine {ReplyBuckets.Count} buckets: add a schema version");
    }

    public void Add(StoredFact f, int sign)
    {
        var key = new Key(f.Profile, f.Shop, f.Agent, f.Hour, f.Metric);
        if (!_changes.TryGetValue(key, out var d)) _changes[key] = d = new long[Sums.Length];
        AddTo(d, f, sign);
        var day = new DayKey(f.Profile, f.Shop, f.Hour / 24, f.Metric);
        if (!_days.TryGetValue(day, out var dd)) _days[day] = dd = new long[Sums.Length];
        AddTo(dd, f, sign);
    }

    private static void AddTo(long[] d, StoredFact f, int sign)
    {
        d[0] += sign;
        d[1] += sign * f.Numerator;
        d[2] += sign * f.Denominator;
        d[3] += sign * f.SumTicks;
        d[4] += sign * f.Count;
        if (f.Bucket >= 0) d[5 + f.Bucket] += sign;
    }

    /// <summary>
    /// Adds every non-zero change to <c>rollups</c>, <c>rollups_daily</c> and <c>shop_counts</c> (insert or add) inside
    /// the context's transaction, and adds one to the write generation of each of <paramref name="advanced"/>
    /// (PostgreSQL's per-shop generations; a row is created when missing). On PostgreSQL every statement goes in one
    /// batch, one round trip a transaction instead of up to seven (decisions §80).
    /// </summary>
    public async Task Apply(KefuDb db, string[] advanced, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var batch = connection is Npgsql.NpgsqlConnection pg
            ? new Npgsql.NpgsqlBatch(pg, (Npgsql.NpgsqlTransaction)(db.Database.CurrentTransaction?.GetDbTransaction()
                ?? throw new InvalidOperationException("rollups change inside the store's transaction")))
            : null;
        await using (batch)
        {
            var sink = new Statements(connection, batch);
            Upsert(sink, "rollups", ["profile", "shop", "agent", "hour", "metric"],
                _changes.Where(c => c.Value.Any(v => v != 0)).Select(c => ((object[])[c.Key.Profile, c.Key.Shop, c.Key.Agent, c.Key.Hour, c.Key.Metric], c.Value)).ToList());
            Upsert(sink, "rollups_daily", ["profile", "shop", "day", "metric"],
                _days.Where(c => c.Value.Any(v => v != 0)).Select(c => ((object[])[c.Key.Profile, c.Key.Shop, c.Key.Day, c.Key.Metric], c.Value)).ToList());
            // One row version per shop a transaction instead of two: the count and the generation in one statement (§77).
            if (advanced.Length == 0)
                Upsert(sink, "shop_counts", ["shop"], ["events"], _events.Select(c => ((object[])[c.Key], new[] { c.Value })).ToList());
            else
            {
                var advancing = advanced.ToHashSet(StringComparer.Ordinal); // an import may lock thousands of shops
                Upsert(sink, "shop_counts", ["shop"], ["events", "generation"],
                    _events.Keys.Union(advancing).Select(s => ((object[])[s], new[] { _events.GetValueOrDefault(s), advancing.Contains(s) ? 1L : 0L })).ToList());
            }
            // A row is the sum of its facts, so one whose facts all went (a provisional fact replaced by a batch that
            // followed: a customer waiting, then answered) is deleted, as if it had never been drawn; otherwise the same
            // events in one batch or in several would leave different rows (decisions §57). Only keys that lost facts
            // can have reached zero. In the batch these run after the upserts, in order.
            DeleteEmpty(sink, "rollups", ["profile", "shop", "agent", "hour", "metric"],
                _changes.Where(c => c.Value[0] < 0).Select(c => (object[])[c.Key.Profile, c.Key.Shop, c.Key.Agent, c.Key.Hour, c.Key.Metric]).ToList());
            DeleteEmpty(sink, "rollups_daily", ["profile", "shop", "day", "metric"],
                _days.Where(c => c.Value[0] < 0).Select(c => (object[])[c.Key.Profile, c.Key.Shop, c.Key.Day, c.Key.Metric]).ToList());
            if (batch is { BatchCommands.Count: > 0 }) await batch.ExecuteNonQueryAsync(ct);
        }
        _changes.Clear();
        _days.Clear();
        _events.Clear();
    }

    /// <summary>Where the statements go: run at once on SQLite's raw handle, or added to PostgreSQL's one batch.</summary>
    private readonly record struct Statements(DbConnection Connection, Npgsql.NpgsqlBatch? Batch);

    /// <summary>Deletes the rows of these keys that sum no fact any more.</summary>
    private static void DeleteEmpty(Statements sink, string table, string[] keys, List<object[]> rows)
    {
        if (rows.Count == 0) return;
        if (sink.Batch is not { } batch)
        {
            using var statement = new SqliteStatement((Microsoft.Data.Sqlite.SqliteConnection)sink.Connection,
                $"DELETE FROM {table} WHERE {string.Join(" AND ", keys.Select(c => $"\"{c}\" = ?"))} AND \"facts\" = 0");
            foreach (var key in rows)
            {
                statement.Bind(key);
                statement.Run();
            }
            return;
        }
        var command = batch.CreateBatchCommand();
        var arrays = KeyArrays(command, rows);
        command.CommandText =
            $"DELETE FROM {table} t USING unnest({string.Join(", ", arrays)}) AS k({string.Join(", ", keys.Select(c => $"\"{c}\""))}) " +
            $"WHERE {string.Join(" AND ", keys.Select(c => $"t.\"{c}\" = k.\"{c}\""))} AND t.\"facts\" = 0";
        batch.BatchCommands.Add(command);
    }

    private static void Upsert(Statements sink, string table, string[] keys, List<(object[] Key, long[] Sums)> rows) =>
        Upsert(sink, table, keys, Sums, rows);

    /// <summary><c>INSERT … ON CONFLICT (keys) DO UPDATE SET s = s + excluded.s</c>, the same SQL on both databases, one prepared statement.</summary>
    private static void Upsert(Statements sink, string table, string[] keys, string[] sums, List<(object[] Key, long[] Sums)> rows)
    {
        if (rows.Count == 0) return;
        var columns = keys.Concat(sums).ToArray();
        if (sink.Batch is not { } batch)
        {
            // Bound by position: see SqliteStatement.
            using var statement = new SqliteStatement((Microsoft.Data.Sqlite.SqliteConnection)sink.Connection,
                $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select(_ => "?"))})" +
                $" ON CONFLICT ({string.Join(", ", keys.Select(c => $"\"{c}\""))}) DO UPDATE SET " +
                string.Join(", ", sums.Select(c => $"\"{c}\" = {table}.\"{c}\" + excluded.\"{c}\"")));
            var values = new object?[columns.Length];
            foreach (var (key, d) in rows)
            {
                key.CopyTo(values, 0);
                for (var i = 0; i < d.Length; i++) values[key.Length + i] = d[i];
                statement.Bind(values);
                statement.Run();
            }
            return;
        }
        // PostgreSQL: every row in one statement, each column as an array (one round trip instead of one per row).
        // Rows whose histogram is all zero (most: only reply times fill it; 84 % of a 100,000-event run's rows) send
        // only the leading sums and the statement writes the zeros, so their 14 bucket arrays are neither sent nor
        // unnested (decisions §73); they take a second statement only when both kinds are present.
        var lead = sums.Length > RollupSums.BucketColumns ? sums.Length - RollupSums.BucketColumns : sums.Length;
        var narrow = rows.FindAll(r => !r.Sums.AsSpan(lead).ContainsAnyExcept(0L));
        var full = narrow.Count == rows.Count ? [] : rows.FindAll(r => r.Sums.AsSpan(lead).ContainsAnyExcept(0L));
        if (narrow.Count > 0) UpsertArrays(batch, table, keys, sums, lead, narrow);
        if (full.Count > 0) UpsertArrays(batch, table, keys, sums, sums.Length, full);
    }

    /// <summary>One PostgreSQL upsert of these rows over arrays: the first <paramref name="sent"/> sums from arrays, the rest 0 (and left as they are on conflict).</summary>
    private static void UpsertArrays(Npgsql.NpgsqlBatch batch, string table, string[] keys, string[] sums, int sent, List<(object[] Key, long[] Sums)> rows)
    {
        var command = batch.CreateBatchCommand();
        var arrays = KeyArrays(command, rows.ConvertAll(r => r.Key));
        for (var j = 0; j < sent; j++)
        {
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = rows.Select(r => r.Sums[j]).ToArray() });
            arrays.Add($"${keys.Length + j + 1}::bigint[]");
        }
        var names = keys.Concat(sums.Take(sent)).Select(c => $"u.\"{c}\"").Concat(Enumerable.Repeat("0", sums.Length - sent));
        command.CommandText =
            $"INSERT INTO {table} ({string.Join(", ", keys.Concat(sums).Select(c => $"\"{c}\""))}) " +
            $"SELECT {string.Join(", ", names)} FROM unnest({string.Join(", ", arrays)}) AS u({string.Join(", ", keys.Concat(sums.Take(sent)).Select(c => $"\"{c}\""))})" +
            $" ON CONFLICT ({string.Join(", ", keys.Select(c => $"\"{c}\""))}) DO UPDATE SET " +
            string.Join(", ", sums.Take(sent).Select(c => $"\"{c}\" = {table}.\"{c}\" + excluded.\"{c}\""));
        batch.BatchCommands.Add(command);
    }

    /// <summary>
    /// PostgreSQL: the rows' key columns as one positional array parameter each (<c>$1::text[]</c>, …), for
    /// <c>unnest</c>; one round trip for all rows. Both the upsert and the deletion of emptied rows bind their keys this
    /// way (positional: batch commands bind by position).
    /// </summary>
    private static List<string> KeyArrays(Npgsql.NpgsqlBatchCommand command, List<object[]> rows)
    {
        var arrays = new List<string>();
        for (var i = 0; i < rows[0].Length; i++)
        {
            (object value, var type) = rows[0][i] switch
            {
                string => ((object)rows.Select(r => (string)r[i]).ToArray(), "text"),
                int => (rows.Select(r => (int)r[i]).ToArray(), "integer"),
                var other => throw new InvalidOperationException($"no array type for {other.GetType()}"),
            };
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = value });
            arrays.Add($"${i + 1}::{type}[]");
        }
        return arrays;
    }
}
