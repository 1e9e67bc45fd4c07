using KefuScore.App.Profiles;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using Microsoft.EntityFrameworkCore;
using System.Runtime.CompilerServices;

namespace KefuScore.App.Storage;

/// <summary>What an ingestion did: events stored, and events whose (shop, id) was already stored or repeated in the batch.</summary>
public readonly record struct IngestResult(long Accepted, long Duplicates)
{
    public static IngestResult operator +(IngestResult a, IngestResult b) => new(a.Accepted + b.Accepted, a.Duplicates + b.Duplicates);
}

/// <summary>
/// Ingestion: stores new events and keeps each conversation's facts equal to what the engine draws from all of its
/// stored events. A batch is one transaction: its new events are inserted (known (shop, id) pairs are duplicates), the
/// conversations they touch are re-analysed from every stored event of theirs (kept in memory, or read back), and
/// their stored facts are brought to the new ones by difference. An event for an old hour therefore recomputes exactly
/// the conversation it belongs to, and a report summed from facts equals <c>kefu report</c> over the same events.
/// Concurrent <see cref="Ingest"/> calls are written in groups, one transaction and one commit each (docs/storage.md).
/// </summary>
public sealed class EventStore(DbContextOptions<KefuDb> options, Func<string, CompiledProfile>? profiles = null) : IDisposable
{
    private const int Chunk = 500;
    /// <summary>
    /// PostgreSQL's store-wide transaction-level advisory lock: taken shared by every write, which then locks its shops
    /// (<see cref="ShopLockSpace"/>), and exclusive by a file import, which may touch any shop as it reads.
    /// </summary>
    private const long PostgresWriterLock = 0x4B45_4655_0001;

    /// <summary>The first key of PostgreSQL's per-shop advisory locks (two-key form: this, the shop's <see cref="ShopLockKey"/>).</summary>
    private const int ShopLockSpace = 0x4B46;

    /// <summary>
    /// A shop's lock key, the same in every process (FNV-1a over its UTF-16 units; string.GetHashCode differs per
    /// process). Two shops that share a key merely wait for each other.
    /// </summary>
    internal static int ShopLockKey(string shop)
    {
        var h = 2166136261u;
        foreach (var c in shop)
        {
            h = (h ^ c) * 16777619u;
        }
        return unchecked((int)h);
    }

    internal static readonly short[] ConversationTypes =
        [(short)EventType.Message, (short)EventType.Rating, (short)EventType.Session, (short)EventType.Complaint];

    // Shops are kept under built-in profiles (kefu import --profile takes built-in ids only), which the catalog compiles once.
    private readonly Func<string, CompiledProfile> _profiles = profiles ?? ProfileCatalog.Compile;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private ConversationCache? _cache;
    /// <summary>Shop → the profile its facts are kept under, for shops this store has seen (valid with the cache).</summary>
    private readonly Dictionary<string, string> _shops = new(StringComparer.Ordinal);

    /// <summary>
    /// How many recently written conversations keep their stored events in memory, so that the next write to them
    /// needs no read-back of events (0: none). 50,000 conversations of ten events are about 100 MB.
    /// </summary>
    public int CachedConversations { get; init; } = 50_000;

    private ConversationCache Cache => _cache ??= new ConversationCache(CachedConversations);

    private PostgresLayout? _layout;
    private bool _layoutKnown;

    /// <summary>PostgreSQL's day partitions and shop ids (schema 8), made before they are written to; null on SQLite.</summary>
    internal PostgresLayout? Layout
    {
        get
        {
            if (_layoutKnown) return _layout;
            using (var db = new KefuDb(Options))
                _layout = db.IsSqlite ? null : new PostgresLayout(db.Database.GetConnectionString() ?? throw new InvalidOperationException("PostgreSQL without a connection string"));
            _layoutKnown = true;
            return _layout;
        }
    }

    /// <summary>Per profile: the incremental state's rules and a clock, or null when the profile needs whole stretches.</summary>
    private readonly Dictionary<string, (IncrementalRules Rules, LocalClock Clock)?> _incremental = new(StringComparer.Ordinal);

    /// <summary>
    /// The rules a conversation of this profile is resumed under, or null: the profile has a metric the incremental
    /// state does not cover (<see cref="IncrementalRules.For"/>, the report's own test), or asks who was online
    /// (its facts then change with agent statuses, not only with the conversation's events).
    /// </summary>
    private (IncrementalRules Rules, LocalClock Clock)? Incremental(string profileId)
    {
        if (_incremental.TryGetValue(profileId, out var known)) return known;
        var profile = _profiles(profileId);
        (IncrementalRules, LocalClock)? rules = !profile.AsksPresence && IncrementalRules.For(profile) is { } r ? (r, new LocalClock(profile.Zone)) : null;
        _incremental[profileId] = rules;
        return rules;
    }

    /// <summary>
    /// How many touched conversations one write transaction holds in memory before it writes the facts of the least
    /// recently touched half (a file import of millions of events stays bounded).
    /// </summary>
    public int OpenConversations { get; init; } = 50_000;

    public DbContextOptions<KefuDb> Options { get; } = options;

    /// <summary>The profile a shop created by ingestion keeps its facts under.</summary>
    public string NewShopProfile { get; init; } = ProfileCatalog.DefaultId;

    /// <summary>
    /// Raised after each commit, once the writer lock is released, with the events it stored (duplicates left out):
    /// the live monitor listens. Listeners may be called from several writers' threads at once.
    /// </summary>
    public event Action<IReadOnlyList<ChatEvent>>? Committed;

    /// <summary>
    /// Raised with the shops a committed transaction created (their first events) and each one's profile, just before
    /// <see cref="Committed"/>: such a shop has no stored alert rules yet, so a listener can set it up without reading
    /// its row back on the commit's path (the live monitor; decisions §103).
    /// </summary>
    public event Action<IReadOnlyDictionary<string, string>>? ShopsCreated;

    /// <summary>
    /// Stores a batch atomically and recomputes the facts it affects. Batches that arrive while another is being
    /// written are written together, in one transaction and one commit (group commit): each batch is still all or
    /// nothing, sees the batches before it (a repeated id is its duplicate), and returns only once it is durable.
    /// </summary>
    public async Task<IngestResult> Ingest(IReadOnlyList<ChatEvent> events, CancellationToken ct = default)
    {
        var mine = new PendingBatch(events);
        bool lead;
        lock (_pending)
        {
            _pending.Add(mine);
            lead = !_leading;
            _leading = true;
        }
        // The first caller writes its group and every group that queued meanwhile; the others wait for their answer.
        if (lead) await WriteQueued(mine);
        return await mine.Done.Task.WaitAsync(ct);
    }

    /// <summary>Events of one <see cref="Ingest"/> call waiting for a group write.</summary>
    private sealed record PendingBatch(IReadOnlyList<ChatEvent> Events)
    {
        public TaskCompletionSource<IngestResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly List<PendingBatch> _pending = [];
    private bool _leading;

    /// <summary>The most events one group commit takes from the queue (a single larger batch is still taken whole).</summary>
    private const int GroupEvents = 50_000;

    /// <summary>
    /// Writes queued groups until the queue is empty, or until the caller's own batch is answered and others wait: then
    /// the leadership passes to a background task so that the caller gets its answer without writing everyone else's.
    /// </summary>
    private async Task WriteQueued(PendingBatch? mine)
    {
        while (true)
        {
            List<PendingBatch> group;
            lock (_pending)
            {
                if (_pending.Count == 0)
                {
                    _leading = false;
                    return;
                }
                if (mine is not null && mine.Done.Task.IsCompleted)
                {
                    _ = Task.Run(() => WriteQueued(null));
                    return;
                }
                var take = 1;
                var count = _pending[0].Events.Count;
                while (take < _pending.Count && count + _pending[take].Events.Count <= GroupEvents) count += _pending[take++].Events.Count;
                group = _pending.GetRange(0, take);
                _pending.RemoveRange(0, take);
            }
            await WriteGroup(group);
        }
    }

    private async Task WriteGroup(List<PendingBatch> group)
    {
        var results = new IngestResult[group.Count];
        var committed = false;
        try
        {
            // PostgreSQL: the group's day partitions and shop ids exist before its transaction opens.
            if (Layout is { } layout) await layout.Prepare(group.SelectMany(p => p.Events).Select(e => (e.Shop, e.At.UtcTicks)), CancellationToken.None);
            // Not the callers' cancellation: one caller giving up must not undo the others' writes.
            var batch = await Begin(CancellationToken.None);
            try
            {
                // Every shop of the group at once, in key order, so that two writers never wait for each other in a circle.
                await batch.LockShops(group.SelectMany(p => p.Events).Select(e => e.Shop), CancellationToken.None);
                if (group.Count == 1) results[0] = await batch.Append(group[0].Events);
                else await batch.Append(group.Select(p => p.Events).ToList(), results);
                await batch.Commit();
                committed = true;
            }
            finally
            {
                await batch.DisposeAsync(); // listeners hear of the commit before the callers get their answers
            }
        }
        catch (Exception) when (!committed && group.Count > 1)
        {
            // Nothing of the group was committed: write each batch alone, so that one batch's failure is only its own.
            foreach (var one in group) await WriteGroup([one]);
            return;
        }
        catch (Exception e)
        {
            // Alone and failed, or committed and then a listener failed: the callers hear of it (a retry of a
            // committed batch finds its events stored, as duplicates).
            foreach (var p in group) p.Done.TrySetException(e);
            return;
        }
        for (var i = 0; i < group.Count; i++) group[i].Done.TrySetResult(results[i]);
    }

    /// <inheritdoc cref="Begin(bool, CancellationToken)"/>
    public Task<Batch> Begin(CancellationToken ct = default) => Begin(false, ct);

    /// <summary>Deletes a shop's events by id or time range in one transaction (see <see cref="Batch.Delete"/>).</summary>
    public async Task<long> Delete(string shop, IReadOnlyCollection<string>? ids, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct = default)
    {
        await using var batch = await Begin(ct);
        var deleted = await batch.Delete(shop, ids, from, to, ct);
        await batch.Commit(ct);
        return deleted;
    }

    /// <summary>
    /// Opens a write transaction for several appends that commit together (a file import); writers are serialised.
    /// Nothing is visible to readers before <see cref="Batch.Commit"/>; disposing without it rolls everything back.
    /// <paramref name="large"/>: a file import, whose transaction may change gigabytes of pages; on SQLite its
    /// connection gets a page cache of a quarter of the machine's memory (up to 2 GB, back to the default afterwards),
    /// since pages that do not fit are written to the WAL before the commit and again when they change (measured: a
    /// 10M-event import 221 → 177 s).
    /// </summary>
    public async Task<Batch> Begin(bool large, CancellationToken ct = default)
    {
        await _writer.WaitAsync(ct);
        KefuDb? db = null;
        try
        {
            db = new KefuDb(Options);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var tx = await db.Database.BeginTransactionAsync(ct);
            if (large && db.IsSqlite)
            {
                var kib = Math.Min(2L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4 / 1024);
                SqliteStatement.Execute(db, "PRAGMA cache_size=-" + kib.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            long generation = -1;
            if (!db.IsSqlite)
            {
                // Writers of different shops run at once (each locks its shops, Batch.LockShops); a file import, which
                // learns its shops as it reads, runs alone.
                // A long import adds rows the planner's statistics have not seen yet (autovacuum cannot analyse an open
                // transaction), so it would scan the whole table for every id lookup; every lookup here has an index.
                // The setting (SET LOCAL's set_config) goes in the lock's statement: one round trip a transaction fewer.
                if (large) await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({PostgresWriterLock}), set_config('enable_seqscan', 'off', true)", ct);
                else await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock_shared({PostgresWriterLock}), set_config('enable_seqscan', 'off', true)", ct);
            }
            else
            {
                // Inside SQLite's single writer: if the generation moved since this store last committed, another
                // writer (another process) changed the database, and nothing remembered about it can be trusted.
                generation = await db.StoreState.Where(s => s.Id == 1).Select(s => s.Generation).SingleAsync(ct);
                if (generation != Cache.Generation)
                {
                    Cache.Clear();
                    _shops.Clear();
                }
            }
            return new Batch(this, db, tx, generation, large && db.IsSqlite);
        }
        catch
        {
            if (db is not null) await db.DisposeAsync();
            _writer.Release();
            throw;
        }
    }

    public void Dispose()
    {
        _writer.Dispose();
        _layout?.Dispose();
    }

    /// <summary>
    /// A query over exactly these (shop, key) pairs: <c>WITH p(shop, k) AS (…)</c> followed by <paramref name="select"/>,
    /// which joins <c>p</c> with <c>CROSS JOIN</c>: SQLite then keeps <c>p</c> as the outer loop and probes the composite
    /// index for each pair (its planner otherwise may scan the table and probe the pairs); PostgreSQL treats it as any
    /// join. <c>shop IN (…) AND id IN (…)</c> would read the cross product, since shops number their ids and
    /// conversations independently ("c32" exists in every shop). The pairs travel as one JSON parameter on SQLite
    /// (binding hundreds of named parameters costs SQLite a linear name search each) and as two text arrays on
    /// PostgreSQL; <c>{X}</c> in <paramref name="select"/> is the first of <paramref name="extra"/>.
    /// </summary>
    private static (string Sql, object[] Args) Pairs(bool sqlite, IReadOnlyCollection<(string Shop, string Key)> pairs, string select, params object[] extra)
    {
        object[] values;
        string cte;
        if (sqlite)
        {
            values = [System.Text.Json.JsonSerializer.Serialize(pairs.Select(p => new[] { p.Shop, p.Key }))];
            cte = "WITH p(shop, k) AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each({0})) ";
        }
        else
        {
            values = [pairs.Select(p => p.Shop).ToArray(), pairs.Select(p => p.Key).ToArray()];
            cte = "WITH p(shop, k) AS (SELECT * FROM unnest({0}::text[], {1}::text[])) ";
        }
        return (cte + select.Replace("{X}", "{" + values.Length + "}", StringComparison.Ordinal), [.. values, .. extra]);
    }

    /// <summary>One write transaction: <see cref="Append"/> as often as needed, then <see cref="Commit"/>.</summary>
    public sealed class Batch : IAsyncDisposable
    {
        private readonly EventStore _store;
        private readonly KefuDb _db;
        private readonly Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction _tx;
        private readonly Dictionary<string, string> _shopProfiles = new(StringComparer.Ordinal);
        private readonly RollupChanges _rollups = new();
        private readonly List<ChatEvent> _stored = [];
        private readonly long _generation;
        /// <summary>Conversations this transaction touched and holds in memory until their facts are written.</summary>
        private readonly Dictionary<(string Shop, string Conversation), Open> _open = [];
        /// <summary>Conversations whose facts were written before the commit and left memory (read back if touched again).</summary>
        private readonly HashSet<(string Shop, string Conversation)> _written = [];
        /// <summary>Shops first seen in this batch, remembered by the store only once the batch commits.</summary>
        private readonly Dictionary<string, string> _newShops = new(StringComparer.Ordinal);
        /// <summary>The shops this transaction inserts (a part of <see cref="_newShops"/>, which also holds rows read).</summary>
        private readonly Dictionary<string, string> _createdShops = new(StringComparer.Ordinal);
        private StoreRows? _rows;
        private long _touches;
        private bool _done;

        private bool _largeCache;

        /// <summary>
        /// Gives the connection its usual page cache back while it is still open: SQLite frees the pages above it at
        /// once. (<see cref="SqlitePragmas"/> would set it again at the connection's next open from the pool, but an
        /// idle pooled connection would hold up to 2 GB until then.)
        /// </summary>
        private void RestoreCache()
        {
            if (!_largeCache || _db.Database.GetDbConnection().State != System.Data.ConnectionState.Open) return;
            _largeCache = false;
            SqliteStatement.Execute(_db, SqlitePragmas.CacheSize);
        }

        internal Batch(EventStore store, KefuDb db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, long generation, bool largeCache)
        {
            _largeCache = largeCache;
            _store = store;
            _db = db;
            _tx = tx;
            _generation = generation;
        }

        private StoreRows Rows => _rows ??= StoreRows.For(_db, _store.Layout);

        /// <summary>
        /// A conversation the transaction touched. <see cref="Known"/>: <see cref="Events"/> and <see cref="Facts"/>
        /// are everything stored of it (from the cache, or empty for a conversation new to the database); otherwise
        /// <see cref="Events"/> holds only this transaction's events, and the rest is read back when it is analysed.
        /// </summary>
        private sealed class Open((string Shop, string Conversation) key)
        {
            public (string Shop, string Conversation) Key { get; } = key;
            public List<ChatEvent> Events { get; } = [];
            public StoredFact[] Facts { get; set; } = [];
            public bool Known { get; set; }
            /// <summary>
            /// Under a profile the incremental state covers, when known: the state after every stored event but those
            /// in <see cref="Events"/> (which are then only the new ones), and <see cref="Facts"/> only the provisional
            /// facts. Null: <see cref="Events"/> are all the events (a conversation new to the database, or read back).
            /// </summary>
            public byte[]? State { get; set; }
            /// <summary>The last event <see cref="State"/> took (its frontier); null when it took none.</summary>
            public SlimEvent? Last { get; set; }
            /// <summary>
            /// How many of <see cref="Facts"/>, from the first, are final facts of <see cref="State"/>, left out of the
            /// comparison and kept only to write the conversation's facts whole (<see cref="StoreRows.PacksFacts"/>).
            /// </summary>
            public int Settled { get; set; }
            /// <summary>Has new events not analysed yet.</summary>
            public bool Dirty { get; set; }
            public long Touched { get; set; }
        }

        /// <summary>
        /// Inserts the new events of <paramref name="events"/>; facts are brought up to date at <see cref="Commit"/>, or
        /// earlier for conversations that leave memory in a long transaction.
        /// </summary>
        public async Task<IngestResult> Append(IReadOnlyList<ChatEvent> events, CancellationToken ct = default)
        {
            var inserted = await AppendAll(events, ct);
            var accepted = Count(inserted, 0, inserted.Length);
            return new IngestResult(accepted, events.Count - accepted);
        }

        /// <summary>
        /// Inserts several batches as one: one round of statements (one COPY per table on PostgreSQL) for all of them
        /// instead of one per batch, each batch's answer in <paramref name="results"/>. Equal to appending them one
        /// after another: a batch's event whose (shop, id) an earlier batch or an earlier event of its own holds is its
        /// duplicate, and facts are drawn only at <see cref="Commit"/> either way.
        /// </summary>
        public async Task Append(IReadOnlyList<IReadOnlyList<ChatEvent>> batches, IngestResult[] results, CancellationToken ct = default)
        {
            var inserted = await AppendAll(Concat(batches), ct);
            var at = 0;
            for (var i = 0; i < batches.Count; i++)
            {
                var accepted = Count(inserted, at, batches[i].Count);
                results[i] = new IngestResult(accepted, batches[i].Count - accepted);
                at += batches[i].Count;
            }
        }

        // The per-event loops of a group write are compiled optimised at once (AggressiveOptimization; an async
        // method's state machine does not inherit it, hence these synchronous parts): a group write runs them some 30
        // times less often than a batch's write did, so under tiering they stayed in unoptimised code and kept the
        // background compiler busy long after the warm-up (decisions §61, §74).

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static List<ChatEvent> Concat(IReadOnlyList<IReadOnlyList<ChatEvent>> batches)
        {
            var count = 0;
            for (var i = 0; i < batches.Count; i++) count += batches[i].Count;
            var all = new List<ChatEvent>(count);
            for (var i = 0; i < batches.Count; i++) all.AddRange(batches[i]);
            return all;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static long Count(bool[] inserted, int from, int count)
        {
            long n = 0;
            for (var i = from; i < from + count; i++) if (inserted[i]) n++;
            return n;
        }

        /// <summary>Which of <paramref name="events"/> were stored (the others are duplicates).</summary>
        private async Task<bool[]> AppendAll(IReadOnlyList<ChatEvent> events, CancellationToken ct)
        {
            ObjectDisposedException.ThrowIf(_done, this);
            // Known already for a group write (made before its transaction); a file import learns its days and shops
            // as it reads, and makes them here on a connection of its own (PostgresLayout says why that cannot wait).
            if (_store.Layout is { } layout) await layout.Prepare(events.Select(e => (e.Shop, e.At.UtcTicks)), ct);
            await LockShops(events.Select(e => e.Shop), ct);
            await EnsureShops(events.Select(e => e.Shop).Distinct(StringComparer.Ordinal), ct);
            // New shops first (tracked rows), then the events and facts through the row writer.
            if (_db.ChangeTracker.HasChanges())
            {
                await _db.SaveChangesAsync(ct);
                _db.ChangeTracker.Clear();
            }
            await OpenConversations(events, ct);

            // Known (shop, id) pairs, and the second of two equal ids in this batch, are duplicates (the first one wins, as in the fold).
            var inserted = await Rows.InsertNewEvents(events, ct);
            var loose = new List<ChatEvent>();
            var statuses = Take(events, inserted, loose);
            if (statuses is not null) await RedrawAfterStatuses(statuses, ct);
            // A rating outside any conversation gives its facts at once and never needs them recomputed.
            if (loose.Count > 0)
            {
                var facts = loose.GroupBy(e => e.Shop).SelectMany(g => Analyse(g.Key, "", g.Select(e => new[] { e }))).ToList();
                await Rows.InsertFacts(facts, ct);
                foreach (var f in facts) _rollups.Add(f, +1);
            }
            // A long import keeps a bounded set of conversations in memory: the least recently touched half is written
            // out (in a time-ordered file, the finished ones); if one of them is touched again it is read back.
            if (_open.Count > _store.OpenConversations)
            {
                var leaving = _open.Values.OrderBy(o => o.Touched).Take(_open.Count - _store.OpenConversations / 2).ToList();
                await WriteFacts(leaving, ct);
                foreach (var o in leaving)
                {
                    _open.Remove(o.Key);
                    _written.Add(o.Key);
                }
            }
            return inserted;
        }

        /// <summary>
        /// Adds the stored events (<paramref name="inserted"/>) to their open conversations and the rollups; ratings
        /// outside any conversation go to <paramref name="loose"/>; answers the earliest new status of each shop whose
        /// profile asks who was online, or null.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private Dictionary<string, long>? Take(IReadOnlyList<ChatEvent> events, bool[] inserted, List<ChatEvent> loose)
        {
            Dictionary<string, long>? statuses = null;
            for (var i = 0; i < events.Count; i++)
            {
                if (!inserted[i]) continue;
                var e = events[i];
                _rollups.AddEvents(e.Shop, 1);
                // Kept for the listeners only when there are any: a command-line import of millions keeps nothing.
                if (_store.Committed is not null) _stored.Add(e);
                if (InConversation(e))
                {
                    var open = _open[(e.Shop, e.Conversation!)];
                    open.Events.Add(e);
                    open.Dirty = true;
                    open.Touched = ++_touches;
                }
                else if (e.Type == EventType.Rating) loose.Add(e);
                else if (e.Type == EventType.AgentStatus && _store._profiles(_shopProfiles[e.Shop]).AsksPresence)
                {
                    statuses ??= new(StringComparer.Ordinal);
                    statuses[e.Shop] = Math.Min(statuses.GetValueOrDefault(e.Shop, long.MaxValue), e.Ticks);
                }
            }
            return statuses;
        }

        /// <summary>
        /// Deletes a shop's events named by id or lying in [<paramref name="from"/>, <paramref name="to"/>) (either end
        /// open), and recomputes the facts of the conversations they belonged to as a late event does: each is
        /// re-analysed from the events left and only the difference is written. Returns how many events went.
        /// </summary>
        public async Task<long> Delete(string shop, IReadOnlyCollection<string>? ids, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct = default)
        {
            ObjectDisposedException.ThrowIf(_done, this);
            if (ids is null && from is null && to is null) throw new ArgumentException("name the events: ids, or a time range", nameof(ids));
            await LockShops([shop], ct);
            await EnsureShops([shop], ct);
            if (_db.ChangeTracker.HasChanges())
            {
                await _db.SaveChangesAsync(ct);
                _db.ChangeTracker.Clear();
            }
            var query = _db.Events.Where(e => e.Shop == shop);
            if (ids is not null) query = query.Where(e => ids.Contains(e.Id));
            if (from is { } f) query = query.Where(e => e.AtTicks >= f.UtcTicks);
            if (to is { } t) query = query.Where(e => e.AtTicks < t.UtcTicks);
            var doomed = await query.Select(e => new { e.Id, e.Conversation, e.Type }).ToListAsync(ct);
            if (doomed.Count == 0) return 0;
            var deleted = await query.ExecuteDeleteAsync(ct);
            // A deleted event's id may be pushed again (PostgreSQL keeps the ids apart from the events).
            await Rows.ForgetIds(shop, [.. doomed.Select(d => d.Id)], ct);
            _rollups.AddEvents(shop, -deleted);

            foreach (var conversation in doomed.Where(d => d.Conversation.Length > 0 && ConversationTypes.Contains(d.Type)).Select(d => d.Conversation).Distinct(StringComparer.Ordinal))
            {
                // Read back from the database, never the cache, which still holds the deleted events.
                var key = (shop, conversation);
                _written.Remove(key);
                _open[key] = new Open(key) { Dirty = true, Touched = ++_touches };
            }
            if (doomed.Any(d => d.Conversation.Length == 0 && d.Type == (short)EventType.Rating)) await RedrawLooseRatings(shop, ct);
            return deleted;
        }

        /// <summary>The facts of a shop's ratings outside any conversation, drawn again from those left (each rating gives its own).</summary>
        private async Task RedrawLooseRatings(string shop, CancellationToken ct)
        {
            var profile = _shopProfiles[shop];
            var old = await _db.Facts.AsNoTracking().Where(f => f.Profile == profile && f.Shop == shop && f.Conversation == "").ToListAsync(ct);
            var ratings = await _db.Events.AsNoTracking().Where(e => e.Shop == shop && e.Conversation == "" && e.Type == (short)EventType.Rating).ToListAsync(ct);
            var facts = Analyse(shop, "", ratings.Select(e => new[] { e.ToEvent() }));
            foreach (var f in old) _rollups.Add(f, -1);
            if (Rows.PacksFacts) await Rows.ReplaceConversations([new ConversationFacts(profile, shop, "", old.Count > 0, facts)], ct);
            else
            {
                await Rows.DeleteFacts([.. old.Select(f => f.Seq)], ct);
                await Rows.InsertFacts(facts, ct);
            }
            foreach (var f in facts) _rollups.Add(f, +1);
        }

        private static bool InConversation(ChatEvent e) => e.Conversation is not null && ConversationTypes.Contains((short)e.Type);

        /// <summary>
        /// Registers the conversations of <paramref name="events"/> this transaction has not touched yet: from the cache
        /// when it holds them, as new when the database has no event of theirs (an index probe each on SQLite, one
        /// array query on PostgreSQL), else to be read back when analysed.
        /// </summary>
        private Task OpenConversations(IReadOnlyList<ChatEvent> events, CancellationToken ct) =>
            OpenConversations(events.Where(InConversation).Select(e => (e.Shop, e.Conversation!)), ct);

        private async Task OpenConversations(IEnumerable<(string Shop, string Conversation)> keys, CancellationToken ct)
        {
            var unseen = Unseen(keys);
            if (unseen.Count == 0) return;
            var stored = await Rows.StoredConversations(unseen, ConversationTypes, ct);
            foreach (var key in unseen)
                if (!stored.Contains(key)) _open[key].Known = true; // nothing stored yet: no events, no facts
        }

        /// <summary>Opens the conversations of <paramref name="keys"/> not open yet, from the cache where it knows them; answers the others.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private List<(string Shop, string Conversation)> Unseen(IEnumerable<(string Shop, string Conversation)> keys)
        {
            var cache = _store.Cache;
            var unseen = new List<(string Shop, string Conversation)>();
            foreach (var key in keys)
            {
                if (_open.ContainsKey(key)) continue;
                var open = new Open(key);
                _open[key] = open;
                if (_written.Contains(key)) continue; // written earlier in this transaction: the cache no longer knows it
                if (cache.TryGet(key, out var entry) && entry.Profile == _shopProfiles[key.Shop])
                {
                    open.Events.AddRange(entry.Events);
                    open.Facts = entry.Facts;
                    open.State = entry.State;
                    open.Last = entry.Last;
                    open.Settled = entry.Settled;
                    open.Known = true;
                }
                else unseen.Add(key);
            }
            return unseen;
        }

        /// <summary>
        /// New agent statuses of a shop whose profile asks who was online change the facts of its conversations with
        /// events at or after them (a leave-message is judged at a session's first message): those are redrawn, so
        /// statuses may arrive after the messages they concern, as in the fold.
        /// </summary>
        private async Task RedrawAfterStatuses(Dictionary<string, long> earliest, CancellationToken ct)
        {
            foreach (var (shop, from) in earliest)
            {
                _presence.Remove(shop);
                var conversations = await _db.Events.AsNoTracking()
                    .Where(e => e.Shop == shop && e.AtTicks >= from && e.Conversation != "")
                    .Select(e => e.Conversation).Distinct().ToListAsync(ct);
                var keys = conversations.Select(c => (shop, c)).ToList();
                await OpenConversations(keys, ct);
                foreach (var key in keys)
                {
                    var open = _open[key];
                    open.Dirty = true;
                    open.Touched = ++_touches;
                }
            }
        }

        /// <summary>
        /// Re-analyses conversations with new events and writes the difference between their stored facts and their
        /// new ones: a fact that is still drawn keeps its row, one no longer drawn is deleted, a new one is inserted,
        /// and the rollups change by exactly those rows.
        /// </summary>
        private async Task WriteFacts(IReadOnlyCollection<Open> opens, CancellationToken ct)
        {
            var dirty = opens.Where(o => o.Dirty).ToList();
            foreach (var o in dirty)
            {
                // An event at or before the state's frontier cannot be applied to it: the conversation is rebuilt from
                // all of its stored events (read back below), as every conversation was before the state was kept.
                if (o.State is null || o.Last is not { } last || o.Events.Count == 0) continue;
                var first = new SlimEvent(o.Events[0]);
                for (var i = 1; i < o.Events.Count; i++)
                {
                    var e = new SlimEvent(o.Events[i]);
                    if (EventOrder.Order(e, first) < 0) first = e;
                }
                if (EventOrder.Order(first, last) > 0) continue;
                o.Known = false;
                o.State = null;
                o.Last = null;
                o.Facts = [];
                o.Settled = 0;
            }
            foreach (var byProfile in dirty.Where(o => !o.Known).GroupBy(o => _shopProfiles[o.Key.Shop], StringComparer.Ordinal))
            {
                foreach (var chunk in byProfile.Chunk(Chunk))
                {
                    var keys = chunk.Select(o => o.Key).ToList();
                    // One query per chunk of (shop, conversation) pairs across shops; rows of other pairs that share a
                    // shop and a conversation id are read and left alone.
                    var (factsSql, factsArgs) = Pairs(_db.IsSqlite, keys, "SELECT f.* FROM p CROSS JOIN facts f WHERE f.profile = {X} AND f.shop = p.shop AND f.conversation = p.k", byProfile.Key);
                    var facts = (await _db.Facts.FromSqlRaw(factsSql, factsArgs).AsNoTracking().ToListAsync(ct)).ToLookup(f => (f.Shop, f.Conversation));
                    var (eventsSql, eventsArgs) = Pairs(_db.IsSqlite, keys, $"SELECT e.* FROM p CROSS JOIN events e WHERE e.shop = p.shop AND e.conversation = p.k AND e.type IN ({string.Join(", ", ConversationTypes)})");
                    var stored = (await _db.Events.FromSqlRaw(eventsSql, eventsArgs).AsNoTracking().ToListAsync(ct)).ToLookup(e => (e.Shop, e.Conversation));
                    foreach (var o in chunk)
                    {
                        // The stored events include this transaction's, which are already inserted.
                        o.Events.Clear();
                        o.Events.AddRange(stored[o.Key].Select(e => e.ToEvent()));
                        o.Facts = [.. facts[o.Key]];
                        o.State = null;
                        o.Last = null;
                        o.Settled = 0;
                        o.Known = true;
                    }
                }
            }

            await LoadPresence(dirty.Select(o => o.Key.Shop), ct);
            var deleted = new List<long>();
            var added = new List<StoredFact>();
            var outcomes = new List<(Open Open, StoredFact[] Rows, int Provisional)>(dirty.Count);
            var packs = Rows.PacksFacts;
            var rewritten = new List<ConversationFacts>();
            foreach (var o in dirty)
            {
                List<StoredFact> drawn;
                var provisional = 0;
                if (_store.Incremental(_shopProfiles[o.Key.Shop]) is { } incremental) drawn = Resume(o, incremental, out provisional);
                else
                {
                    var events = o.Events.ToArray();
                    drawn = Analyse(o.Key.Shop, o.Key.Conversation, [events]); // sorts events in place
                    o.Events.Clear();
                    o.Events.AddRange(events);
                }
                var old = new Dictionary<FactValue, Stack<StoredFact>>();
                // The settled facts (final ones of a resumed state, kept only to write the row whole) are not compared.
                foreach (var f in o.Facts.AsSpan(o.Settled))
                {
                    if (!old.TryGetValue(FactValue.Of(f), out var same)) old[FactValue.Of(f)] = same = new Stack<StoredFact>();
                    same.Push(f);
                }
                // Each drawn fact's row: a stored one of equal value, kept, or the fact itself, added (its seq is set below).
                var rows = new StoredFact[drawn.Count];
                var changed = false;
                for (var i = 0; i < drawn.Count; i++)
                {
                    var f = drawn[i];
                    if (old.TryGetValue(FactValue.Of(f), out var same) && same.Count > 0) rows[i] = same.Pop();
                    else
                    {
                        rows[i] = f;
                        added.Add(f);
                        _rollups.Add(f, +1);
                        changed = true;
                    }
                }
                foreach (var f in old.Values.SelectMany(s => s))
                {
                    deleted.Add(f.Seq);
                    _rollups.Add(f, -1);
                    changed = true;
                }
                if (packs)
                {
                    // The conversation's row holds all of its facts: the settled ones, then those drawn now.
                    rows = [.. o.Facts.AsSpan(0, o.Settled), .. rows];
                    if (changed) rewritten.Add(new ConversationFacts(_shopProfiles[o.Key.Shop], o.Key.Shop, o.Key.Conversation, o.Facts.Length > 0, rows));
                }
                outcomes.Add((o, rows, provisional));
            }
            if (packs) await Rows.ReplaceConversations(rewritten, ct);
            else
            {
                await Rows.DeleteFacts(deleted, ct);
                await Rows.InsertFacts(added, ct); // sets their seqs
            }
            foreach (var (o, rows, provisional) in outcomes)
            {
                // A resumed conversation keeps only its provisional facts where facts are rows of their own: the final
                // ones never change while events come after its frontier, and a rebuild reads them back. Where a
                // conversation's facts are written whole, it keeps them all, the final ones settled.
                if (packs)
                {
                    o.Facts = rows;
                    o.Settled = o.State is null ? 0 : rows.Length - provisional;
                }
                else o.Facts = o.State is null ? rows : rows[^provisional..];
                o.Dirty = false;
            }
        }

        /// <summary>
        /// The facts of a conversation under the incremental state, to be compared with <see cref="Open.Facts"/>: a
        /// resumed state takes the new events (all after its frontier) and gives the facts they made final plus the
        /// provisional ones (the last <paramref name="provisional"/>), which replace the provisional ones stored; a
        /// conversation without a state (new, or read back) is run from its first event and gives all its facts.
        /// The open conversation is left holding the new state and no events.
        /// </summary>
        private List<StoredFact> Resume(Open o, (IncrementalRules Rules, LocalClock Clock) incremental, out int provisional)
        {
            var (shop, conversation) = o.Key;
            var state = o.State is { } bytes
                ? ConversationState.Restore(incremental.Rules, incremental.Clock, shop, bytes)
                : new ConversationState(incremental.Rules, incremental.Clock, shop);
            var events = new SlimEvent[o.Events.Count];
            for (var i = 0; i < events.Length; i++) events[i] = new SlimEvent(o.Events[i]);
            Array.Sort(events, EventOrder.Instance);
            _drawn.Clear();
            foreach (var e in events) state.Apply(e, _drawn);
            var final = _drawn.Count;
            state.Provisional(_drawn);
            provisional = _drawn.Count - final;
            o.State = state.Snapshot();
            if (events.Length > 0) o.Last = events[^1];
            o.Events.Clear();
            return ToStored(shop, conversation, incremental.Rules.Profile);
        }

        /// <summary>What makes two facts of one conversation the same row (everything but the seq).</summary>
        private readonly record struct FactValue(string Profile, string Agent, int Hour, string Metric, long Numerator, long Denominator, long SumTicks, long Count, short Bucket)
        {
            public static FactValue Of(StoredFact f) => new(f.Profile, f.Agent, f.Hour, f.Metric, f.Numerator, f.Denominator, f.SumTicks, f.Count, f.Bucket);
        }

        /// <summary>Writes the facts of the conversations still held, and commits.</summary>
        public async Task Commit(CancellationToken ct = default)
        {
            ObjectDisposedException.ThrowIf(_done, this);
            var cache = _store.Cache;
            try
            {
                await WriteFacts(_open.Values, ct);
                // Once per transaction: a row touched by many conversations is written once, with the net change.
                // PostgreSQL: the locked shops' write generations advance in the same statement as their event counts.
                await _rollups.Apply(_db, _db.IsSqlite ? [] : [.. _locked.Keys], ct);
                if (_db.IsSqlite) await _db.StoreState.Where(s => s.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(x => x.Generation, x => x.Generation + 1), ct);
                RestoreCache(); // before the commit, which may close the connection and hand it back to the pool
                await _tx.CommitAsync(ct);
            }
            catch
            {
                // The transaction is rolled back; the cache was only read for it, but drop it anyway so that a
                // half-understood failure cannot leave it out of step with the database.
                cache.Clear();
                _store._shops.Clear();
                throw;
            }
            _done = true;
            if (_db.IsSqlite) cache.Generation = _generation + 1;
            foreach (var (shop, generation) in _locked) cache.ShopGenerations[shop] = generation + 1;
            foreach (var key in _written) cache.Remove(key);
            foreach (var o in _open.Values)
                if (o.Known) cache.Put(o.Key, new ConversationCache.Entry(_shopProfiles[o.Key.Shop], o.State is null ? [.. o.Events] : [], o.Facts, o.State, o.Last, o.Settled));
            foreach (var (shop, profile) in _newShops) _store._shops[shop] = profile;
        }

        /// <summary>Shops this transaction holds the PostgreSQL lock of, with their write generation when locked.</summary>
        private readonly Dictionary<string, long> _locked = new(StringComparer.Ordinal);

        /// <summary>
        /// PostgreSQL: takes the advisory lock of each of these shops not locked yet, in key order, and reads their write
        /// generations; a shop whose generation moved since this store last wrote it was written by another process,
        /// and what the store remembers of it is dropped. Nothing of a shop is read before its lock. SQLite: nothing
        /// (one writer for the whole file). Locks taken by a later call of the same transaction come after the
        /// earlier ones whatever their keys; <see cref="EventStore.Ingest"/> therefore locks a whole group at once, and
        /// a file import holds the store-wide lock exclusively.
        /// </summary>
        public async Task LockShops(IEnumerable<string> shops, CancellationToken ct = default)
        {
            if (_db.IsSqlite) return;
            var missing = shops.Where(s => !_locked.ContainsKey(s)).Distinct(StringComparer.Ordinal).ToArray();
            if (missing.Length == 0) return;
            var generations = await Rows.LockShops(ShopLockSpace, missing, [.. missing.Select(ShopLockKey).Distinct().Order()], ct);
            var cache = _store.Cache;
            if (cache.ShopGenerations.Count > 4 * Math.Max(_store.CachedConversations, 1_000)) cache.Clear(); // bounded
            foreach (var shop in missing)
            {
                var generation = generations.GetValueOrDefault(shop);
                _locked[shop] = generation;
                if (!cache.ShopGenerations.TryGetValue(shop, out var known) || known != generation)
                {
                    cache.RemoveShop(shop);
                    _store._shops.Remove(shop);
                }
            }
        }

        /// <summary>Facts of each event group (one conversation, or one loose rating) under the shop's profile.</summary>
        private List<StoredFact> Analyse(string shop, string conversation, IEnumerable<ChatEvent[]> groups)
        {
            var profileId = _shopProfiles[shop];
            // One analysis (and its buffers) per profile for the whole transaction, not one per conversation.
            if (!_analyses.TryGetValue(profileId, out var analysis))
            {
                var compiled = _store._profiles(profileId);
                _analyses[profileId] = analysis = new ConversationAnalysis(compiled, new LocalClock(compiled.Zone));
            }
            var profile = analysis.Profile;
            _drawn.Clear();
            var idle = profile.Profile.IdleClose.Ticks;
            foreach (var events in groups)
            {
                Array.Sort(events, EventOrder.Instance);
                var presence = _presence.GetValueOrDefault(shop);
                foreach (var stretch in Stretches.Split(events, idle))
                    analysis.Analyse(shop, events.AsSpan(stretch.Start, stretch.Length), _drawn, presence: presence);
            }
            return ToStored(shop, conversation, profile);
        }

        /// <summary>The facts drawn into <see cref="_drawn"/> as rows of the shop's profile.</summary>
        private List<StoredFact> ToStored(string shop, string conversation, CompiledProfile profile)
        {
            var profileId = _shopProfiles[shop];
            var facts = new List<StoredFact>(_drawn.Count);
            foreach (var f in _drawn)
            {
                facts.Add(new StoredFact
                {
                    Profile = profileId, Shop = shop, Conversation = conversation, Agent = f.Agent ?? "", Hour = f.Hour,
                    Metric = profile.Metrics[f.Metric].Id, Numerator = f.Numerator, Denominator = f.Denominator,
                    SumTicks = f.SumTicks, Count = f.Count, Bucket = f.Bucket,
                });
            }
            return facts;
        }

        private readonly Dictionary<string, ConversationAnalysis> _analyses = new(StringComparer.Ordinal);
        private readonly List<MetricFact> _drawn = [];
        private readonly Dictionary<string, ShopPresence> _presence = new(StringComparer.Ordinal);

        /// <summary>
        /// The agent statuses of the shops whose profile asks who was online (JD's leave-messages), read when first
        /// needed in a transaction and again after it stores new ones (<see cref="RedrawAfterStatuses"/>).
        /// </summary>
        private async Task LoadPresence(IEnumerable<string> shops, CancellationToken ct)
        {
            foreach (var shop in shops.Distinct(StringComparer.Ordinal))
            {
                if (_presence.ContainsKey(shop) || !_store._profiles(_shopProfiles[shop]).AsksPresence) continue;
                var presence = new ShopPresence();
                var status = (short)EventType.AgentStatus;
                var rows = await _db.Events.AsNoTracking().Where(e => e.Shop == shop && e.Conversation == "" && e.Type == status).ToListAsync(ct);
                foreach (var row in rows) presence.Add(row.ToEvent());
                _presence[shop] = presence;
            }
        }

        /// <summary>Reads the profiles of the batch's shops not seen yet in this transaction, and adds the shops not stored.</summary>
        private async Task EnsureShops(IEnumerable<string> shops, CancellationToken ct)
        {
            var missing = new List<string>();
            foreach (var shop in shops)
            {
                if (_shopProfiles.ContainsKey(shop)) continue;
                if (_store._shops.TryGetValue(shop, out var profile)) _shopProfiles[shop] = profile;
                else missing.Add(shop);
            }
            foreach (var chunk in missing.Chunk(Chunk))
            {
                foreach (var row in await _db.Shops.AsNoTracking().Where(s => chunk.Contains(s.Id)).ToListAsync(ct))
                {
                    _shopProfiles[row.Id] = row.Profile;
                    _newShops[row.Id] = row.Profile;
                }
            }
            foreach (var shop in missing)
            {
                if (_shopProfiles.ContainsKey(shop)) continue;
                _db.Shops.Add(new ShopRow { Id = shop, Name = shop, Profile = _store.NewShopProfile });
                _shopProfiles[shop] = _store.NewShopProfile;
                _newShops[shop] = _store.NewShopProfile;
                _createdShops[shop] = _store.NewShopProfile;
            }
        }

        public async ValueTask DisposeAsync()
        {
            _rows?.Dispose();
            RestoreCache(); // a batch disposed without its commit
            await _tx.DisposeAsync();
            await _db.DisposeAsync();
            if (!_released)
            {
                _released = true;
                _store._writer.Release();
                // Listeners (the live monitor) hear of committed events after the writer lock is released, so the
                // next write need not wait for them; still before Ingest returns, so a pusher reads its own writes.
                if (_done && _createdShops.Count > 0) _store.ShopsCreated?.Invoke(_createdShops);
                if (_done && _stored.Count > 0) _store.Committed?.Invoke(_stored);
            }
        }

        private bool _released;
    }
}
