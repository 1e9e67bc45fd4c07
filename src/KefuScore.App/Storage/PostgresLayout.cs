using System.Globalization;
using Npgsql;

namespace KefuScore.App.Storage;

/// <summary>
/// PostgreSQL's event layout (schema 8, docs/storage.md, decisions §47): <c>events</c> is partitioned by UTC day on
/// <c>at_ticks</c>, one partition <c>events_pYYYYMMDD</c> a day; a repeated (shop, id) is refused by the narrow,
/// unpartitioned <c>event_ids(shop_id, id)</c>, where the shop is the integer of <c>shop_ids</c>. This class makes
/// what a write needs exist before it writes: the day partitions of its events (and a window of days ahead) and the
/// shops' integer ids. Both are created on a connection of their own and committed at once, so a writer's
/// transaction never creates them and never waits for another's: a partition is created as a plain table and then
/// attached (<c>ATTACH PARTITION</c> takes only a SHARE UPDATE EXCLUSIVE lock on <c>events</c>, which open write
/// transactions do not conflict with; <c>CREATE TABLE … PARTITION OF</c> would need ACCESS EXCLUSIVE and wait for
/// them), under a transaction-level advisory lock so that two writers creating the same day take turns; a table
/// that exists is taken as done. What is known is remembered per store: in steady state nothing is asked.
/// </summary>
internal sealed class PostgresLayout(string connectionString, TimeProvider? clock = null) : IDisposable
{
    /// <summary>The advisory lock under which partitions are created ("KEFU" then 0x0008, apart from the writer locks).</summary>
    internal const long PartitionLock = 0x4B45_4655_0008;

    /// <summary>Days ahead of today whose partitions are made whenever partitions are made (a write just after midnight creates nothing).</summary>
    internal const int DaysAhead = 3;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly HashSet<int> _days = [];
    private readonly Dictionary<string, int> _shopIds = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public void Dispose() => _gate.Dispose();

    /// <summary>The UTC day number (days since 0001-01-01) of an instant in UTC ticks: the partition it lands in.</summary>
    internal static int Day(long utcTicks) => (int)(utcTicks / TimeSpan.TicksPerDay);

    internal static string PartitionName(int day) =>
        "events_p" + DateOnly.FromDayNumber(day).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The integer id of a shop made known by <see cref="Prepare"/>.</summary>
    public int ShopId(string shop)
    {
        lock (_shopIds) return _shopIds[shop];
    }

    /// <summary>The integer id of a shop if <see cref="Prepare"/> made it known to this layout.</summary>
    public bool TryShopId(string shop, out int id)
    {
        lock (_shopIds) return _shopIds.TryGetValue(shop, out id);
    }

    /// <summary>Makes the partitions of these instants' days and the ids of these shops exist (committed), if not known yet.</summary>
    public async Task Prepare(IEnumerable<(string Shop, long UtcTicks)> events, CancellationToken ct)
    {
        List<int>? days = null;
        List<string>? shops = null;
        lock (_shopIds)
        {
            foreach (var (shop, ticks) in events)
            {
                var day = Day(ticks);
                if (!_days.Contains(day) && !(days ??= []).Contains(day)) days.Add(day);
                if (!_shopIds.ContainsKey(shop) && !(shops ??= []).Contains(shop, StringComparer.Ordinal)) shops.Add(shop);
            }
        }
        if (days is null && shops is null) return;
        await _gate.WaitAsync(ct);
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(ct);
            if (days is not null)
            {
                var today = Day(_clock.GetUtcNow().UtcTicks);
                foreach (var ahead in Enumerable.Range(today, DaysAhead + 1))
                    if (!_days.Contains(ahead) && !days.Contains(ahead)) days.Add(ahead);
                await CreatePartitions(connection, days, ct);
                lock (_shopIds) _days.UnionWith(days);
            }
            if (shops is not null)
            {
                var ids = await InternShops(connection, shops, ct);
                lock (_shopIds)
                    foreach (var (shop, id) in ids) _shopIds[shop] = id;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Creates the missing partitions of these days in one transaction under <see cref="PartitionLock"/>. Used by the
    /// writers (on their own connection) and by the schema-8 migration (inside its transaction).
    /// </summary>
    internal static async Task CreatePartitions(NpgsqlConnection connection, IReadOnlyCollection<int> days, CancellationToken ct, NpgsqlTransaction? outer = null)
    {
        if (days.Count == 0) return;
        for (var attempt = 1; ; attempt++)
        {
            var tx = outer ?? await connection.BeginTransactionAsync(ct);
            try
            {
                await Execute(connection, tx, $"SELECT pg_advisory_xact_lock({PartitionLock})", ct);
                var existing = new HashSet<string>(StringComparer.Ordinal);
                await using (var command = new NpgsqlCommand(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass", connection, tx))
                await using (var reader = await command.ExecuteReaderAsync(ct))
                    while (await reader.ReadAsync(ct)) existing.Add(reader.GetString(0));
                foreach (var day in days.Order())
                {
                    var name = PartitionName(day);
                    if (existing.Contains(name)) continue;
                    var from = (long)day * TimeSpan.TicksPerDay;
                    // Names and bounds from integers only: nothing from outside goes into this SQL.
                    await Execute(connection, tx, $"CREATE TABLE IF NOT EXISTS {name} (LIKE events INCLUDING DEFAULTS)", ct);
                    await Execute(connection, tx, $"ALTER TABLE events ATTACH PARTITION {name} FOR VALUES FROM ({from}) TO ({from + TimeSpan.TicksPerDay})", ct);
                }
                if (outer is null) await tx.CommitAsync(ct);
                return;
            }
            // Another writer that does not take the lock (an older build cannot: it predates partitions) made it
            // first: the day exists, which is all that was wanted; look again.
            catch (PostgresException e) when (outer is null && attempt < 3 && e.SqlState is PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.InvalidObjectDefinition)
            {
                await tx.RollbackAsync(ct);
            }
            finally
            {
                if (outer is null) await tx.DisposeAsync();
            }
        }
    }

    /// <summary>The integer ids of these shops, created when missing (committed at once: an id never changes).</summary>
    internal static async Task<List<(string Shop, int Id)>> InternShops(NpgsqlConnection connection, IReadOnlyList<string> shops, CancellationToken ct, NpgsqlTransaction? tx = null)
    {
        await using (var insert = new NpgsqlCommand("INSERT INTO shop_ids (shop) SELECT unnest(@s::text[]) ORDER BY 1 ON CONFLICT (shop) DO NOTHING", connection, tx))
        {
            insert.Parameters.AddWithValue("s", shops.ToArray());
            await insert.ExecuteNonQueryAsync(ct);
        }
        var ids = new List<(string, int)>(shops.Count);
        await using var select = new NpgsqlCommand("SELECT shop, id FROM shop_ids WHERE shop = ANY(@s)", connection, tx);
        select.Parameters.AddWithValue("s", shops.ToArray());
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add((reader.GetString(0), reader.GetInt32(1)));
        return ids;
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Schema 9 on PostgreSQL: the facts of a conversation as one row of <c>fact_rows</c> (one array per column, one
    /// index entry per conversation, decisions §54), and <c>facts</c> a view giving one row per fact with the columns
    /// of the old table, so every reader stays as it was. Moves the rows of a plain <c>facts</c> (a version-8 database,
    /// or the one <c>EnsureCreated</c> just made) and drops it; does nothing when <c>facts</c> is already the view.
    /// Runs inside the caller's transaction.
    /// </summary>
    internal static async Task PackFacts(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using (var kind = new NpgsqlCommand("SELECT relkind::text FROM pg_class WHERE oid = to_regclass('facts')", connection, tx))
            if ((string?)await kind.ExecuteScalarAsync(ct) == "v") return;
        string[] steps =
        [
            "ALTER TABLE facts RENAME TO facts_v8",
            // Keys compared bytewise, as in events. A conversation's arrays stay in the row up to a page
            // (toast_tuple_target): compressing or moving out a few hundred bytes would cost more than it saves.
            "CREATE TABLE fact_rows (id bigint GENERATED BY DEFAULT AS IDENTITY, profile text COLLATE \"C\" NOT NULL, " +
                "shop text COLLATE \"C\" NOT NULL, conversation text COLLATE \"C\" NOT NULL, agent text[] NOT NULL, hour integer[] NOT NULL, " +
                "metric text[] NOT NULL, numerator bigint[] NOT NULL, denominator bigint[] NOT NULL, sum_ticks bigint[] NOT NULL, " +
                "\"count\" bigint[] NOT NULL, bucket smallint[] NOT NULL) WITH (toast_tuple_target = 8160)",
            "CREATE INDEX ix_fact_rows_profile_shop_conversation ON fact_rows (profile, shop, conversation)",
            // A fact's seq in the view is its row's id and its place in the arrays: unique, which is all a reader needs.
            $"CREATE VIEW facts AS SELECT r.id * {FactsPerRow} + u.n AS seq, r.profile, r.shop, r.conversation, u.agent, u.hour, u.metric, " +
                "u.numerator, u.denominator, u.sum_ticks, u.\"count\", u.bucket FROM fact_rows r CROSS JOIN LATERAL " +
                "unnest(r.agent, r.hour, r.metric, r.numerator, r.denominator, r.sum_ticks, r.\"count\", r.bucket) " +
                "WITH ORDINALITY AS u(agent, hour, metric, numerator, denominator, sum_ticks, \"count\", bucket, n)",
            // One row per conversation (and one for a shop's ratings outside any conversation), facts in seq order.
            "INSERT INTO fact_rows (profile, shop, conversation, agent, hour, metric, numerator, denominator, sum_ticks, \"count\", bucket) " +
                "SELECT profile, shop, conversation, array_agg(agent ORDER BY seq), array_agg(hour ORDER BY seq), array_agg(metric ORDER BY seq), " +
                "array_agg(numerator ORDER BY seq), array_agg(denominator ORDER BY seq), array_agg(sum_ticks ORDER BY seq), " +
                "array_agg(\"count\" ORDER BY seq), array_agg(bucket ORDER BY seq) FROM facts_v8 GROUP BY profile, shop, conversation",
            "DROP TABLE facts_v8",
        ];
        foreach (var sql in steps) await Execute(connection, tx, sql, ct);
    }

    /// <summary>
    /// Schema 11 on PostgreSQL: <c>conversation_ids(shop_id, conversation)</c>, one narrow row per conversation with a
    /// stored event of <paramref name="types"/>, so that asking whether a conversation new to a store has stored events
    /// is one probe of its key instead of one of the (shop, conversation) index of every day partition of <c>events</c>
    /// (schema 10's function, which grew with the days kept: decisions §73). Filled from the stored events; schema 10's
    /// function is dropped. Runs inside the caller's transaction; does nothing when the table exists.
    /// </summary>
    internal static async Task CreateConversationIds(NpgsqlConnection connection, NpgsqlTransaction tx, short[] types, CancellationToken ct)
    {
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('conversation_ids') IS NOT NULL", connection, tx))
            if ((bool)(await exists.ExecuteScalarAsync(ct))!) return;
        string[] steps =
        [
            // Bytewise, as in events and event_ids: only equality is asked.
            "CREATE TABLE conversation_ids (shop_id integer NOT NULL, conversation text COLLATE \"C\" NOT NULL, PRIMARY KEY (shop_id, conversation))",
            // Types from the caller's constant array only: nothing from outside goes into this SQL.
            "INSERT INTO conversation_ids (shop_id, conversation) SELECT DISTINCT s.id, e.conversation FROM events e JOIN shop_ids s ON s.shop = e.shop " +
                $"WHERE e.conversation <> '' AND e.type IN ({string.Join(", ", types)})",
            "DROP FUNCTION IF EXISTS kefu_stored_conversations(text[], text[], smallint[])",
        ];
        foreach (var sql in steps) await Execute(connection, tx, sql, ct);
    }

    /// <summary>
    /// Schema 12: the increment of <c>events.seq</c>'s identity, so that one <c>nextval</c> reserves this many seqs
    /// for a writer's COPY (which writes seq itself, <see cref="PostgresRows"/>) instead of one call per row.
    /// </summary>
    internal const int SeqBlock = 1024;

    /// <summary>
    /// Schema 12 on PostgreSQL: <c>events.seq</c>'s identity steps by <see cref="SeqBlock"/>. Seqs already drawn stay;
    /// the next one is past them. Runs inside the caller's transaction; setting it again changes nothing.
    /// </summary>
    internal static Task SeqInBlocks(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct) =>
        Execute(connection, tx, $"ALTER TABLE events ALTER COLUMN seq SET INCREMENT BY {SeqBlock}", ct);

    /// <summary>More than any conversation's facts: a fact's seq in the <c>facts</c> view is its row's id times this plus its place.</summary>
    internal const long FactsPerRow = 1_000_000;

    /// <summary>
    /// Schema 8 on PostgreSQL: turns a plain <c>events</c> (a version-7 database, or the one <c>EnsureCreated</c> just
    /// made from the model) into the partitioned table with the same name and columns, moving its rows into day
    /// partitions, and fills <c>shop_ids</c> and <c>event_ids</c> from them. Does nothing when <c>events</c> is
    /// already partitioned; runs inside the caller's transaction.
    /// </summary>
    internal static async Task Migrate(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await Execute(connection, tx, "CREATE TABLE IF NOT EXISTS shop_ids (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, shop text NOT NULL UNIQUE)", ct);
        // Bytewise "C" comparison: the key is compared at every step of every insert, and only equality matters.
        await Execute(connection, tx, "CREATE TABLE IF NOT EXISTS event_ids (shop_id integer NOT NULL, id text COLLATE \"C\" NOT NULL, PRIMARY KEY (shop_id, id))", ct);
        await using (var kind = new NpgsqlCommand("SELECT relkind::text FROM pg_class WHERE oid = 'events'::regclass", connection, tx))
            if ((string?)await kind.ExecuteScalarAsync(ct) == "p") return;
        // The old table and its indexes step aside (their names go to the new ones); LIKE copies the columns exactly,
        // with their defaults and the identity of seq (a new sequence, set past the old seqs below).
        await Execute(connection, tx, "ALTER TABLE events RENAME TO events_v7", ct);
        await using (var names = new NpgsqlCommand("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'events_v7'", connection, tx))
        {
            var indexes = new List<string>();
            await using (var reader = await names.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct)) indexes.Add(reader.GetString(0));
            // Index names read from the catalog, quoted as identifiers.
            foreach (var index in indexes)
                await Execute(connection, tx, $"ALTER INDEX \"{index.Replace("\"", "\"\"", StringComparison.Ordinal)}\" RENAME TO \"v7_{index.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", ct);
        }
        await Execute(connection, tx, "CREATE TABLE events (LIKE events_v7 INCLUDING DEFAULTS INCLUDING IDENTITY) PARTITION BY RANGE (at_ticks)", ct);
        // Keys compared bytewise (as SQLite does): equality is all the write path asks, and a "C" comparison is a
        // memcmp where a libc collation copies both strings and calls strcoll at every step of an index descent.
        await Execute(connection, tx, "ALTER TABLE events ALTER COLUMN shop TYPE text COLLATE \"C\", ALTER COLUMN id TYPE text COLLATE \"C\", " +
            "ALTER COLUMN conversation TYPE text COLLATE \"C\"", ct);
        // One index, (shop, conversation): a conversation's events, and, within a day's partition, a shop's events of
        // that day, so a shop's time range is its prefix in the pruned partitions (the old (shop, at_ticks) index
        // only narrowed the first and last day further). No seq key and no (shop, id) index: nothing reads by them
        // (the live monitor orders by seq over a recent time range only), and event_ids refuses repeated ids.
        await Execute(connection, tx, "CREATE INDEX ix_events_shop_conversation ON events (shop, conversation)", ct);
        var days = new List<int>();
        await using (var command = new NpgsqlCommand($"SELECT DISTINCT (at_ticks / {TimeSpan.TicksPerDay})::integer FROM events_v7", connection, tx) { CommandTimeout = 0 })
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) days.Add(reader.GetInt32(0));
        await CreatePartitions(connection, days, ct, tx);
        string[] moves =
        [
            "INSERT INTO events SELECT * FROM events_v7",
            "INSERT INTO shop_ids (shop) SELECT DISTINCT shop FROM events_v7 ORDER BY 1 ON CONFLICT (shop) DO NOTHING",
            "INSERT INTO event_ids (shop_id, id) SELECT s.id, e.id FROM events_v7 e JOIN shop_ids s ON s.shop = e.shop ON CONFLICT DO NOTHING",
            "SELECT setval(pg_get_serial_sequence('events', 'seq'), GREATEST((SELECT max(seq) FROM events_v7), 1))",
            "DROP TABLE events_v7",
        ];
        foreach (var sql in moves) await Execute(connection, tx, sql, ct);
    }
}
