using KefuScore.App.Profiles;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Storage;

/// <summary>What an ingestion did: events stored, and events whose (shop, id) was already stored or repeated in the batch.</summary>
public readonly record struct IngestResult(long Accepted, long Duplicates)
{
    public static IngestResult operator +(IngestResult a, IngestResult b) => new(a.Accepted + b.Accepted, a.Duplicates + b.Duplicates);
}

/// <summary>
/// Ingestion: stores new events and keeps each conversation's facts equal to what the engine draws from all of its
/// stored events. A batch is one transaction: its new events are inserted (known (shop, id) pairs are duplicates), the
/// conversations they touch are re-analysed from every stored event of theirs, and those conversations' facts are
/// replaced. An event for an old hour therefore recomputes exactly the conversation it belongs to, and a report summed
/// from facts equals <c>kefu report</c> over the same events.
/// </summary>
public sealed class EventStore(DbContextOptions<KefuDb> options, Func<string, CompiledProfile>? profiles = null) : IDisposable
{
    private const int Chunk = 500;
    /// <summary>The transaction-level advisory lock that serialises writers on PostgreSQL, as SQLite's single writer does.</summary>
    private const long PostgresWriterLock = 0x4B45_4655_0001;

    private static readonly short[] ConversationTypes =
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

    public DbContextOptions<KefuDb> Options { get; } = options;

    /// <summary>The profile a shop created by ingestion keeps its facts under.</summary>
    public string NewShopProfile { get; init; } = ProfileCatalog.DefaultId;

    /// <summary>
    /// Raised after each commit, once the writer lock is released, with the events it stored (duplicates left out):
    /// the live monitor listens. Listeners may be called from several writers' threads at once.
    /// </summary>
    public event Action<IReadOnlyList<ChatEvent>>? Committed;

    /// <summary>Stores a batch atomically and recomputes the facts it affects.</summary>
    public async Task<IngestResult> Ingest(IReadOnlyList<ChatEvent> events, CancellationToken ct = default)
    {
        await using var batch = await Begin(ct);
        var result = await batch.Append(events, ct);
        await batch.Commit(ct);
        return result;
    }

    /// <summary>
    /// Opens a write transaction for several appends that commit together (a file import); writers are serialised.
    /// Nothing is visible to readers before <see cref="Batch.Commit"/>; disposing without it rolls everything back.
    /// </summary>
    public async Task<Batch> Begin(CancellationToken ct = default)
    {
        await _writer.WaitAsync(ct);
        KefuDb? db = null;
        try
        {
            db = new KefuDb(Options);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var tx = await db.Database.BeginTransactionAsync(ct);
            if (!db.IsSqlite)
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({PostgresWriterLock})", ct);
                // A long import adds rows the planner's statistics have not seen yet (autovacuum cannot analyse an open
                // transaction), so it would scan the whole table for every id lookup; every lookup here has an index.
                await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_seqscan = off", ct);
            }
            // Inside the write lock: if the generation moved since this store last committed, another writer (another
            // process) changed the database, and nothing remembered about it can be trusted.
            var generation = await db.StoreState.Where(s => s.Id == 1).Select(s => s.Generation).SingleAsync(ct);
            if (generation != Cache.Generation)
            {
                Cache.Clear();
                _shops.Clear();
            }
            return new Batch(this, db, tx, generation);
        }
        catch
        {
            if (db is not null) await db.DisposeAsync();
            _writer.Release();
            throw;
        }
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>A row of a (shop, key) lookup.</summary>
    private sealed class PairRow
    {
        public string Shop { get; set; } = "";
        public string Key { get; set; } = "";
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
        private readonly HashSet<(string Shop, string Conversation)> _affected = [];
        private readonly Dictionary<string, string> _shopProfiles = new(StringComparer.Ordinal);
        private readonly RollupChanges _rollups = new();
        private readonly List<ChatEvent> _stored = [];
        private readonly long _generation;
        /// <summary>This batch's new events of each conversation, for conversations re-analysed from the cache.</summary>
        private readonly Dictionary<(string Shop, string Conversation), List<StoredEvent>> _fresh = [];
        /// <summary>Shops first seen in this batch, remembered by the store only once the batch commits.</summary>
        private readonly Dictionary<string, string> _newShops = new(StringComparer.Ordinal);
        private bool _done;

        internal Batch(EventStore store, KefuDb db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, long generation)
        {
            _store = store;
            _db = db;
            _tx = tx;
            _generation = generation;
        }

        /// <summary>Inserts the new events of <paramref name="events"/>; facts are brought up to date at <see cref="Commit"/>.</summary>
        public async Task<IngestResult> Append(IReadOnlyList<ChatEvent> events, CancellationToken ct = default)
        {
            ObjectDisposedException.ThrowIf(_done, this);
            var fresh = new List<ChatEvent>(events.Count);
            long duplicates = 0;
            var byShop = events.GroupBy(e => e.Shop, StringComparer.Ordinal).ToList();
            // Lookups go across shops, a chunk of (shop, id) pairs per query: a batch spread over a thousand shops
            // costs a few queries, not a few per shop.
            await EnsureShops(byShop.Select(g => g.Key), ct);
            var known = new HashSet<(string Shop, string Id)>();
            foreach (var chunk in events.Select(e => (e.Shop, e.Id)).Distinct().Chunk(Chunk))
            {
                var (sql, args) = Pairs(_db.IsSqlite, chunk, "SELECT e.shop AS \"Shop\", e.id AS \"Key\" FROM p CROSS JOIN events e WHERE e.shop = p.shop AND e.id = p.k");
                foreach (var hit in await _db.Database.SqlQueryRaw<PairRow>(sql, args).ToListAsync(ct))
                    known.Add((hit.Shop, hit.Key));
            }
            foreach (var shop in byShop)
            {
                var before = fresh.Count;
                foreach (var e in shop)
                {
                    // Known ids, and the second of two equal ids in this batch (the first one wins, as in the fold).
                    if (!known.Add((e.Shop, e.Id))) duplicates++;
                    else fresh.Add(e);
                }
                _rollups.AddEvents(shop.Key, fresh.Count - before);
            }

            // New shops first (tracked rows), then the events and loose facts in bulk.
            _db.ChangeTracker.DetectChanges();
            await _db.SaveChangesAsync(ct);
            _db.ChangeTracker.Clear();

            // Kept for the listeners only when there are any: a command-line import of millions keeps nothing.
            if (_store.Committed is not null) _stored.AddRange(fresh);
            var loose = new List<ChatEvent>();
            var rows = new List<StoredEvent>(fresh.Count);
            foreach (var e in fresh)
            {
                var row = StoredEvent.From(e);
                rows.Add(row);
                if (e.Conversation is not null && ConversationTypes.Contains((short)e.Type))
                {
                    var key = (e.Shop, e.Conversation);
                    _affected.Add(key);
                    // Only conversations the cache holds are re-analysed from memory at commit; the others are read
                    // back, so their new rows need not be kept (an import would otherwise hold every row it wrote).
                    // Nothing else writes while this batch holds the lock, so the cache cannot change before Commit.
                    if (_store.Cache.TryGet(key, out _))
                    {
                        if (!_fresh.TryGetValue(key, out var list)) _fresh[key] = list = [];
                        list.Add(row);
                    }
                }
                else if (e.Type == EventType.Rating) loose.Add(e);
            }
            await BulkInsert.Events(_db, rows, ct);
            // A rating outside any conversation gives its facts at once and never needs them recomputed.
            if (loose.Count > 0)
            {
                var facts = loose.GroupBy(e => e.Shop).SelectMany(g => Analyse(g.Key, "", g.Select(e => new[] { e }))).ToList();
                await BulkInsert.Facts(_db, facts, ct);
                foreach (var f in facts) _rollups.Add(f, +1);
            }
            return new IngestResult(fresh.Count, duplicates);
        }

        /// <summary>Re-analyses every conversation the appends touched, replaces their facts, and commits.</summary>
        public async Task Commit(CancellationToken ct = default)
        {
            ObjectDisposedException.ThrowIf(_done, this);
            var cache = _store.Cache;
            var staged = new List<((string Shop, string Conversation) Key, ChatEvent[] Events)>(_affected.Count);
            try
            {
                foreach (var byProfile in _affected.GroupBy(a => _shopProfiles[a.Shop], StringComparer.Ordinal))
                {
                    var profile = byProfile.Key;
                    foreach (var chunk in byProfile.Chunk(Chunk))
                    {
                        // One query per chunk of (shop, conversation) pairs across shops; rows of other pairs that share a
                        // shop and a conversation id are read and left alone.
                        var (factsSql, factsArgs) = Pairs(_db.IsSqlite, chunk, "SELECT f.* FROM p CROSS JOIN facts f WHERE f.profile = {X} AND f.shop = p.shop AND f.conversation = p.k", profile);
                        var before = await _db.Facts.FromSqlRaw(factsSql, factsArgs).AsNoTracking().ToListAsync(ct);
                        foreach (var f in before) _rollups.Add(f, -1);
                        foreach (var seqs in before.Select(f => f.Seq).Chunk(Chunk))
                            await _db.Facts.Where(f => seqs.Contains(f.Seq)).ExecuteDeleteAsync(ct);

                        // Conversations written recently are re-analysed from memory (their stored events are the cached
                        // ones plus this batch's); only the others' events are read back.
                        var analysed = new List<((string Shop, string Conversation) Key, ChatEvent[] Events)>(chunk.Length);
                        var misses = new List<(string Shop, string Conversation)>();
                        foreach (var key in chunk)
                        {
                            if (cache.TryGet(key, out var cached)) analysed.Add((key, [.. cached, .. _fresh[key].Select(e => e.ToEvent())]));
                            else misses.Add(key);
                        }
                        if (misses.Count > 0)
                        {
                            var (eventsSql, eventsArgs) = Pairs(_db.IsSqlite, misses, $"SELECT e.* FROM p CROSS JOIN events e WHERE e.shop = p.shop AND e.conversation = p.k AND e.type IN ({string.Join(", ", ConversationTypes)})");
                            var stored = await _db.Events.FromSqlRaw(eventsSql, eventsArgs).AsNoTracking().ToListAsync(ct);
                            foreach (var conversation in stored.GroupBy(e => (e.Shop, e.Conversation)))
                                analysed.Add((conversation.Key, conversation.Select(e => e.ToEvent()).ToArray()));
                        }
                        var facts = new List<StoredFact>();
                        foreach (var (key, events) in analysed)
                        {
                            facts.AddRange(Analyse(key.Shop, key.Conversation, [events])); // sorts events in place
                            staged.Add((key, events));
                        }
                        await BulkInsert.Facts(_db, facts, ct);
                        foreach (var f in facts) _rollups.Add(f, +1);
                    }
                }
                // Once per transaction: a row touched by many conversations is written once, with the net change.
                await _rollups.Apply(_db, ct);
                await _db.StoreState.Where(s => s.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(x => x.Generation, x => x.Generation + 1), ct);
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
            cache.Generation = _generation + 1;
            foreach (var (key, events) in staged) cache.Put(key, events);
            foreach (var (shop, profile) in _newShops) _store._shops[shop] = profile;
        }

        /// <summary>Facts of each event group (one conversation, or one loose rating) under the shop's profile.</summary>
        private IEnumerable<StoredFact> Analyse(string shop, string conversation, IEnumerable<ChatEvent[]> groups)
        {
            var profileId = _shopProfiles[shop];
            var profile = _store._profiles(profileId);
            var analysis = new ConversationAnalysis(profile, new LocalClock(profile.Zone));
            var facts = new List<MetricFact>();
            var idle = profile.Profile.IdleClose.Ticks;
            foreach (var events in groups)
            {
                Array.Sort(events, EventOrder.Instance);
                foreach (var stretch in Stretches.Split(events, idle))
                    analysis.Analyse(shop, events.AsSpan(stretch.Start, stretch.Length), facts);
            }
            foreach (var f in facts)
            {
                yield return new StoredFact
                {
                    Profile = profileId, Shop = shop, Conversation = conversation, Agent = f.Agent ?? "", Hour = f.Hour,
                    Metric = profile.Metrics[f.Metric].Id, Numerator = f.Numerator, Denominator = f.Denominator,
                    SumTicks = f.SumTicks, Count = f.Count, Bucket = f.Bucket,
                };
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
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _tx.DisposeAsync();
            await _db.DisposeAsync();
            if (!_released)
            {
                _released = true;
                _store._writer.Release();
                // Listeners (the live monitor) hear of committed events after the writer lock is released, so the
                // next write need not wait for them; still before Ingest returns, so a pusher reads its own writes.
                if (_done && _stored.Count > 0) _store.Committed?.Invoke(_stored);
            }
        }

        private bool _released;
    }
}
