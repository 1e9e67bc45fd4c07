using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace KefuScore.App.Storage;

/// <summary>
/// Inserts many events or facts inside the context's current transaction without the change tracker: one prepared
/// statement reused per row on SQLite, binary COPY on PostgreSQL. Column lists follow <see cref="KefuDb"/>'s names.
/// </summary>
internal static class BulkInsert
{
    private static readonly string[] EventColumns =
    [
        "shop", "id", "type", "at_ticks", "offset_minutes", "conversation", "customer", "sender", "agent", "kind", "text",
        "stars", "satisfaction", "reason", "order", "media", "category", "action", "status", "capacity",
    ];

    private static readonly string[] FactColumns =
        ["profile", "shop", "conversation", "agent", "hour", "metric", "numerator", "denominator", "sum_ticks", "count", "bucket"];

    private static object?[] Values(StoredEvent e) =>
    [
        e.Shop, e.Id, e.Type, e.AtTicks, e.OffsetMinutes, e.Conversation, e.Customer, e.Sender, e.Agent, e.Kind, e.Text,
        e.Stars, e.Satisfaction, e.Reason, e.Order, e.Media, e.Category, e.Action, e.Status, e.Capacity,
    ];

    private static object?[] Values(StoredFact f) =>
        [f.Profile, f.Shop, f.Conversation, f.Agent, f.Hour, f.Metric, f.Numerator, f.Denominator, f.SumTicks, f.Count, f.Bucket];

    public static Task Events(KefuDb db, IReadOnlyCollection<StoredEvent> rows, CancellationToken ct) =>
        Insert(db, "events", EventColumns, rows.Select(Values), ct);

    public static Task Facts(KefuDb db, IReadOnlyCollection<StoredFact> rows, CancellationToken ct) =>
        Insert(db, "facts", FactColumns, rows.Select(Values), ct);

    private static async Task Insert(KefuDb db, string table, string[] columns, IEnumerable<object?[]> rows, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("bulk inserts run inside the store's transaction");
        if (connection is NpgsqlConnection pg)
        {
            await using var copy = await pg.BeginBinaryImportAsync(
                $"COPY {table} ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var row in rows)
            {
                await copy.StartRowAsync(ct);
                foreach (var value in row)
                {
                    switch (value)
                    {
                        case null: await copy.WriteNullAsync(ct); break;
                        case string s: await copy.WriteAsync(s, NpgsqlDbType.Text, ct); break;
                        case short h: await copy.WriteAsync(h, NpgsqlDbType.Smallint, ct); break;
                        case int i: await copy.WriteAsync(i, NpgsqlDbType.Integer, ct); break;
                        case long l: await copy.WriteAsync(l, NpgsqlDbType.Bigint, ct); break;
                        default: throw new InvalidOperationException($"no COPY type for {value.GetType()}");
                    }
                }
            }
            await copy.CompleteAsync(ct);
            return;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
        var parameters = new DbParameter[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            parameters[i] = command.CreateParameter();
            parameters[i].ParameterName = "$p" + i;
            command.Parameters.Add(parameters[i]);
        }
        await command.PrepareAsync(ct);
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++) parameters[i].Value = row[i] ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
