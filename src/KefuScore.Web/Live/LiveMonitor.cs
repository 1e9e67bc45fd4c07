using System.Collections.Concurrent;
using System.Threading.Channels;
using KefuScore.App.Live;
using KefuScore.App.Profiles;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Engine.Live;
using KefuScore.Engine.Profiles;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.Web.Live;

/// <summary>
/// 实时监控 in the server: one <see cref="LiveShop"/> per shop, fed by every committed ingestion
/// (<see cref="EventStore.Committed"/>) and rebuilt at start from the last two days of stored events. Each shop has
/// one timer, set to the instant its next alert may become due (<see cref="LiveShop.NextDue"/>), from the
/// <see cref="TimeProvider"/>: no polling, and tests drive it with a fake clock. Alert transitions go to the webhook
/// dispatcher; every change is announced on <see cref="Changed"/> and to <see cref="Watch"/> readers (the live page).
/// </summary>
public sealed class LiveMonitor : IDisposable
{
    /// <summary>Events older than this are history: they cannot make anyone wait now, and the day before is enough for projections.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(2);

    private sealed class Slot(LiveShop shop)
    {
        public readonly LiveShop Shop = shop;
        public readonly Lock Gate = new();
        public ITimer? Timer;
        public long TimerDue = long.MaxValue;
        public readonly List<Channel<bool>> Watchers = [];
    }

    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CompiledProfile> _profiles = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly DbContextOptions<KefuDb> _db;
    private readonly WebhookDispatcher _webhooks;
    private readonly ILogger<LiveMonitor> _log;
    private bool _disposed;

    /// <summary>Reloads of grains (<see cref="Reload"/>) that read PostgreSQL at once on one silo: a few of the pool's connections.</summary>
    internal const int ConcurrentReloads = 8;

    /// <summary>The most shops one reload reads together (their last <see cref="Horizon"/> of events in one query).</summary>
    internal const int ReloadBatch = 100;

    /// <summary>Shops waiting for a reload, and how many loaders (at most <see cref="ConcurrentReloads"/>) are reading.</summary>
    private readonly List<(string Shop, TaskCompletionSource Done)> _reloadQueue = [];
    private int _loaders;

    public LiveMonitor(TimeProvider time, DbContextOptions<KefuDb> db, WebhookDispatcher webhooks, ILogger<LiveMonitor> log)
    {
        _time = time;
        _db = db;
        _webhooks = webhooks;
        _log = log;
    }

    /// <summary>Raised (with the shop id) after a shop's live picture changed: new events, an alert opened or cleared.</summary>
    public event Action<string>? Changed;

    /// <summary>Each shop's own listener (<see cref="Listen"/>), told of that shop's changes only.</summary>
    private readonly ConcurrentDictionary<string, Action> _listeners = new(StringComparer.Ordinal);

    /// <summary>
    /// Tells <paramref name="changed"/> of the shop's changes, as <see cref="Changed"/> does, until disposed: in a
    /// cluster each shop's grain listens to its own shop. A handler per grain on <see cref="Changed"/> made every change
    /// call every active grain's handler and every activation copy the whole list, which grows with the shops a silo
    /// holds (decisions §105). One listener a shop; disposing removes only its own.
    /// </summary>
    public IDisposable Listen(string shop, Action changed)
    {
        _listeners[shop] = changed;
        return new Listening(this, shop, changed);
    }

    private sealed class Listening(LiveMonitor monitor, string shop, Action changed) : IDisposable
    {
        public void Dispose() => monitor._listeners.TryRemove(KeyValuePair.Create(shop, changed));
    }

    /// <summary>Alert transitions as they happen (after delivery is queued), for hosts and benchmarks.</summary>
    public event Action<string, AlertTransition>? Transition;

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Feeds committed events; alerts that become due now are delivered (unless <paramref name="silent"/>, at rebuild).</summary>
    public void Ingest(IReadOnlyList<ChatEvent> events, bool silent = false)
    {
        var now = Now;
        var from = now - Horizon;
        foreach (var group in events.Where(e => e.At >= from).GroupBy(e => e.Shop, StringComparer.Ordinal))
        {
            var slot = SlotFor(group.Key);
            if (slot is null) continue;
            lock (slot.Gate)
            {
                foreach (var e in group) slot.Shop.Apply(e);
                Evaluate(slot, now, silent);
            }
            Notify(slot);
        }
    }

    /// <summary>
    /// Shops that a commit has just created (<see cref="EventStore.ShopsCreated"/>), before their events are fed: their
    /// slots open from the profile given, with the profile's default alert rules, since a shop created by its first
    /// events has no stored rules. Reading the row back instead was a synchronous query on the commit's path for each
    /// new shop (decisions §103). A shop already open is left as it is.
    /// </summary>
    public void Created(IReadOnlyDictionary<string, string> shops)
    {
        foreach (var (shop, profile) in shops)
            if (!_slots.ContainsKey(shop)) Open(new ShopRow { Id = shop, Name = shop, Profile = profile }, stored: null);
    }

    /// <summary>The shop's picture now, alerts brought up to date; null when the shop is not known.</summary>
    public LiveState? State(string shop)
    {
        var slot = SlotFor(shop);
        if (slot is null) return null;
        var now = Now;
        lock (slot.Gate)
        {
            Evaluate(slot, now, silent: false);
            return slot.Shop.State(now);
        }
    }

    /// <summary>The shop's profile (for rule checks); null when the shop is not known.</summary>
    public CompiledProfile? ProfileOf(string shop) => SlotFor(shop)?.Shop.Profile;

    /// <summary>The rules in force for a shop (stored, else the defaults of its profile).</summary>
    public AlertRuleSet? Rules(string shop) => SlotFor(shop)?.Shop.Rules;

    /// <summary>
    /// In a cluster: hands a shop's newly stored rules (their JSON) to the silo that holds the shop's grain, whose
    /// monitor evaluates and sends the shop's alerts (<see cref="LiveSettings.SaveRules"/> calls it). Null on one server.
    /// </summary>
    public Func<string, string, Task>? RulesStored { get; set; }

    /// <summary>Replaces a shop's rules (already stored by the caller) and re-evaluates at once.</summary>
    public void SetRules(string shop, AlertRuleSet rules)
    {
        var slot = SlotFor(shop);
        if (slot is null) return;
        lock (slot.Gate)
        {
            slot.Shop.Rules = rules;
            Evaluate(slot, Now, silent: false);
        }
        Notify(slot);
    }

    /// <summary>
    /// The shop's picture each time it changes (coalesced: a slow reader gets the latest, never a backlog), starting with
    /// the current one. The dashboard's live page reads this.
    /// </summary>
    public async IAsyncEnumerable<LiveState> Watch(string shop, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var slot = SlotFor(shop);
        if (slot is null) yield break;
        var signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        lock (slot.Gate) slot.Watchers.Add(signal);
        try
        {
            signal.Writer.TryWrite(true);
            while (await signal.Reader.WaitToReadAsync(ct))
            {
                signal.Reader.TryRead(out _);
                var state = State(shop);
                if (state is not null) yield return state;
            }
        }
        finally
        {
            lock (slot.Gate) slot.Watchers.Remove(signal);
        }
    }

    /// <summary>Loads the last <see cref="Horizon"/> of stored events without delivering what was due before the start.</summary>
    public async Task Rebuild(CancellationToken ct)
    {
        var from = (Now - Horizon).UtcTicks;
        await using var db = new KefuDb(_db);
        long seq = 0;
        while (true)
        {
            var rows = await db.Events.AsNoTracking().Where(e => e.AtTicks >= from && e.Seq > seq).OrderBy(e => e.Seq).Take(10_000).ToListAsync(ct);
            if (rows.Count == 0) break;
            seq = rows[^1].Seq;
            Ingest(rows.Select(r => r.ToEvent()).ToList(), silent: true);
        }
    }

    /// <summary>
    /// In a cluster, the shop's grain owns its live picture: on activation it is loaded from the last
    /// <see cref="Horizon"/> of the shop's stored events, on deactivation dropped. Unlike <see cref="Rebuild"/> the
    /// alerts open now are sent again: the silo that had the grain may have died before delivering them, and each
    /// carries the same delivery id as before, which receivers deduplicate on (docs/scale.md).
    /// </summary>
    /// <remarks>
    /// Many grains activate at once when a silo starts, when a silo dies and its shops come back elsewhere, and when
    /// many new shops send their first events: each reload reads PostgreSQL, and thousands at once opened a connection
    /// each until the server refused more (53300), so the activations failed, were retried, and requests timed out
    /// (30,000 shops: 2,000 events/s instead of 20,000, decisions §98). At most <see cref="ConcurrentReloads"/> loaders
    /// read at a time per silo, and each takes every shop waiting (up to <see cref="ReloadBatch"/>) in three queries:
    /// a query or three a shop, each with its own context, were a third of a surviving silo's CPU when 15,000 shops came
    /// back to it at once (decisions §105). The reload also opens the shop's slot (its row and alert rules).
    /// </remarks>
    public async Task Reload(string shop, CancellationToken ct)
    {
        Forget(shop);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_reloadQueue)
        {
            _reloadQueue.Add((shop, done));
            start = _loaders < ConcurrentReloads;
            if (start) _loaders++;
        }
        if (start) _ = Task.Run(LoadQueued, CancellationToken.None);
        await done.Task.WaitAsync(ct);
    }

    /// <summary>A loader: reads the waiting shops in batches until none is left; a batch's failure is each of its callers'.</summary>
    private async Task LoadQueued()
    {
        while (true)
        {
            List<(string Shop, TaskCompletionSource Done)> batch;
            lock (_reloadQueue)
            {
                if (_reloadQueue.Count == 0)
                {
                    _loaders--;
                    return;
                }
                batch = _reloadQueue.GetRange(0, Math.Min(_reloadQueue.Count, ReloadBatch));
                _reloadQueue.RemoveRange(0, batch.Count);
            }
            try
            {
                await LoadShops([.. batch.Select(b => b.Shop).Distinct(StringComparer.Ordinal)]);
                foreach (var (_, done) in batch) done.TrySetResult();
            }
            catch (Exception e)
            {
                foreach (var (_, done) in batch) done.TrySetException(e);
            }
        }
    }

    /// <summary>Opens the known shops' slots and applies their last <see cref="Horizon"/> of stored events, alerts sent.</summary>
    private async Task LoadShops(List<string> shops)
    {
        var from = (Now - Horizon).UtcTicks;
        await using var db = new KefuDb(_db);
        var rows = await db.Shops.AsNoTracking().Where(s => shops.Contains(s.Id)).ToListAsync();
        if (rows.Count == 0) return; // new shops: their first commit opens them (Created)
        var known = rows.Select(r => r.Id).ToList();
        var rules = (await db.Set<AlertRulesRow>().AsNoTracking().Where(r => known.Contains(r.Shop)).ToListAsync()).ToDictionary(r => r.Shop, StringComparer.Ordinal);
        foreach (var row in rows) Open(row, rules.GetValueOrDefault(row.Id));
        var events = await db.Events.AsNoTracking().Where(e => known.Contains(e.Shop) && e.AtTicks >= from).OrderBy(e => e.Seq).ToListAsync();
        Ingest(events.Select(r => r.ToEvent()).ToList(), silent: false);
    }

    /// <inheritdoc cref="Reload"/>
    public void Forget(string shop)
    {
        if (_slots.TryRemove(shop, out var slot)) slot.Timer?.Dispose();
    }

    private Slot? SlotFor(string shop)
    {
        if (_slots.TryGetValue(shop, out var slot)) return slot;
        using var db = new KefuDb(_db);
        var row = db.Shops.AsNoTracking().SingleOrDefault(s => s.Id == shop);
        return row is null ? null : Open(row, db.Set<AlertRulesRow>().AsNoTracking().SingleOrDefault(r => r.Shop == shop));
    }

    /// <summary>A known shop's slot, from its stored row and alert rules (the defaults of its profile when it has none).</summary>
    private Slot Open(ShopRow row, AlertRulesRow? stored)
    {
        var shop = row.Id;
        var profile = _profiles.GetOrAdd(row.Profile, StoredProfiles.Resolver(_db));
        var rules = AlertRuleSet.Defaults(profile);
        if (stored is not null)
        {
            var (set, errors) = AlertRulesJson.Read(stored.Json, profile);
            if (set is not null) rules = set;
            else _log.LogWarning("shop {Shop}: stored alert rules no longer fit profile {Profile} ({Errors}); using the defaults", shop, profile.Id, string.Join("; ", errors));
        }
        return _slots.GetOrAdd(shop, _ => new Slot(new LiveShop(shop, profile, rules)));
    }

    /// <summary>Evaluates under the slot's lock, queues deliveries and sets the shop's single timer.</summary>
    private void Evaluate(Slot slot, DateTimeOffset now, bool silent)
    {
        var transitions = slot.Shop.Evaluate(now);
        if (!silent && transitions.Count > 0)
        {
            _webhooks.Enqueue(slot.Shop.Shop, transitions);
            foreach (var t in transitions) Transition?.Invoke(slot.Shop.Shop, t);
        }
        Schedule(slot, now);
    }

    private void Schedule(Slot slot, DateTimeOffset now)
    {
        if (_disposed) return;
        var due = slot.Shop.NextDue(now);
        var ticks = due?.UtcTicks ?? long.MaxValue;
        if (ticks == slot.TimerDue) return;
        slot.TimerDue = ticks;
        if (due is null)
        {
            slot.Timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }
        var wait = due.Value - now;
        if (wait < TimeSpan.Zero) wait = TimeSpan.Zero;
        slot.Timer ??= _time.CreateTimer(static s => ((LiveMonitor)((object[])s!)[0]).Fire((Slot)((object[])s!)[1]), new object[] { this, slot }, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        slot.Timer.Change(wait, Timeout.InfiniteTimeSpan);
    }

    private void Fire(Slot slot)
    {
        try
        {
            lock (slot.Gate)
            {
                slot.TimerDue = long.MaxValue;
                Evaluate(slot, Now, silent: false);
            }
            Notify(slot);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogError(e, "live monitor: evaluating shop {Shop} failed", slot.Shop.Shop);
        }
    }

    private void Notify(Slot slot)
    {
        lock (slot.Gate)
            foreach (var w in slot.Watchers) w.Writer.TryWrite(true);
        Changed?.Invoke(slot.Shop.Shop);
        if (_listeners.TryGetValue(slot.Shop.Shop, out var listener)) listener();
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var slot in _slots.Values) slot.Timer?.Dispose();
    }
}
