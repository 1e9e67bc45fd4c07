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
            foreach (var shop in events.GroupBy(e => e.Shop, StringComparer.Ordinal))
            {
                var known = new HashSet<string>(StringComparer.Ordinal);
                var ids = shop.Select(e => e.Id).Distinct(StringComparer.Ordinal).ToList();
                foreach (var chunk in ids.Chunk(Chunk))
                    known.UnionWith(await _db.Events.Where(e => e.Shop == shop.Key && chunk.Contains(e.Id)).Select(e => e.Id).ToListAsync(ct));
                foreach (var e in shop)
                {
                    // Known ids, and the second of two equal ids in this batch (the first one wins, as in the fold).
                    if (!known.Add(e.Id)) duplicates++;
                    else fresh.Add(e);
                }
                await EnsureShop(shop.Key, ct);
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
            foreach (var shop in _affected.GroupBy(a => a.Shop, StringComparer.Ordinal))
            {
                var profile = _shopProfiles[shop.Key];
                foreach (var chunk in shop.Select(a => a.Conversation).Chunk(Chunk))
                {
                    var before = _db.Facts.Where(f => f.Profile == profile && f.Shop == shop.Key && chunk.Contains(f.Conversation));
                    foreach (var f in await before.AsNoTracking().ToListAsync(ct)) _rollups.Add(f, -1);
                    await before.ExecuteDeleteAsync(ct);
                    var stored = await _db.Events.AsNoTracking()
                        .Where(e => e.Shop == shop.Key && chunk.Contains(e.Conversation) && ConversationTypes.Contains(e.Type))
                        .ToListAsync(ct);
                    var facts = new List<StoredFact>();
                    foreach (var conversation in stored.GroupBy(e => e.Conversation, StringComparer.Ordinal))
                        facts.AddRange(Analyse(shop.Key, conversation.Key, [conversation.Select(e => e.ToEvent()).ToArray()]));
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

        private async Task EnsureShop(string shop, CancellationToken ct)
        {
            if (_shopProfiles.ContainsKey(shop)) return;
            var row = await _db.Shops.AsNoTracking().SingleOrDefaultAsync(s => s.Id == shop, ct);
            if (row is null)
            {
                row = new ShopRow { Id = shop, Name = shop, Profile = _store.NewShopProfile };
                _db.Shops.Add(row);
            }
            _shopProfiles[shop] = row.Profile;
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
