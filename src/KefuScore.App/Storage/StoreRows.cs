using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using KefuScore.Engine.Events;
using SQLitePCL;

namespace KefuScore.App.Storage;

/// <summary>
/// The row writes a write transaction makes thousands of times: new events (known (shop, id) pairs skipped), facts
/// added (their seq learnt, so that a later change deletes exactly them) and facts deleted by seq. SQLite binds by
/// position on prepared statements through the raw handle: Microsoft.Data.Sqlite looks every named parameter up by
/// name on every execution, which was a quarter of an import's time (docs/benchmarks.md). PostgreSQL uses binary COPY.
/// Column lists follow <see cref="KefuDb"/>'s names; everything runs inside the context's current transaction.
/// </summary>
internal abstract class StoreRows : IDisposable
{
    protected static readonly string[] EventColumns =
    [
        "shop", "id", "type", "at_ticks", "offset_minutes", "conversation", "customer", "sender", "agent", "kind", "text",
        "stars", "satisfaction", "reason", "order", "media", "category", "action", "status", "capacity",
    ];

    protected static readonly string[] FactColumns =
        ["profile", "shop", "conversation", "agent", "hour", "metric", "numerator", "denominator", "sum_ticks", "count", "bucket"];

    protected static string Quoted(IEnumerable<string> columns) => string.Join(", ", columns.Select(c => $"\"{c}\""));

    public static StoreRows For(KefuDb db, PostgresLayout? layout)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("row writes run inside the store's transaction");
        return connection switch
        {
            SqliteConnection sqlite => new SqliteRows(sqlite),
            NpgsqlConnection pg => new PostgresRows(pg, transaction, layout ?? throw new InvalidOperationException("PostgreSQL writes need the store's layout")),
            _ => throw new InvalidOperationException($"no row writer for {connection.GetType().Name}"),
        };
    }

    /// <summary>
    /// Inserts the events whose (shop, id) is neither stored nor earlier in <paramref name="events"/> (the first of equal
    /// ids wins, as in the fold); returns, for each event, whether it was inserted.
    /// </summary>
    public abstract Task<bool[]> InsertNewEvents(IReadOnlyList<ChatEvent> events, CancellationToken ct);

    /// <summary>Inserts the facts and, on SQLite, sets each one's <see cref="StoredFact.Seq"/> (PostgreSQL's facts are rows of <c>fact_rows</c>, with no seq of their own).</summary>
    public abstract Task InsertFacts(IReadOnlyList<StoredFact> facts, CancellationToken ct);

    public abstract Task DeleteFacts(IReadOnlyList<long> seqs, CancellationToken ct);

    /// <summary>
    /// Whether facts are kept as one row per conversation (PostgreSQL, schema 9): a conversation's changed facts are
    /// then written whole by <see cref="ReplaceConversations"/>, not by <see cref="DeleteFacts"/> and <see cref="InsertFacts"/>.
    /// </summary>
    public virtual bool PacksFacts => false;

    /// <summary>Replaces each conversation's stored facts by all of its facts as they now stand (none: its row goes).</summary>
    public virtual Task ReplaceConversations(IReadOnlyList<ConversationFacts> conversations, CancellationToken ct) =>
        throw new NotSupportedException("SQLite keeps a row per fact");

    /// <summary>Forgets that these ids of a shop were stored (their events were deleted), so that they may be stored again.</summary>
    public virtual Task ForgetIds(string shop, string[] ids, CancellationToken ct) => Task.CompletedTask; // SQLite: the ids are the events' own index

    /// <summary>
    /// Which of these (shop, conversation) pairs have a stored event of one of <paramref name="types"/>; PostgreSQL may
    /// also answer pairs whose events were refused or deleted (a read-back then finds nothing), never miss one.
    /// </summary>
    public abstract Task<HashSet<(string Shop, string Conversation)>> StoredConversations(IReadOnlyList<(string Shop, string Conversation)> keys, short[] types, CancellationToken ct);

    /// <summary>
    /// PostgreSQL only: takes the transaction-level advisory locks (<paramref name="space"/>, key) in the order given and
    /// returns the shops' write generations (<c>shop_counts.generation</c>; a shop without a row is absent).
    /// </summary>
    public virtual Task<Dictionary<string, long>> LockShops(int space, string[] shops, int[] keys, CancellationToken ct) =>
        throw new NotSupportedException("SQLite has one writer for the whole file");

    public abstract void Dispose();
}

/// <summary>
/// All the facts of one conversation (<paramref name="Conversation"/> "" for a shop's ratings outside any), and
/// whether any were stored before (its row then exists and is replaced).
/// </summary>
internal readonly record struct ConversationFacts(string Profile, string Shop, string Conversation, bool Stored, IReadOnlyList<StoredFact> All);

/// <summary>SQLite: one prepared statement per kind of write, bound by position (see <see cref="SqliteStatement"/>).</summary>
internal sealed class SqliteRows(SqliteConnection connection) : StoreRows
{
    private readonly SqliteStatement _insertEvent = new(connection,
        $"INSERT INTO events ({Quoted(EventColumns)}) VALUES ({string.Join(", ", EventColumns.Select(_ => "?"))}) ON CONFLICT (shop, id) DO NOTHING");
    private readonly SqliteStatement _insertFact = new(connection,
        $"INSERT INTO facts ({Quoted(FactColumns)}) VALUES ({string.Join(", ", FactColumns.Select(_ => "?"))})");
    private readonly SqliteStatement _deleteFact = new(connection, "DELETE FROM facts WHERE seq = ?");
    private SqliteStatement? _conversation;

    public override Task<HashSet<(string Shop, string Conversation)>> StoredConversations(IReadOnlyList<(string Shop, string Conversation)> keys, short[] types, CancellationToken ct)
    {
        // One probe of the (shop, conversation) index per pair.
        _conversation ??= new SqliteStatement(connection,
            $"SELECT 1 FROM events WHERE shop = ? AND conversation = ? AND type IN ({string.Join(", ", types)}) LIMIT 1");
        var stored = new HashSet<(string, string)>();
        foreach (var key in keys)
        {
            _conversation.Text(1, key.Shop);
            _conversation.Text(2, key.Conversation);
            if (_conversation.Row()) stored.Add(key);
        }
        return Task.FromResult(stored);
    }

    public override Task<bool[]> InsertNewEvents(IReadOnlyList<ChatEvent> events, CancellationToken ct)
    {
        var inserted = new bool[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            // The columns of StoredEvent.From, bound straight from the event.
            var e = events[i];
            var s = _insertEvent;
            s.Text(1, e.Shop); s.Text(2, e.Id); s.Integer(3, (short)e.Type); s.Integer(4, e.At.UtcTicks);
            s.Integer(5, (short)(e.At.Offset.Ticks / TimeSpan.TicksPerMinute)); s.Text(6, e.Conversation ?? ""); s.Text(7, e.Customer);
            s.Integer(8, (short)e.Sender); s.Text(9, e.Agent); s.Integer(10, (short)e.Kind); s.Text(11, e.Text); s.Integer(12, e.Stars);
            s.Integer(13, (short)e.Satisfaction); s.Text(14, e.Reason); s.Text(15, e.Order); s.Text(16, e.Media); s.Text(17, e.Category);
            s.Text(18, e.Action); s.Text(19, e.Status); s.Integer(20, e.Capacity);
            inserted[i] = s.Run() == 1;
        }
        return Task.FromResult(inserted);
    }

    public override Task InsertFacts(IReadOnlyList<StoredFact> facts, CancellationToken ct)
    {
        foreach (var f in facts)
        {
            var s = _insertFact;
            s.Text(1, f.Profile); s.Text(2, f.Shop); s.Text(3, f.Conversation); s.Text(4, f.Agent); s.Integer(5, f.Hour); s.Text(6, f.Metric);
            s.Integer(7, f.Numerator); s.Integer(8, f.Denominator); s.Integer(9, f.SumTicks); s.Integer(10, f.Count); s.Integer(11, f.Bucket);
            s.Run();
            f.Seq = _insertFact.LastRowId;
        }
        return Task.CompletedTask;
    }

    public override Task DeleteFacts(IReadOnlyList<long> seqs, CancellationToken ct)
    {
        foreach (var seq in seqs)
        {
            _deleteFact.Integer(1, seq);
            _deleteFact.Run();
        }
        return Task.CompletedTask;
    }

    public override void Dispose()
    {
        _insertEvent.Dispose();
        _insertFact.Dispose();
        _deleteFact.Dispose();
        _conversation?.Dispose();
    }
}

/// <summary>
/// PostgreSQL (schema 8): a batch's new ids by binary COPY into the narrow <c>event_ids(shop_id, id)</c> under a
/// savepoint, the stored pairs looked up only when its primary key refuses a row (measured: a lookup first for every
/// batch, or <c>INSERT … ON CONFLICT DO NOTHING</c>, each cost more than the COPY); then the new events by binary COPY
/// into the partitioned <c>events</c>, which has no unique index of its own. Facts (schema 9) as one row of
/// <c>fact_rows</c> per conversation, an array per column: a changed conversation's row is deleted and written again
/// whole by COPY, one heap row and one index entry where a row per fact took one of each per fact plus a seq key.
/// </summary>
internal sealed class PostgresRows(NpgsqlConnection connection, DbTransaction transaction, PostgresLayout layout) : StoreRows
{

    public override async Task<bool[]> InsertNewEvents(IReadOnlyList<ChatEvent> events, CancellationToken ct)
    {
        var rows = events.Select(StoredEvent.From).ToList();
        var inserted = new bool[rows.Count];
        if (rows.Count == 0) return inserted;
        var tx = (NpgsqlTransaction)transaction;
        // Most batches repeat nothing stored: their ids are COPY'd straight in, under a savepoint. Only when the key of
        // event_ids refuses a row is that rolled back, the stored pairs looked up, and the rest copied.
        var fresh = FirstOfEach(rows, [], inserted);
        await tx.SaveAsync("kefu_events", ct);
        try
        {
            await CopyIds(fresh, ct);
            await tx.ReleaseAsync("kefu_events", ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await tx.RollbackAsync("kefu_events", ct);
            // One probe of the key per pair, the pairs as two arrays. The writer holds its shops' advisory locks, so
            // nothing can insert them between this lookup and the COPY.
            var known = new HashSet<(string, string)>();
            await using (var command = connection.CreateCommand())
            {
                command.Transaction = tx;
                command.CommandText = "SELECT p.shop, p.id FROM unnest(@s::text[], @k::integer[], @i::text[]) AS p(shop, k, id) " +
                    "WHERE EXISTS (SELECT 1 FROM event_ids x WHERE x.shop_id = p.k AND x.id = p.id)";
                command.Parameters.AddWithValue("s", rows.Select(r => r.Shop).ToArray());
                command.Parameters.AddWithValue("k", rows.Select(r => layout.ShopId(r.Shop)).ToArray());
                command.Parameters.AddWithValue("i", rows.Select(r => r.Id).ToArray());
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) known.Add((reader.GetString(0), reader.GetString(1)));
            }
            Array.Clear(inserted);
            fresh = FirstOfEach(rows, known, inserted);
            await CopyIds(fresh, ct);
        }
        await CopyEvents(fresh, ct);
        return inserted;
    }

    public override async Task ForgetIds(string shop, string[] ids, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = (NpgsqlTransaction)transaction;
        command.CommandText = "DELETE FROM event_ids x USING shop_ids s WHERE s.shop = @s AND x.shop_id = s.id AND x.id = ANY(@i)";
        command.Parameters.AddWithValue("s", shop);
        command.Parameters.AddWithValue("i", ids);
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task CopyIds(List<StoredEvent> rows, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync("COPY event_ids (shop_id, id) FROM STDIN (FORMAT BINARY)", ct);
        string? shop = null;
        var key = 0;
        foreach (var e in rows)
        {
            if (!ReferenceEquals(e.Shop, shop))
            {
                shop = e.Shop;
                key = layout.ShopId(shop);
            }
            copy.StartRow();
            copy.Write(key, NpgsqlDbType.Integer);
            copy.Write(e.Id, NpgsqlDbType.Text);
        }
        await copy.CompleteAsync(ct);
    }

    /// <summary>The rows whose (shop, id) is not in <paramref name="known"/> nor earlier in the rows (the first one wins, as in the fold), marked in <paramref name="inserted"/>.</summary>
    private static List<StoredEvent> FirstOfEach(IReadOnlyList<StoredEvent> rows, HashSet<(string, string)> known, bool[] inserted)
    {
        var fresh = new List<StoredEvent>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            if (!known.Add((rows[i].Shop, rows[i].Id))) continue;
            inserted[i] = true;
            fresh.Add(rows[i]);
        }
        return fresh;
    }

    public override bool PacksFacts => true;

    /// <summary>
    /// Facts that only ever add (ratings outside any conversation): one new row per profile, shop and conversation
    /// of them; a shop's loose ratings thus take several rows, which the view and <see cref="ReplaceConversations"/> read and replace together.
    /// </summary>
    public override async Task InsertFacts(IReadOnlyList<StoredFact> facts, CancellationToken ct)
    {
        if (facts.Count == 0) return;
        var rows = facts.GroupBy(f => (f.Profile, f.Shop, f.Conversation)).Select(g => new ConversationFacts(g.Key.Profile, g.Key.Shop, g.Key.Conversation, false, g.ToList())).ToList();
        await CopyFactRows(rows, ct);
    }

    public override Task DeleteFacts(IReadOnlyList<long> seqs, CancellationToken ct) =>
        throw new NotSupportedException("PostgreSQL replaces a conversation's facts whole (ReplaceConversations)");

    public override async Task ReplaceConversations(IReadOnlyList<ConversationFacts> conversations, CancellationToken ct)
    {
        var stored = conversations.Where(c => c.Stored).ToList();
        if (stored.Count > 0)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = (NpgsqlTransaction)transaction;
            command.CommandText = "DELETE FROM fact_rows r USING unnest(@p::text[], @s::text[], @c::text[]) AS k(profile, shop, conversation) " +
                "WHERE r.profile = k.profile AND r.shop = k.shop AND r.conversation = k.conversation";
            command.Parameters.AddWithValue("p", stored.Select(c => c.Profile).ToArray());
            command.Parameters.AddWithValue("s", stored.Select(c => c.Shop).ToArray());
            command.Parameters.AddWithValue("c", stored.Select(c => c.Conversation).ToArray());
            await command.ExecuteNonQueryAsync(ct);
        }
        await CopyFactRows(conversations.Where(c => c.All.Count > 0), ct);
    }

    private async Task CopyFactRows(IEnumerable<ConversationFacts> conversations, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY fact_rows (profile, shop, conversation, agent, hour, metric, numerator, denominator, sum_ticks, \"count\", bucket) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var c in conversations)
        {
            var all = c.All;
            copy.StartRow();
            copy.Write(c.Profile, NpgsqlDbType.Text); copy.Write(c.Shop, NpgsqlDbType.Text); copy.Write(c.Conversation, NpgsqlDbType.Text);
            copy.Write(Column(all, f => f.Agent), NpgsqlDbType.Array | NpgsqlDbType.Text);
            copy.Write(Column(all, f => f.Hour), NpgsqlDbType.Array | NpgsqlDbType.Integer);
            copy.Write(Column(all, f => f.Metric), NpgsqlDbType.Array | NpgsqlDbType.Text);
            copy.Write(Column(all, f => f.Numerator), NpgsqlDbType.Array | NpgsqlDbType.Bigint);
            copy.Write(Column(all, f => f.Denominator), NpgsqlDbType.Array | NpgsqlDbType.Bigint);
            copy.Write(Column(all, f => f.SumTicks), NpgsqlDbType.Array | NpgsqlDbType.Bigint);
            copy.Write(Column(all, f => f.Count), NpgsqlDbType.Array | NpgsqlDbType.Bigint);
            copy.Write(Column(all, f => f.Bucket), NpgsqlDbType.Array | NpgsqlDbType.Smallint);
        }
        await copy.CompleteAsync(ct);
    }

    private static T[] Column<T>(IReadOnlyList<StoredFact> facts, Func<StoredFact, T> value)
    {
        var column = new T[facts.Count];
        for (var i = 0; i < column.Length; i++) column[i] = value(facts[i]);
        return column;
    }

    /// <summary>
    /// Schema 11: one statement claims the pairs in <c>conversation_ids</c>; those it adds had no row, so no stored
    /// event, and the rest are stored. Claiming them at once is right because every pair asked about is a conversation
    /// of events the caller stores in this transaction (a row committed with them), and a row without events (their
    /// ids refused, or deleted later) only makes a later writer read back nothing. <paramref name="types"/> is the
    /// rule the rows were filled by (<see cref="PostgresLayout.CreateConversationIds"/>). A shop this writer has not
    /// prepared (a deletion's) stores nothing here: its pairs are answered as stored and read back.
    /// </summary>
    public override async Task<HashSet<(string Shop, string Conversation)>> StoredConversations(IReadOnlyList<(string Shop, string Conversation)> keys, short[] types, CancellationToken ct)
    {
        var stored = new HashSet<(string, string)>();
        var shopIds = new List<int>(keys.Count);
        var conversations = new List<string>(keys.Count);
        var shops = new Dictionary<int, string>();
        foreach (var key in keys)
        {
            if (!layout.TryShopId(key.Shop, out var id))
            {
                stored.Add(key);
                continue;
            }
            shopIds.Add(id);
            conversations.Add(key.Conversation);
            shops[id] = key.Shop;
        }
        if (shopIds.Count == 0) return stored;
        var added = new HashSet<(int, string)>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = (NpgsqlTransaction)transaction;
            // Shop ids from the layout, not joined in SQL: a join made PostgreSQL plan the statement again at every
            // call (it judged each custom plan, knowing the arrays, cheaper than the generic one: 0.11 ms a call in a
            // cluster run, more than executing it; decisions §73).
            command.CommandText = "INSERT INTO conversation_ids (shop_id, conversation) SELECT * FROM unnest(@s::integer[], @k::text[]) " +
                "ON CONFLICT DO NOTHING RETURNING shop_id, conversation";
            command.Parameters.AddWithValue("s", shopIds.ToArray());
            command.Parameters.AddWithValue("k", conversations.ToArray());
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) added.Add((reader.GetInt32(0), reader.GetString(1)));
        }
        for (var i = 0; i < shopIds.Count; i++)
            if (!added.Contains((shopIds[i], conversations[i]))) stored.Add((shops[shopIds[i]], conversations[i]));
        return stored;
    }

    public override async Task<Dictionary<string, long>> LockShops(int space, string[] shops, int[] keys, CancellationToken ct)
    {
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = (NpgsqlTransaction)transaction;
            // unnest yields the keys in array order, and the locks are taken row by row in that order.
            command.CommandText = "SELECT count(pg_advisory_xact_lock(@c, k)) FROM unnest(@k::integer[]) AS k";
            command.Parameters.AddWithValue("c", space);
            command.Parameters.AddWithValue("k", keys);
            command.CommandTimeout = 0; // a lock waits for the other writer's commit, however long its import
            await command.ExecuteScalarAsync(ct);
        }
        var generations = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = (NpgsqlTransaction)transaction;
            command.CommandText = "SELECT shop, generation FROM shop_counts WHERE shop = ANY(@s)";
            command.Parameters.AddWithValue("s", shops);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) generations[reader.GetString(0)] = reader.GetInt64(1);
        }
        return generations;
    }

    public override void Dispose() { }

    private async Task<object?> Scalar(string sql, object? parameter, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = (NpgsqlTransaction)transaction;
        command.CommandText = sql;
        if (parameter is not null) command.Parameters.AddWithValue("p", parameter);
        return await command.ExecuteScalarAsync(ct);
    }

    // Binary COPY, one typed write per column in the order of EventColumns (the types of KefuDb's model:
    // short → smallint, int → integer, long → bigint). Synchronous writes fill Npgsql's buffer and block only when it
    // is flushed; an await per value cost more than the value.
    // Schema 12: seq is written, not left to the identity's default, whose nextval per row (a buffer lock on the
    // sequence, WAL every 32 values) was 6 % of the COPY (decisions §84). Each nextval now reserves a block of
    // PostgresLayout.SeqBlock values (the sequence's increment), used in row order, so seqs still grow with arrival
    // within a writer and never repeat across writers; a block's unused tail is skipped.
    private async Task CopyEvents(List<StoredEvent> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        var count = (rows.Count + PostgresLayout.SeqBlock - 1) / PostgresLayout.SeqBlock;
        var blocks = new List<long>(count);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = (NpgsqlTransaction)transaction;
            command.CommandText = "SELECT nextval(pg_get_serial_sequence('events', 'seq')) FROM generate_series(1, @n)";
            command.Parameters.AddWithValue("n", count);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) blocks.Add(reader.GetInt64(0));
        }
        await using var copy = await connection.BeginBinaryImportAsync($"COPY events (seq, {Quoted(EventColumns)}) FROM STDIN (FORMAT BINARY)", ct);
        for (var i = 0; i < rows.Count; i++)
        {
            var e = rows[i];
            copy.StartRow();
            copy.Write(blocks[i / PostgresLayout.SeqBlock] + i % PostgresLayout.SeqBlock, NpgsqlDbType.Bigint);
            Text(copy, e.Shop); Text(copy, e.Id); copy.Write(e.Type, NpgsqlDbType.Smallint); copy.Write(e.AtTicks, NpgsqlDbType.Bigint);
            copy.Write(e.OffsetMinutes, NpgsqlDbType.Smallint); Text(copy, e.Conversation); Text(copy, e.Customer);
            copy.Write(e.Sender, NpgsqlDbType.Smallint); Text(copy, e.Agent); copy.Write(e.Kind, NpgsqlDbType.Smallint); Text(copy, e.Text);
            copy.Write(e.Stars, NpgsqlDbType.Smallint); copy.Write(e.Satisfaction, NpgsqlDbType.Smallint); Text(copy, e.Reason);
            Text(copy, e.Order); Text(copy, e.Media); Text(copy, e.Category); Text(copy, e.Action); Text(copy, e.Status);
            copy.Write(e.Capacity, NpgsqlDbType.Integer);
        }
        await copy.CompleteAsync(ct);
    }

    private static void Text(NpgsqlBinaryImporter copy, string? value)
    {
        if (value is null) copy.WriteNull();
        else copy.Write(value, NpgsqlDbType.Text);
    }
}

/// <summary>
/// A prepared SQLite statement run many times with values bound by position, through SQLitePCL's raw API on the
/// connection Microsoft.Data.Sqlite opened (so it shares that connection's transaction).
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    private byte[] _utf8 = new byte[256];

    public void Bind(params ReadOnlySpan<object?> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            switch (values[i])
            {
                case null: Check(raw.sqlite3_bind_null(_statement, i + 1)); break;
                case string s: Text(i + 1, s); break;
                case short h: Integer(i + 1, h); break;
                case int n: Integer(i + 1, n); break;
                case long l: Integer(i + 1, l); break;
                case var other: throw new InvalidOperationException($"no SQLite binding for {other.GetType()}");
            }
        }
    }

    /// <summary>Binds text (or null) at a 1-based position, encoded into a buffer the statement reuses (SQLite copies it).</summary>
    public void Text(int index, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, index));
            return;
        }
        var max = System.Text.Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_utf8.Length < max) _utf8 = new byte[Math.Max(max, _utf8.Length * 2)];
        var length = System.Text.Encoding.UTF8.GetBytes(value, _utf8);
        Check(raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, length)));
    }

    public void Integer(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    /// <summary>Runs the statement to its end and resets it; returns the rows it changed.</summary>
    public int Run()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE) Check(rc);
        return raw.sqlite3_changes(_db);
    }

    /// <summary>Runs a query and resets it; returns whether it gave a row.</summary>
    public bool Row()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc is not (raw.SQLITE_ROW or raw.SQLITE_DONE)) Check(rc);
        return rc == raw.SQLITE_ROW;
    }

    public long LastRowId => raw.sqlite3_last_insert_rowid(_db);

    /// <summary>Runs one statement without values (a pragma) on the context's open SQLite connection.</summary>
    public static void Execute(KefuDb db, string sql)
    {
        using var statement = new SqliteStatement((SqliteConnection)db.Database.GetDbConnection(), sql);
        statement.Run();
    }

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
            throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(_db));
    }

    public void Dispose() => _statement.Dispose();
}
