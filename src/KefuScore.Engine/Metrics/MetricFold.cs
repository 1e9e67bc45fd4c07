using System.Runtime.InteropServices;
using KefuScore.Engine.Events;
using KefuScore.Engine.Profiles;

namespace KefuScore.Engine.Metrics;

/// <summary>How far the fold trusts the input's order.</summary>
/// <param name="Lateness">
/// How far behind the newest event an event may still arrive. Events that arrive later than that are
/// "too late": the fold notes them (<see cref="MetricFold.TooLate"/>) and its numbers can no longer be trusted,
/// so the caller replays the input unbounded. Null: unbounded, nothing is finalised before <see cref="MetricFold.Finish"/>.
/// </param>
public sealed record FoldOptions(TimeSpan? Lateness)
{
    public static FoldOptions Unbounded { get; } = new((TimeSpan?)null);
    public static FoldOptions Streaming { get; } = new(TimeSpan.FromHours(1));
}

/// <summary>
/// The engine as a fold over events: <c>Apply(event)</c> adds to the state and appends the facts that became
/// final. Batch and streaming use this same code. A conversation stays in memory until no event can reach it any
/// more (its last event is older than the watermark by the profile's idle close), so memory grows with open
/// conversations, not with events. Out-of-order input within the lateness gives exactly the in-order numbers,
/// because every stretch is analysed in <see cref="EventOrder"/> once it is complete. Where the profile allows
/// (<see cref="IncrementalRules"/>), the fold is a <see cref="StateFold"/>: conversations hold a
/// <see cref="ConversationState"/> fed through a reorder buffer instead of their events, with ids interned to numbers.
/// </summary>
public sealed class MetricFold
{
    private readonly record struct ConversationKey(string Shop, string Conversation);

    private sealed class ConversationKeys : IEqualityComparer<ConversationKey>
    {
        public static readonly ConversationKeys Instance = new();

        public bool Equals(ConversationKey x, ConversationKey y) => string.Equals(x.Conversation, y.Conversation, StringComparison.Ordinal) && string.Equals(x.Shop, y.Shop, StringComparison.Ordinal);

        public int GetHashCode(ConversationKey key) => HashCode.Combine(string.GetHashCode(key.Shop.AsSpan()), string.GetHashCode(key.Conversation.AsSpan()));
    }

    private sealed class OpenConversation(ConversationKey key, EventArrays arrays)
    {
        public ConversationKey Key { get; } = key;
        /// <summary>
        /// Pooled storage: the arrays are reused by later conversations, so they live in the old generation instead of
        /// being copied through every collection while the conversation stays open.
        /// </summary>
        public SlimEvent[]? Events;
        public int Count;

        public void Add(in SlimEvent e)
        {
            if (Events is null) Events = arrays.Rent(8);
            else if (Count == Events.Length)
            {
                var bigger = arrays.Rent(Events.Length * 2);
                Array.Copy(Events, bigger, Count);
                Return();
                Events = bigger;
            }
            Events[Count++] = e;
        }

        public void Return()
        {
            if (Events is not null) arrays.Return(Events, Count);
        }

        public long LastTicks = long.MinValue;
        /// <summary>The newest customer message and human reply: a customer is waiting while the first is the later.</summary>
        public long LastCustomer = long.MinValue, LastReply = long.MinValue;
        public bool Waiting => LastCustomer > LastReply;
        /// <summary>The expiry slot this conversation is filed under; older filings of it are stale.</summary>
        public long Slot = long.MinValue;
    }

    /// <summary>The slot of a conversation that is filed nowhere: idle, with a customer waiting.</summary>
    private const long Parked = long.MaxValue;
    private static readonly long ScanEvery = TimeSpan.FromMinutes(10).Ticks;
    private readonly Dictionary<ConversationKey, OpenConversation> _open = new(ConversationKeys.Instance);
    /// <summary>Open conversations filed by the slot in which they may expire, so a scan touches only what is due.</summary>
    /// <summary>
    /// Filed lazily: at most one filing per conversation, no later than its expiry; a conversation found still active
    /// when its slot comes is filed again then, so an event costs no filing.
    /// </summary>
    private readonly Dictionary<long, List<OpenConversation>> _expiry = [];
    private long _oldestSlot = long.MaxValue;
    private readonly IdWindow _ids;
    private readonly Dictionary<string, int> _shopNumbers = new(StringComparer.Ordinal);
    private readonly StateFold? _state;
    /// <summary>
    /// Each shop's agent statuses, kept for the whole run: a few a day per agent. A conversation is analysed only once
    /// the watermark has passed it, so every status before it has arrived (a later one is too late and forces a replay).
    /// </summary>
    private readonly Dictionary<string, ShopPresence> _presence = new(StringComparer.Ordinal);
    private readonly EventArrays _arrays = new();
    private readonly ConversationAnalysis _analysis;
    private readonly long? _lateness;
    private readonly long _idleClose;
    private readonly SlimEvent[] _single = new SlimEvent[1];
    private long _maxTicks = long.MinValue;
    private long _nextScan = long.MinValue;

    public MetricFold(CompiledProfile profile, FoldOptions options)
    {
        Profile = profile;
        Clock = new LocalClock(profile.Zone);
        _analysis = new ConversationAnalysis(profile, Clock);
        _lateness = options.Lateness?.Ticks;
        _idleClose = profile.Profile.IdleClose.Ticks;
        // Without a lateness nothing is ever forgotten: one generation for every id, as the incremental state keeps them.
        _ids = new IdWindow(forgets: _lateness is not null);
        if (IncrementalRules.For(profile) is { } rules) _state = new StateFold(rules, Clock, _analysis, _lateness);
    }

    public CompiledProfile Profile { get; }
    public LocalClock Clock { get; }
    /// <summary>Events applied, duplicates among them included.</summary>
    public long Read => _state?.Read ?? _read;
    /// <summary>Events whose id had been seen before in the same shop: ignored, counted here.</summary>
    public long Duplicates => _state?.Duplicates ?? _duplicates;
    /// <summary>Events that arrived later than the lateness allows: when non-zero, replay unbounded.</summary>
    public long TooLate => _state?.TooLate ?? _tooLate;
    public int OpenConversations => _state?.OpenConversations ?? _open.Count;
    public int PeakOpenConversations => _state?.PeakOpenConversations ?? _peakOpen;
    private long _read, _duplicates, _tooLate;
    private int _peakOpen;

    private long Watermark => _lateness is { } l && _maxTicks != long.MinValue ? _maxTicks - l : long.MinValue;

    /// <summary>Applies one event; facts that became final are appended to <paramref name="facts"/>.</summary>
    public void Apply(ChatEvent e, List<MetricFact> facts)
    {
        if (_state is not null)
        {
            _state.Apply(e, facts);
            return;
        }
        _read++;
        var ticks = e.Ticks;
        if (_lateness is not null && ticks < Watermark) _tooLate++;
        if (!_ids.Add(ShopNumber(e.Shop), e.Id, ticks))
        {
            _duplicates++;
            return;
        }

        if (e.Conversation is not null && e.Type is EventType.Message or EventType.Rating or EventType.Session or EventType.Complaint)
        {
            var key = new ConversationKey(e.Shop, e.Conversation);
            ref var open = ref CollectionsMarshal.GetValueRefOrAddDefault(_open, key, out var exists);
            if (!exists)
            {
                open = new OpenConversation(key, _arrays);
                if (_open.Count > _peakOpen) _peakOpen = _open.Count;
            }
            open!.Add(new SlimEvent(e));
            if (e.IsCustomerMessage && ticks > open.LastCustomer) open.LastCustomer = ticks;
            else if (e.IsHumanReply && ticks > open.LastReply) open.LastReply = ticks;
            if (ticks > open.LastTicks) open.LastTicks = ticks;
            if (_lateness is not null && open.Slot is long.MinValue or Parked) File(open);
        }
        else if (e.Type == EventType.AgentStatus)
        {
            if (!_presence.TryGetValue(e.Shop, out var presence)) _presence[e.Shop] = presence = new ShopPresence();
            presence.Add(e);
        }
        else if (e.Type == EventType.Rating)
        {
            // A rating outside any conversation is final at once: it needs no context but its own agent.
            _single[0] = new SlimEvent(e);
            _analysis.Analyse(e.Shop, _single.AsSpan(), facts);
        }

        if (ticks > _maxTicks) _maxTicks = ticks;
        if (_lateness is not null && _maxTicks >= _nextScan)
        {
            _nextScan = _maxTicks + ScanEvery;
            FinaliseBefore(Watermark, facts);
        }
    }

    /// <summary>
    /// Applies one event given as a row (its id and conversation are ranges of <paramref name="chars"/>), for a profile
    /// the incremental state supports: the same rules as <see cref="Apply(ChatEvent, List{MetricFact})"/> without an
    /// object per event. Agent statuses are skipped: only the stretch analysis reads presence.
    /// </summary>
    public void Apply(in EventRow e, ReadOnlySpan<char> chars, List<MetricFact> facts)
    {
        if (_state is null) throw new InvalidOperationException("this profile needs whole stretches of conversation: fold events, not rows");
        _state.Apply(e, chars, facts);
    }

    /// <summary>
    /// Applies a batch of rows in order, as <see cref="Apply(in EventRow, ReadOnlySpan{char}, List{MetricFact})"/> one by
    /// one, handing each row's facts to <paramref name="sink"/> before the next row; the conversations of rows ahead are
    /// prefetched (a hint to the processor: the facts are the same).
    /// </summary>
    public void Apply<TSink>(ReadOnlySpan<EventRow> rows, ReadOnlySpan<char> chars, List<MetricFact> facts, ref TSink sink) where TSink : struct, IFactSink
    {
        if (_state is null) throw new InvalidOperationException("this profile needs whole stretches of conversation: fold events, not rows");
        const int d = StateFold.PrefetchDistance;
        // The hashes of the rows up to 2d ahead, by row number mod 2d: a row's id and key are hashed once, when their
        // table places are prefetched; its slot is prefetched d rows later, and the row applied d rows after that, with them.
        // The first d rows are never prefetched: the stackalloc is zeroed (locals are initialised here), and 0 is "not computed".
        Span<StateFold.RowHashes> ahead = stackalloc StateFold.RowHashes[2 * d];
        for (var r = d; r < Math.Min(2 * d, rows.Length); r++) ahead[r & (2 * d - 1)] = _state.PrefetchPlace(rows[r], chars);
        for (var i = 0; i < rows.Length; i++)
        {
            if (i + d < rows.Length) _state.PrefetchSlot(ahead[(i + d) & (2 * d - 1)].Conversation);
            var hashes = ahead[i & (2 * d - 1)];
            if (i + 2 * d < rows.Length) ahead[i & (2 * d - 1)] = _state.PrefetchPlace(rows[i + 2 * d], chars);
            _state.Apply(rows[i], chars, facts, hashes);
            if (facts.Count == 0) continue;
            sink.Take(facts);
            facts.Clear();
        }
    }

    /// <summary>Whether this fold takes rows (<see cref="Apply(in EventRow, ReadOnlySpan{char}, List{MetricFact})"/>).</summary>
    public bool TakesRows => _state is not null;

    /// <summary>
    /// "The input is over", each conversation's facts handed to <paramref name="sink"/> as it closes rather than all
    /// appended to one list (<see cref="StateFold.Finish{TSink}"/>).
    /// </summary>
    public void Finish<TSink>(List<MetricFact> facts, ref TSink sink) where TSink : struct, IFactSink
    {
        if (_state is not null)
        {
            _state.Finish(facts, ref sink);
            return;
        }
        Finish(facts);
        StateFold.Hand(facts, ref sink);
    }

    /// <summary>"The input is over": every open conversation is analysed and its facts appended.</summary>
    public void Finish(List<MetricFact> facts)
    {
        if (_state is not null)
        {
            _state.Finish(facts);
            return;
        }
        foreach (var (key, open) in _open) Close(key, open, facts);
        _open.Clear();
        _expiry.Clear();
        _oldestSlot = long.MaxValue;
        _ids.Clear();
    }

    /// <summary>Analyses every stretch that ended more than the idle close before <paramref name="watermark"/>.</summary>
    private void FinaliseBefore(long watermark, List<MetricFact> facts)
    {
        var due = watermark / ScanEvery;
        for (; _oldestSlot < due && _expiry.Count > 0; _oldestSlot++)
        {
            if (!_expiry.Remove(_oldestSlot, out var dueNow)) continue;
            foreach (var open in dueNow)
            {
                if (open.Slot != _oldestSlot) continue; // closed since
                if (open.LastTicks + _idleClose < watermark && open.Waiting)
                {
                    // A customer still waits: the reply may come days later and must be matched (SPEC §4). Parked
                    // until its next event; a conversation that never hears back is analysed at Finish.
                    open.Slot = Parked;
                }
                else if (open.LastTicks + _idleClose < watermark)
                {
                    Close(open.Key, open, facts);
                    _open.Remove(open.Key);
                    open.Slot = long.MinValue;
                }
                else
                {
                    open.Slot = long.MinValue;
                    File(open);
                }
            }
        }
        if (_expiry.Count == 0) _oldestSlot = long.MaxValue;

        // Ids older than the watermark can only come back as too-late events, which force a replay anyway.
        _ids.ForgetBefore(watermark / TimeSpan.TicksPerHour);
    }

    private void Close(ConversationKey key, OpenConversation open, List<MetricFact> facts)
    {
        var events = open.Events.AsSpan(0, open.Count);
        events.Sort(EventOrder.Instance);
        var presence = _presence.GetValueOrDefault(key.Shop);
        foreach (var stretch in Stretches.Split(events, _idleClose))
            _analysis.Analyse(key.Shop, events.Slice(stretch.Start, stretch.Length), facts, presence: presence);
        open.Return();
    }

    private int ShopNumber(string shop)
    {
        if (!_shopNumbers.TryGetValue(shop, out var n)) _shopNumbers[shop] = n = _shopNumbers.Count;
        return n;
    }

    /// <summary>Files a conversation under the slot of its current expiry (last event + idle close).</summary>
    private void File(OpenConversation open)
    {
        var slot = (open.LastTicks + _idleClose) / ScanEvery;
        open.Slot = slot;
        if (!_expiry.TryGetValue(slot, out var filed)) _expiry[slot] = filed = [];
        filed.Add(open);
        if (slot < _oldestSlot) _oldestSlot = slot;
    }

}

/// <summary>Where <see cref="MetricFold.Apply{TSink}"/> hands each row's facts (a struct, so the call is direct).</summary>
public interface IFactSink
{
    void Take(List<MetricFact> facts);
}

/// <summary>Each row's facts added to a <see cref="FactSums"/> (the report's fold workers and the fold benchmark).</summary>
public readonly struct FactSumsSink(FactSums sums) : IFactSink
{
    public void Take(List<MetricFact> facts) => sums.Add(CollectionsMarshal.AsSpan(facts));
}

/// <summary>
/// The fold's own pool of event arrays by power-of-two size. The shared ArrayPool keeps per-thread buckets and trims
/// them on every gen-2 collection, which cost more than the copies it saves at a million conversations; one fold is
/// one thread, so a plain stack per size does. Bounded: past the cap a returned array is left to the collector.
/// </summary>
internal sealed class EventArrays
{
    private const int MaxPooledBytes = 64 << 20;
    private readonly Stack<SlimEvent[]>[] _bySize = new Stack<SlimEvent[]>[31];
    private long _pooledBytes;

    public SlimEvent[] Rent(int minimum)
    {
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(minimum, 8));
        var bucket = System.Numerics.BitOperations.Log2((uint)size);
        if (_bySize[bucket] is { Count: > 0 } stack)
        {
            _pooledBytes -= (long)size * System.Runtime.CompilerServices.Unsafe.SizeOf<SlimEvent>();
            return stack.Pop();
        }
        return new SlimEvent[size];
    }

    /// <summary>Takes an array back; its first <paramref name="used"/> slots are cleared so no event stays reachable.</summary>
    public void Return(SlimEvent[] array, int used)
    {
        var bytes = (long)array.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<SlimEvent>();
        if (_pooledBytes + bytes > MaxPooledBytes || !System.Numerics.BitOperations.IsPow2(array.Length)) return;
        Array.Clear(array, 0, used);
        (_bySize[System.Numerics.BitOperations.Log2((uint)array.Length)] ??= new Stack<SlimEvent[]>()).Push(array);
        _pooledBytes += bytes;
    }
}

/// <summary>
/// Splits a conversation's sorted events into stretches that can be analysed apart: a silence longer than the idle
/// close starts a new stretch, but only where nobody is waiting for a reply. SPEC §4: a valid reply may come on a
/// later day and its full delay counts, so a customer still waiting keeps the stretch open however long the silence
/// (a profile that closes items or sessions sooner says so in its own rules). With nobody waiting, a cut after a
/// silence of at least a day changes no number: per-day items fall on different days either side of it.
/// </summary>
public static class Stretches
{
    public readonly record struct Range(int Start, int Length);

    public static List<Range> Split<T>(ReadOnlySpan<T> sorted, long idleCloseTicks) where T : IConversationEvent
    {
        var result = new List<Range>(1);
        var start = 0;
        var waiting = false;
        for (var i = 0; i < sorted.Length; i++)
        {
            ref readonly var e = ref sorted[i];
            if (i > 0 && !waiting && e.Ticks - sorted[i - 1].Ticks > idleCloseTicks)
            {
                result.Add(new Range(start, i - start));
                start = i;
            }
            if (e.IsCustomerMessage) waiting = true;
            else if (e.IsHumanReply) waiting = false;
        }
        if (sorted.Length > 0) result.Add(new Range(start, sorted.Length - start));
        return result;
    }
}
