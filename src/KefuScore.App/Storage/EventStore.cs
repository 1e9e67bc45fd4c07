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

    private readonly Func<string, CompiledProfile> _profiles = profiles ?? CachedCatalog;
    private readonly SemaphoreSlim _writer = new(1, 1);

    public DbContextOptions<KefuDb> Options { get; } = options;

    /// <summary>The profile a shop created by ingestion keeps its facts under.</summary>
    public string NewShopProfile { get; init; } = ProfileCatalog.DefaultId;

    /// <summary>Raised after each commit with the events it stored (duplicates left out): the live monitor listens.</summary>
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
            return new Batch(this, db, tx);
        }
        catch
        {
            if (db is not null) await db.DisposeAsync();
            _writer.Release();
            throw;
        }
    }

    public void Dispose() => _writer.Dispose();

    private static readonly Dictionary<string, CompiledProfile> Compiled = [];

    private static CompiledProfile CachedCatalog(string id)
    {
        lock (Compiled)
        {
            if (!Compiled.TryGetValue(id, out var p)) Compiled[id] = p = ProfileCatalog.Compile(id);
            return p;
        }
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
        private bool _done;

        internal Batch(EventStore store, KefuDb db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx)
        {
            _store = store;
            _db = db;
            _tx = tx;
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
                var shops = chunk.Select(p => p.Shop).Distinct(StringComparer.Ordinal).ToList();
                var ids = chunk.Select(p => p.Id).Distinct(StringComparer.Ordinal).ToList();
                foreach (var hit in await _db.Events.Where(e => shops.Contains(e.Shop) && ids.Contains(e.Id)).Select(e => new { e.Shop, e.Id }).ToListAsync(ct))
                    known.Add((hit.Shop, hit.Id));
            }
            foreach (var shop in byShop)
            {
                foreach (var e in shop)
                {
                    // Known ids, and the second of two equal ids in this batch (the first one wins, as in the fold).
                    if (!known.Add((e.Shop, e.Id))) duplicates++;
                    else fresh.Add(e);
                }
            }

            // New shops first (tracked rows), then the events and loose facts in bulk.
            _db.ChangeTracker.DetectChanges();
            await _db.SaveChangesAsync(ct);
            _db.ChangeTracker.Clear();

            _stored.AddRange(fresh);
            var loose = new List<ChatEvent>();
            var rows = new List<StoredEvent>(fresh.Count);
            foreach (var e in fresh)
            {
                rows.Add(StoredEvent.From(e));
                if (e.Conversation is not null && ConversationTypes.Contains((short)e.Type)) _affected.Add((e.Shop, e.Conversation));
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
            foreach (var byProfile in _affected.GroupBy(a => _shopProfiles[a.Shop], StringComparer.Ordinal))
            {
                var profile = byProfile.Key;
                foreach (var chunk in byProfile.Chunk(Chunk))
                {
                    // One query per chunk of (shop, conversation) pairs across shops; rows of other pairs that share a
                    // shop and a conversation id are read and left alone.
                    var pairs = chunk.ToHashSet();
                    var shops = chunk.Select(a => a.Shop).Distinct(StringComparer.Ordinal).ToList();
                    var conversations = chunk.Select(a => a.Conversation).Distinct(StringComparer.Ordinal).ToList();
                    var before = (await _db.Facts.AsNoTracking()
                            .Where(f => f.Profile == profile && shops.Contains(f.Shop) && conversations.Contains(f.Conversation))
                            .ToListAsync(ct))
                        .Where(f => pairs.Contains((f.Shop, f.Conversation))).ToList();
                    foreach (var f in before) _rollups.Add(f, -1);
                    foreach (var seqs in before.Select(f => f.Seq).Chunk(Chunk))
                        await _db.Facts.Where(f => seqs.Contains(f.Seq)).ExecuteDeleteAsync(ct);
                    var stored = (await _db.Events.AsNoTracking()
                            .Where(e => shops.Contains(e.Shop) && conversations.Contains(e.Conversation) && ConversationTypes.Contains(e.Type))
                            .ToListAsync(ct))
                        .Where(e => pairs.Contains((e.Shop, e.Conversation)));
                    var facts = new List<StoredFact>();
                    foreach (var conversation in stored.GroupBy(e => (e.Shop, e.Conversation)))
                        facts.AddRange(Analyse(conversation.Key.Shop, conversation.Key.Conversation, [conversation.Select(e => e.ToEvent()).ToArray()]));
                    await BulkInsert.Facts(_db, facts, ct);
                    foreach (var f in facts) _rollups.Add(f, +1);
                }
            }
            // Once per transaction: a row touched by many conversations is written once, with the net change.
            await _rollups.Apply(_db, ct);
            await _tx.CommitAsync(ct);
            _done = true;
            if (_stored.Count > 0) _store.Committed?.Invoke(_stored);
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
            var missing = shops.Where(s => !_shopProfiles.ContainsKey(s)).ToList();
            foreach (var chunk in missing.Chunk(Chunk))
                foreach (var row in await _db.Shops.AsNoTracking().Where(s => chunk.Contains(s.Id)).ToListAsync(ct))
                    _shopProfiles[row.Id] = row.Profile;
            foreach (var shop in missing)
            {
                if (_shopProfiles.ContainsKey(shop)) continue;
                _db.Shops.Add(new ShopRow { Id = shop, Name = shop, Profile = _store.NewShopProfile });
                _shopProfiles[shop] = _store.NewShopProfile;
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
            }
        }

        private bool _released;
    }
}
