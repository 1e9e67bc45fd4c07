using System.Data.Common;
using KefuScore.Engine.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace KefuScore.App.Storage;

/// <summary>
/// A row of <c>rollups</c>: the sum of the facts of one profile, shop, agent, local hour and metric, with the
/// reply-time histogram as fourteen columns and the number of facts summed (a row with no facts is not data).
/// Kept by adding the difference between a conversation's old and new facts whenever it is recomputed.
/// </summary>
public sealed class StoredRollup
{
    public required string Profile { get; set; }
    public required string Shop { get; set; }
    public string Agent { get; set; } = "";
    public int Hour { get; set; }
    public required string Metric { get; set; }
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
}

/// <summary>The change a write makes to <c>rollups</c>: facts removed count negative, facts added positive.</summary>
internal sealed class RollupChanges
{
    private static readonly string[] Sums = ["facts", "numerator", "denominator", "sum_ticks", "count", .. Enumerable.Range(0, StoredRollup.BucketColumns).Select(i => "b" + i)];

    private readonly record struct Key(string Profile, string Shop, string Agent, int Hour, string Metric);

    private readonly Dictionary<Key, long[]> _changes = [];

    static RollupChanges()
    {
        if (ReplyBuckets.Count != StoredRollup.BucketColumns)
            throw new InvalidOperationException($"rollups has {StoredRollup.BucketColumns} bucket columns, the engine {ReplyBuckets.Count} buckets: add a schema version");
    }

    public void Add(StoredFact f, int sign)
    {
        var key = new Key(f.Profile, f.Shop, f.Agent, f.Hour, f.Metric);
        if (!_changes.TryGetValue(key, out var d)) _changes[key] = d = new long[Sums.Length];
        d[0] += sign;
        d[1] += sign * f.Numerator;
        d[2] += sign * f.Denominator;
        d[3] += sign * f.SumTicks;
        d[4] += sign * f.Count;
        if (f.Bucket >= 0) d[5 + f.Bucket] += sign;
    }

    /// <summary>Adds every non-zero change to <c>rollups</c> (insert or add) inside the context's transaction.</summary>
    public async Task Apply(KefuDb db, CancellationToken ct)
    {
        var changed = _changes.Where(c => c.Value.Any(v => v != 0)).ToList();
        _changes.Clear();
        if (changed.Count == 0) return;
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("rollups change inside the store's transaction");
        string[] keys = ["profile", "shop", "agent", "hour", "metric"];
        var columns = keys.Concat(Sums).ToArray();
        var p = db.IsSqlite ? "$" : "@";
        command.CommandText =
            $"INSERT INTO rollups ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => p + "p" + i))}) " +
            $"ON CONFLICT ({string.Join(", ", keys.Select(c => $"\"{c}\""))}) DO UPDATE SET " +
            string.Join(", ", Sums.Select(c => $"\"{c}\" = rollups.\"{c}\" + excluded.\"{c}\""));
        var parameters = new DbParameter[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            parameters[i] = command.CreateParameter();
            parameters[i].ParameterName = p + "p" + i;
            command.Parameters.Add(parameters[i]);
        }
        foreach (var (key, d) in changed)
        {
            parameters[0].Value = key.Profile;
            parameters[1].Value = key.Shop;
            parameters[2].Value = key.Agent;
            parameters[3].Value = key.Hour;
            parameters[4].Value = key.Metric;
            for (var i = 0; i < d.Length; i++) parameters[5 + i].Value = d[i];
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
