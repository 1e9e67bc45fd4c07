using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using KefuScore.Engine.Events;

namespace KefuScore.Engine.Metrics;

/// <summary>
/// <see cref="MetricFold"/> for a profile the incremental state supports (<see cref="IncrementalRules"/>), built so that
/// an event costs no allocation and no string hashing in steady state. Shops, agents and reasons are interned to
/// numbers per fold; a conversation is a slot in struct arrays (its bookkeeping) beside a pooled
/// <see cref="ConversationState"/>, found through an open-addressing table of 64-bit hashes of (shop number,
/// conversation id) confirmed by the id's characters; (shop, id) de-duplication is <see cref="IdWindow"/> on the
/// shop's number; the reorder buffer holds compact structs (no references) per minute. The rules are those of the
/// fold before it: a minute is put in <see cref="EventOrder"/> and applied once the watermark has passed all of it;
/// a conversation is closed once its last event is older than the watermark by the idle close and nobody waits;
/// its slot, state and key buffer are reused by a later conversation.
/// </summary>
internal sealed class StateFold
{
    private static readonly long ScanEvery = TimeSpan.FromMinutes(10).Ticks;

    /// <summary>A conversation id of ASCII characters short enough to live in its slot (most are): a lookup then touches one line.</summary>
    [InlineArray(InlineKey)]
    private struct KeyBytes
    {
        private byte _first;
    }

    private const int InlineKey = 24;
    /// <summary><see cref="Conversation.KeyLength"/> of an id kept in <see cref="_longKeys"/> (longer, or not ASCII).</summary>
    private const byte LongKey = byte.MaxValue;
    private const int NotFiled = int.MinValue, ParkedSlot = int.MaxValue;

    /// <summary>
    /// A conversation's slot, 128 bytes: the first 64 what a lookup and an arriving event read and update, the next 64
    /// the analysis state a released event applies to. Laid out by hand (the runtime orders a struct with references
    /// its own way) and as small as the rules allow, as each slot is a cache miss among the 1.4M open conversations
    /// of the wide shape (decisions §89).
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Conversation
    {
        /// <summary>
        /// The high half of the key's hash: the slot's tag in the table, which also gives its home place there
        /// (<see cref="Home"/>), so the table moves and regrows its entries without reading their slots.
        /// </summary>
        [FieldOffset(0)] public uint HashHigh;
        [FieldOffset(4)] public int Shop;
        // Bytes 8–11 are free (they held a count of the events still buffered: decisions §108).
        /// <summary>The expiry slot this conversation is filed under (<see cref="NotFiled"/>, <see cref="ParkedSlot"/>).</summary>
        [FieldOffset(12)] public int Slot;
        /// <summary>Bumped when the slot is closed, so an expiry filing of an earlier conversation is recognised as stale.</summary>
        [FieldOffset(16)] public int Generation;
        [FieldOffset(20)] public bool Live;
        /// <summary>
        /// Whether the newest of the conversation's customer messages and human replies (by instant, a reply winning a
        /// tie) is a customer's: someone is waiting. With <see cref="LastMessage"/> it answers what the newest customer
        /// message and newest reply, compared, answered before, in half the bytes.
        /// </summary>
        [FieldOffset(21)] public bool Waiting;
        /// <summary>The id's length when inline, else <see cref="LongKey"/>.</summary>
        [FieldOffset(22)] public byte KeyLength;
        [FieldOffset(24)] public long LastTicks;
        /// <summary>The newest customer message or human reply.</summary>
        [FieldOffset(32)] public long LastMessage;
        /// <summary>Up to <see cref="InlineKey"/> bytes, up to the state at 64.</summary>
        [FieldOffset(40)] public KeyBytes Key;
        /// <summary>The conversation's analysis state, in the slot rather than an object of its own.</summary>
        [FieldOffset(64)] public ConversationCore State;
    }

    /// <summary>An event as the reorder buffer keeps it: no references, its id in the minute's arena.</summary>
    private struct Pending
    {
        public long Ticks;
        public int Conversation;
        /// <summary>The conversation's shop, so that applying the event reads only the slot's analysis state.</summary>
        public int Shop;
        public int IdStart, IdLength;
        public int Agent, Reason;
        public byte Rank;
        public EventType Type;
        public Sender Sender;
        public MessageKind Kind;
        public byte Stars;
        public Satisfaction Satisfaction;
        public byte Action;
    }

    private sealed class Minute
    {
        public Pending[] Items = new Pending[256];
        public int Count;
        public char[] Ids = new char[1 << 12];
        public int Used;
    }

    /// <summary>
    /// <see cref="EventOrder"/> over a minute's buffered events, ids read from its arena. One instance per fold, pointed
    /// at the minute being sorted, with its delegate made once: sorting a span by an <see cref="IComparer{T}"/> struct
    /// boxes it and makes a delegate every minute.
    /// </summary>
    private sealed class PendingOrder
    {
        private char[] _ids = [];

        public PendingOrder() => Comparison = (x, y) => Compare(x, y);

        public Comparison<Pending> Comparison { get; }

        public void Of(char[] ids) => _ids = ids;

        public int Compare(in Pending x, in Pending y)
        {
            var c = x.Ticks.CompareTo(y.Ticks);
            if (c != 0) return c;
            c = x.Rank.CompareTo(y.Rank);
            return c != 0 ? c : _ids.AsSpan(x.IdStart, x.IdLength).SequenceCompareTo(_ids.AsSpan(y.IdStart, y.IdLength));
        }
    }

    private readonly IncrementalRules _rules;
    private readonly LocalClock _clock;
    private readonly ConversationAnalysis _analysis;
    private readonly long? _lateness;
    private readonly long _idleClose;
    private readonly IdWindow _ids;
    private readonly SlimEvent[] _single = new SlimEvent[1];

    // Shops: ours by name, and a row's run-wide number to ours.
    private readonly Dictionary<string, int> _shopByName = new(StringComparer.Ordinal);
    private readonly List<string> _shops = [];
    /// <summary>By a row's run-wide shop number: our number beside the instance it was seen with (one read, compared by reference).</summary>
    private (string? Name, int Shop)[] _shopOfRow = new (string?, int)[64];
    private readonly Names _names = new();

    // Conversations.
    /// <summary>
    /// Slots in pages of <see cref="PageSize"/>, allocated as the open conversations grow and never copied or freed: a
    /// single array doubled would copy the 1.4M open slots of the wide shape and leave each old copy on the large
    /// object heap, where every allocation is counted towards a gen-2 collection.
    /// </summary>
    private Conversation[][] _pages = new Conversation[16][];
    private const int PageBits = 12, PageSize = 1 << PageBits;
    private int _slotsUsed;
    /// <summary>By slot: ids kept out of the slot (longer than <see cref="InlineKey"/> or not ASCII), the array reused by the slot's next such id.</summary>
    private (char[]? Chars, int Length)[] _longKeys = [];
    private int[] _free = new int[256];
    private int _freeCount;
    /// <summary>
    /// Open addressing, linear probing: the hash's high 32 bits above slot + 1 (0 empty), so a probe that meets another
    /// conversation is told apart without reading its slot.
    /// </summary>
    private long[] _table = new long[2048];
    private int _live;

    // Expiry: conversations filed by the slot in which they may expire, lazily (at most one filing per conversation).
    private readonly Dictionary<long, List<(int Slot, int Generation)>> _expiry = [];
    private readonly Stack<List<(int Slot, int Generation)>> _spareLists = new();
    private long _oldestSlot = long.MaxValue;

    // The reorder buffer.
    private readonly Dictionary<long, Minute> _buffer = [];
    private readonly Stack<Minute> _spareMinutes = new();
    private long _oldestMinute = long.MaxValue;
    /// <summary>Every minute below this one has been released.</summary>
    private long _releasedBelow = long.MinValue;
    private long _lastMinute = long.MinValue;
    private Minute? _lastBucket;
    private int _largestItems, _largestIds;
    private readonly PendingOrder _order = new();

    private long _maxTicks = long.MinValue;
    private long _nextScan = long.MinValue;

    public StateFold(IncrementalRules rules, LocalClock clock, ConversationAnalysis analysis, long? lateness)
    {
        _rules = rules;
        _clock = clock;
        _analysis = analysis;
        _lateness = lateness;
        _idleClose = rules.Profile.Profile.IdleClose.Ticks;
        _ids = new IdWindow(forgets: lateness is not null);
    }

    public long Read { get; private set; }
    public long Duplicates { get; private set; }
    public long TooLate { get; private set; }
    public int OpenConversations => _live;
    public int PeakOpenConversations { get; private set; }

    private long Watermark => _lateness is { } l && _maxTicks != long.MinValue ? _maxTicks - l : long.MinValue;

    public void Apply(ChatEvent e, List<MetricFact> facts)
    {
        var p = new Pending
        {
            Ticks = e.Ticks, Agent = _names.Of(e.Agent), Reason = _names.Of(e.Reason), Type = e.Type, Sender = e.Sender, Kind = e.Kind,
            Stars = e.Stars, Satisfaction = e.Satisfaction, Action = SlimEvent.ActionCode(e.Action),
        };
        var shop = ShopOf(e.Shop);
        if (Take(shop, e.Id, default, e.Conversation is not null, e.Conversation.AsSpan(), ref p, facts) && e.Type == EventType.Rating)
        {
            _single[0] = new SlimEvent(e);
            _analysis.Analyse(e.Shop, _single.AsSpan(), facts);
        }
    }

    /// <summary>
    /// Applies one row. <paramref name="hashes"/> are what <see cref="PrefetchPlace"/> gave for it (default: none, each
    /// computed here), so a row's id and conversation are hashed once.
    /// </summary>
    public void Apply(in EventRow e, ReadOnlySpan<char> chars, List<MetricFact> facts, RowHashes hashes = default)
    {
        var p = new Pending
        {
            Ticks = e.Ticks, Agent = _names.Of(e.Agent, e.AgentNumber), Reason = _names.Of(e.Reason), Type = e.Type, Sender = e.Sender, Kind = e.Kind,
            Stars = e.Stars, Satisfaction = e.Satisfaction, Action = e.Action,
        };
        var shop = ShopOf(e);
        var hasConversation = e.ConversationLength >= 0;
        var conversation = hasConversation ? chars.Slice(e.ConversationStart, e.ConversationLength) : default;
        if (Take(shop, chars.Slice(e.IdStart, e.IdLength), hashes, hasConversation, conversation, ref p, facts) && e.Type == EventType.Rating)
        {
            _single[0] = Slim(p);
            _analysis.Analyse(e.Shop, _single.AsSpan(), facts);
        }
    }

    /// <summary>
    /// Asks the processor for the row's place in the id window and the table place of its conversation, some rows before
    /// it is applied (the caller's distance, twice <see cref="PrefetchDistance"/>): with a million ids kept and 1.4M open
    /// conversations each is a cache miss, and a prefetch lets it overlap the rows in between instead of stalling the row
    /// that needs it. Gives the id's and the key's hashes for <see cref="PrefetchSlot"/> and <see cref="Apply(in EventRow,
    /// ReadOnlySpan{char}, List{MetricFact}, RowHashes)"/> (0: not computed, a row whose shop is not yet known by number,
    /// or without a conversation). Reads and writes nothing the fold keeps.
    /// </summary>
    public unsafe RowHashes PrefetchPlace(in EventRow e, ReadOnlySpan<char> chars)
    {
        if (!Sse.IsSupported) return default;
        var run = e.ShopIndex;
        if ((uint)run >= (uint)_shopOfRow.Length || !ReferenceEquals(_shopOfRow[run].Name, e.Shop)) return default;
        var id = _ids.Prefetch(_shopOfRow[run].Shop, chars.Slice(e.IdStart, e.IdLength));
        if (e.ConversationLength < 0) return new RowHashes(id, 0);
        var hash = KeyHash(_shopOfRow[run].Shop, chars.Slice(e.ConversationStart, e.ConversationLength));
        Sse.Prefetch0(Unsafe.AsPointer(ref _table[Home(hash, _table.Length - 1)]));
        return new RowHashes(id, hash);
    }

    /// <summary>A row's (shop, id) hash for the id window and (shop, conversation) hash for the table; 0 where not computed.</summary>
    internal readonly record struct RowHashes(ulong Id, ulong Conversation);

    /// <summary>
    /// Then the slot (two cache lines) of the conversation whose key hashed to <paramref name="hash"/> (from
    /// <see cref="PrefetchPlace"/>, so the key is hashed once for both), when the table holds it.
    /// </summary>
    public unsafe void PrefetchSlot(ulong hash)
    {
        if (hash == 0) return;
        var entry = _table[Home(hash, _table.Length - 1)];
        if (entry == 0 || TagOf((ulong)entry) != TagOf(hash)) return;
        var at = (int)(uint)entry - 1;
        if (at >= _slotsUsed) return;
        ref var c = ref At(at);
        Sse.Prefetch0(Unsafe.AsPointer(ref c));
        Sse.Prefetch0((byte*)Unsafe.AsPointer(ref c) + 64);
    }

    /// <summary>The cache lines of a slot's analysis state, its last 64 bytes (a hint: nothing is read).</summary>
    private static unsafe void PrefetchState(ref Conversation c)
    {
        if (!Sse.IsSupported) return;
        var state = (byte*)Unsafe.AsPointer(ref c.State);
        // Two lines: a slot page is not aligned to a line, so the state usually straddles two.
        Sse.Prefetch0(state);
        Sse.Prefetch0(state + Unsafe.SizeOf<ConversationCore>() - 1);
    }

    /// <summary>How many rows ahead a caller prefetches a row's slot (its table place twice as far; a power of two).</summary>
    public const int PrefetchDistance = 8;

    /// <summary>
    /// The rules every event goes through: counted, too late or not, de-duplicated, buffered into its conversation.
    /// True for an event outside any conversation that the caller should analyse on its own (a rating).
    /// </summary>
    private bool Take(int shop, ReadOnlySpan<char> id, RowHashes hashes, bool hasConversation, ReadOnlySpan<char> conversation, ref Pending p, List<MetricFact> facts)
    {
        Read++;
        var ticks = p.Ticks;
        if (_lateness is not null && ticks < Watermark) TooLate++;
        if (!_ids.Add(shop, id, ticks, hashes.Id))
        {
            Duplicates++;
            return false;
        }

        var alone = false;
        if (hasConversation && p.Type is EventType.Message or EventType.Rating or EventType.Session or EventType.Complaint)
        {
            var hash = hashes.Conversation != 0 ? hashes.Conversation : KeyHash(shop, conversation);
            var slot = Find(shop, conversation, hash);
            if (slot < 0) slot = Open(shop, conversation, hash);
            p.Rank = (byte)EventOrder.Rank(p.Type, p.Sender, p.Action);
            p.Shop = shop;
            Buffer(slot, ref p, id, facts);
            ref var c = ref At(slot);
            // Waiting: the newest customer message is later than the newest human reply. A later customer message
            // makes it so; a reply as late or later unmakes it; anything older changes neither.
            if (p.Type == EventType.Message && p.Sender == Sender.Customer)
            {
                if (ticks > c.LastMessage) (c.LastMessage, c.Waiting) = (ticks, true);
            }
            else if (p.Type == EventType.Message && p.Sender == Sender.Agent && p.Kind is not (MessageKind.Auto or MessageKind.Welcome) && ticks >= c.LastMessage)
                (c.LastMessage, c.Waiting) = (ticks, false);
            if (ticks > c.LastTicks) c.LastTicks = ticks;
            if (_lateness is not null && c.Slot is NotFiled or ParkedSlot) File(slot);
        }
        else alone = p.Type == EventType.Rating; // agent statuses: only the stretch analysis reads presence

        if (ticks > _maxTicks) _maxTicks = ticks;
        if (_lateness is not null && _maxTicks >= _nextScan)
        {
            _nextScan = _maxTicks + ScanEvery;
            FinaliseBefore(Watermark, facts);
        }
        return alone;
    }

    /// <summary>"The input is over": everything buffered is applied and every open conversation finished.</summary>
    public void Finish(List<MetricFact> facts)
    {
        var into = new AppendTo(facts);
        Finish([], ref into);
    }

    /// <summary>
    /// As <see cref="Finish(List{MetricFact})"/>, each conversation's facts handed to <paramref name="sink"/> as it closes:
    /// the conversations still open at the end (on a long input mostly those whose customer never heard back, kept for
    /// SPEC §4) are not all gathered in one list first, which on 50M events or the wide shape was hundreds of MB.
    /// </summary>
    public void Finish<TSink>(List<MetricFact> facts, ref TSink sink) where TSink : struct, IFactSink
    {
        Release(long.MaxValue, facts);
        Hand(facts, ref sink);
        _releasedBelow = long.MinValue;
        // Every conversation closes, so the table empties at once afterwards instead of entry by entry (each removal a
        // cache miss and a backward shift among the 1.4M open conversations of the wide shape).
        for (var slot = 0; slot < _slotsUsed; slot++)
        {
            if (!At(slot).Live) continue;
            Close(slot, facts, unplace: false);
            Hand(facts, ref sink);
        }
        _table = new long[2048];
        foreach (var list in _expiry.Values)
        {
            list.Clear();
            _spareLists.Push(list);
        }
        _expiry.Clear();
        _oldestSlot = long.MaxValue;
        _ids.Clear();
    }

    /// <summary>Hands what <paramref name="facts"/> holds to <paramref name="sink"/> and empties it.</summary>
    internal static void Hand<TSink>(List<MetricFact> facts, ref TSink sink) where TSink : struct, IFactSink
    {
        if (facts.Count == 0) return;
        sink.Take(facts);
        facts.Clear();
    }

    /// <summary>Facts appended to a caller's list (<see cref="Finish(List{MetricFact})"/>).</summary>
    private readonly struct AppendTo(List<MetricFact> into) : IFactSink
    {
        public void Take(List<MetricFact> facts) => into.AddRange(facts);
    }

    private int ShopOf(string name)
    {
        if (_shopByName.TryGetValue(name, out var shop)) return shop;
        shop = _shops.Count;
        _shopByName.Add(name, shop);
        _shops.Add(name);
        return shop;
    }

    /// <summary>A row's shop by its run-wide number (checked against the name, so a foreign number cannot mix shops up).</summary>
    private int ShopOf(in EventRow e)
    {
        var run = e.ShopIndex;
        if ((uint)run < (uint)_shopOfRow.Length && ReferenceEquals(_shopOfRow[run].Name, e.Shop)) return _shopOfRow[run].Shop;
        var shop = ShopOf(e.Shop);
        if (run >= 0)
        {
            if (run >= _shopOfRow.Length) Array.Resize(ref _shopOfRow, Math.Max(run + 1, _shopOfRow.Length * 2));
            _shopOfRow[run] = (e.Shop, shop);
        }
        return shop;
    }

    private static ulong KeyHash(int shop, ReadOnlySpan<char> conversation)
    {
        var h = IdWindow.Mix(0x13198A2E03707344UL ^ ((ulong)(uint)shop * 0xC2B2AE3D27D4EB4FUL), conversation);
        return h;
    }

    /// <summary>A hash's high half, in place: what an entry keeps of its key's hash (its tag, and so its <see cref="Home"/>).</summary>
    private static long TagOf(ulong hash) => (long)(hash & 0xFFFFFFFF00000000UL);

    private static long Entry(ulong hash, int slot) => TagOf(hash) | (uint)(slot + 1);

    /// <summary>
    /// A key's first place in the table, from its hash's high half: the half an entry keeps as its tag, so an entry's
    /// home is read off the entry itself (the low half stays with nobody: a 32-bit tag already tells keys apart).
    /// </summary>
    private static int Home(ulong hash, int mask) => (int)(hash >> 32) & mask;

    private int Find(int shop, ReadOnlySpan<char> conversation, ulong hash)
    {
        var tag = TagOf(hash);
        var table = _table;
        var mask = table.Length - 1;
        for (var i = Home(hash, mask); ; i = (i + 1) & mask)
        {
            var entry = table[i];
            if (entry == 0) return -1;
            if (TagOf((ulong)entry) != tag) continue;
            var slot = (int)(uint)entry - 1;
            ref var c = ref At(slot);
            if (c.Shop == shop && SameKey(slot, ref c, conversation)) return slot;
        }
    }

    private bool SameKey(int slot, ref Conversation c, ReadOnlySpan<char> conversation)
    {
        if (c.KeyLength != LongKey)
            return c.KeyLength == conversation.Length && System.Text.Ascii.Equals(((ReadOnlySpan<byte>)c.Key)[..c.KeyLength], conversation);
        var (chars, length) = _longKeys[slot];
        return chars.AsSpan(0, length).SequenceEqual(conversation);
    }

    private int Open(int shop, ReadOnlySpan<char> conversation, ulong hash)
    {
        int slot;
        if (_freeCount > 0) slot = _free[--_freeCount];
        else
        {
            slot = _slotsUsed++;
            if ((slot & (PageSize - 1)) == 0) NewPage(slot >> PageBits);
        }
        ref var c = ref At(slot);
        c.HashHigh = (uint)(hash >> 32);
        c.Shop = shop;
        c.Live = true;
        c.Waiting = false;
        c.LastTicks = c.LastMessage = long.MinValue;
        c.Slot = NotFiled;
        if (conversation.Length <= InlineKey && System.Text.Ascii.IsValid(conversation))
        {
            System.Text.Ascii.FromUtf16(conversation, c.Key, out _);
            c.KeyLength = (byte)conversation.Length;
        }
        else
        {
            if (slot >= _longKeys.Length) Array.Resize(ref _longKeys, Math.Max(slot + 1, _longKeys.Length * 2));
            ref var kept = ref _longKeys[slot];
            if (kept.Chars is null || kept.Chars.Length < conversation.Length) kept.Chars = new char[conversation.Length];
            conversation.CopyTo(kept.Chars);
            kept.Length = conversation.Length;
            c.KeyLength = LongKey;
        }
        c.State.Reset();

        if ((_live + 1) * 2 > _table.Length) GrowTable();
        Place(_table, hash, slot);
        if (++_live > PeakOpenConversations) PeakOpenConversations = _live;
        return slot;
    }

    private ref Conversation At(int slot) => ref _pages[slot >> PageBits][slot & (PageSize - 1)];

    private void NewPage(int page)
    {
        if (page == _pages.Length) Array.Resize(ref _pages, page * 2);
        var slots = _pages[page] = new Conversation[PageSize];
        for (var i = 0; i < slots.Length; i++) slots[i].State = new ConversationCore(_rules);
    }

    private CoreContext Context(int shop) => new(_rules, _clock, _shops[shop]);

    private static void Place(long[] table, ulong hash, int slot)
    {
        var mask = table.Length - 1;
        var i = Home(hash, mask);
        while (table[i] != 0) i = (i + 1) & mask;
        table[i] = Entry(hash, slot);
    }

    private void GrowTable()
    {
        var table = Tables.Fresh<long>(_table.Length * 2);
        foreach (var entry in _table)
            if (entry != 0) Place(table, (ulong)entry, (int)(uint)entry - 1);
        _table = table;
    }

    /// <summary>Takes a slot out of the table by backward shift, so probes never meet a hole they should have passed.</summary>
    private void Unplace(int slot)
    {
        var table = _table;
        var mask = table.Length - 1;
        var i = Home((ulong)At(slot).HashHigh << 32, mask);
        while ((int)(uint)table[i] != slot + 1) i = (i + 1) & mask;
        var j = i;
        while (true)
        {
            j = (j + 1) & mask;
            var entry = table[j];
            if (entry == 0) break;
            var home = Home((ulong)entry, mask);
            // The entry at j may move to the hole at i unless its home lies cyclically in (i, j].
            var stays = i <= j ? home > i && home <= j : home > i || home <= j;
            if (stays) continue;
            table[i] = entry;
            i = j;
        }
        table[i] = 0;
    }

    private void Close(int slot, List<MetricFact> facts, bool unplace = true)
    {
        ref var c = ref At(slot);
        c.State.Finish(Context(c.Shop), facts);
        if (unplace) Unplace(slot);
        c.Live = false;
        c.Slot = NotFiled;
        c.Generation++;
        if (_freeCount == _free.Length) Array.Resize(ref _free, _free.Length * 2);
        _free[_freeCount++] = slot;
        _live--;
    }

    /// <summary>Closes every conversation whose stretch ended more than the idle close before <paramref name="watermark"/>.</summary>
    private void FinaliseBefore(long watermark, List<MetricFact> facts)
    {
        Release(MinuteOf(watermark), facts);
        var due = watermark / ScanEvery;
        for (; _oldestSlot < due && _expiry.Count > 0; _oldestSlot++)
        {
            if (!_expiry.Remove(_oldestSlot, out var dueNow)) continue;
            foreach (var (slot, generation) in dueNow)
            {
                ref var c = ref At(slot);
                if (!c.Live || c.Generation != generation || c.Slot != _oldestSlot) continue; // closed or filed again since
                if (c.LastTicks + _idleClose < watermark && (c.Waiting || Unreleased(ref c)))
                {
                    // A customer still waits: the reply may come days later and must be matched (SPEC §4). Parked
                    // until its next event; a conversation that never hears back is finished at Finish.
                    c.Slot = ParkedSlot;
                }
                else if (c.LastTicks + _idleClose < watermark) Close(slot, facts);
                else
                {
                    c.Slot = NotFiled;
                    File(slot);
                }
            }
            dueNow.Clear();
            _spareLists.Push(dueNow);
        }
        if (_expiry.Count == 0) _oldestSlot = long.MaxValue;

        // Ids older than the watermark can only come back as too-late events, which force a replay anyway.
        _ids.ForgetBefore(watermark / TimeSpan.TicksPerHour);
    }

    /// <summary>Files a conversation under the slot of its current expiry (last event + idle close).</summary>
    private void File(int slot)
    {
        ref var c = ref At(slot);
        var expiry = (c.LastTicks + _idleClose) / ScanEvery;
        c.Slot = checked((int)expiry);
        if (!_expiry.TryGetValue(expiry, out var filed)) _expiry[expiry] = filed = _spareLists.Count > 0 ? _spareLists.Pop() : [];
        filed.Add((slot, c.Generation));
        if (expiry < _oldestSlot) _oldestSlot = expiry;
    }

    private SlimEvent Slim(in Pending p) => new(p.Ticks, _names[p.Agent], _names[p.Reason], p.Type, p.Sender, p.Kind, p.Stars, p.Satisfaction, p.Action);

    private void Buffer(int slot, ref Pending p, ReadOnlySpan<char> id, List<MetricFact> facts)
    {
        var minute = MinuteOf(p.Ticks);
        if (minute < _releasedBelow)
        {
            // Behind the watermark, so counted too late: its order is lost and the caller replays without a watermark.
            ref var late = ref At(slot);
            late.State.Apply(Slim(p), Context(late.Shop), facts);
            return;
        }
        if (minute != _lastMinute || _lastBucket is null)
        {
            if (!_buffer.TryGetValue(minute, out _lastBucket))
                _buffer[minute] = _lastBucket = _spareMinutes.Count > 0 ? _spareMinutes.Pop() : new Minute();
            _lastMinute = minute;
            if (minute < _oldestMinute) _oldestMinute = minute;
        }
        var b = _lastBucket;
        // A minute that outgrows its arrays goes straight to the largest minute's size so far: a reused minute of a
        // quieter hour otherwise doubles its way up again (each step a new large array on a busy day).
        if (b.Count == b.Items.Length)
        {
            Array.Resize(ref b.Items, Math.Max(b.Count * 2, _largestItems));
            _largestItems = b.Items.Length;
        }
        if (b.Used + id.Length > b.Ids.Length)
        {
            Array.Resize(ref b.Ids, Math.Max(Math.Max(b.Ids.Length * 2, b.Used + id.Length), _largestIds));
            _largestIds = b.Ids.Length;
        }
        id.CopyTo(b.Ids.AsSpan(b.Used));
        p.Conversation = slot;
        p.IdStart = b.Used;
        p.IdLength = id.Length;
        b.Items[b.Count++] = p;
        b.Used += id.Length;
    }

    /// <summary>
    /// Whether some of the conversation's events are still in the reorder buffer: its newest event's minute has not been
    /// released. An event is buffered exactly when its minute is not yet released (<see cref="Buffer"/>), and minutes are
    /// released in order, so this is a count of its buffered events above zero without the count, which a released event
    /// would have to update in the slot's first cache line (decisions §108).
    /// </summary>
    private bool Unreleased(ref Conversation c) => MinuteOf(c.LastTicks) >= _releasedBelow;

    /// <summary>The reorder buffer's minute of an instant: buffering, releasing and <see cref="Unreleased"/> must agree on it.</summary>
    private static long MinuteOf(long ticks) => ticks / TimeSpan.TicksPerMinute;

    /// <summary>Applies every buffered minute below <paramref name="limitMinute"/>, oldest first.</summary>
    private void Release(long limitMinute, List<MetricFact> facts)
    {
        if (limitMinute > _releasedBelow) _releasedBelow = limitMinute;
        if (_buffer.Count == 0 || _oldestMinute >= limitMinute) return;
        if (limitMinute - _oldestMinute > 4L * _buffer.Count + 64)
        {
            // Few minutes over a long span (a gap in the input, or the end): visit the filed minutes, not the span.
            var due = new List<long>();
            foreach (var minute in _buffer.Keys)
                if (minute < limitMinute) due.Add(minute);
            due.Sort();
            foreach (var minute in due) ReleaseMinute(minute, facts);
        }
        else
        {
            for (var minute = _oldestMinute; minute < limitMinute; minute++) ReleaseMinute(minute, facts);
        }
        _oldestMinute = _buffer.Count == 0 ? long.MaxValue : limitMinute;
    }

    private void ReleaseMinute(long minute, List<MetricFact> facts)
    {
        if (!_buffer.Remove(minute, out var bucket)) return;
        if (ReferenceEquals(bucket, _lastBucket)) _lastBucket = null;
        var items = bucket.Items.AsSpan(0, bucket.Count);
        _order.Of(bucket.Ids);
        Sort(items, _order);
        // The state of the event PrefetchDistance on is asked of the processor while this one is applied, so the misses
        // (a minute's slots are spread over the 1.4M open conversations of the wide shape) overlap the work between. Only
        // the state is read: the shop comes with the event.
        for (var i = 0; i < Math.Min(PrefetchDistance, items.Length); i++) PrefetchState(ref At(items[i].Conversation));
        for (var i = 0; i < items.Length; i++)
        {
            if (i + PrefetchDistance < items.Length) PrefetchState(ref At(items[i + PrefetchDistance].Conversation));
            ref readonly var p = ref items[i];
            At(p.Conversation).State.Apply(Slim(p), Context(p.Shop), facts);
        }
        bucket.Count = 0;
        bucket.Used = 0;
        if (_spareMinutes.Count < 256) _spareMinutes.Push(bucket);
    }

    /// <summary>
    /// Puts a minute in <see cref="EventOrder"/>. A minute comes almost in order (from a file in time order, it is out
    /// only where events share a millisecond and their ids are not in order), so each event out of place is moved back
    /// to its place, as an insertion sort does from the first one; a minute so far out of order that the moves pass a
    /// budget linear in its size is sorted whole instead. Events whose order keys are all equal (the same id in two
    /// shops) are of different conversations, so their order changes no figure.
    /// </summary>
    private static void Sort(Span<Pending> items, PendingOrder order)
    {
        var budget = 2 * items.Length + 64;
        for (var i = 1; i < items.Length; i++)
        {
            if (order.Compare(items[i - 1], items[i]) <= 0) continue;
            var moving = items[i];
            var j = i - 1;
            do
            {
                items[j + 1] = items[j];
                j--;
                budget--;
            }
            while (j >= 0 && order.Compare(items[j], moving) > 0);
            items[j + 1] = moving;
            if (budget < 0)
            {
                items.Sort(order.Comparison);
                return;
            }
        }
    }

    /// <summary>
    /// Agents and reasons as numbers (0: none). A row carries instances its reader interned for the run, so a small
    /// cache by reference answers almost every lookup without hashing characters; other instances go by value.
    /// </summary>
    private sealed class Names
    {
        /// <summary>The cache's largest size: grows with the names seen, so 20,000 shops' agents are not looked up by value each time.</summary>
        private const int MaxCache = 1 << 18;
        private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);
        private readonly List<string?> _list = [null];
        private string?[] _cachedName = new string?[1 << 12];
        private int[] _cachedIndex = new int[1 << 12];

        /// <summary>
        /// By a row's run-wide agent number: one array read, the instance compared by reference (no hashing, and no
        /// read of the string's header, a cache miss among 117,000 agents); a number not seen with this instance goes by name.
        /// </summary>
        private (string? Name, int Index)[] _byNumber = new (string?, int)[64];

        public string? this[int index] => _list[index];

        public int Of(string? name, int number)
        {
            if (name is null) return 0;
            if ((uint)number < (uint)_byNumber.Length && ReferenceEquals(_byNumber[number].Name, name)) return _byNumber[number].Index;
            var index = Of(name);
            if (number >= 0)
            {
                if (number >= _byNumber.Length) Array.Resize(ref _byNumber, Math.Max(number + 1, _byNumber.Length * 2));
                _byNumber[number] = (name, index);
            }
            return index;
        }

        public int Of(string? name)
        {
            if (name is null) return 0;
            var at = RuntimeHelpers.GetHashCode(name) & (_cachedName.Length - 1);
            if (ReferenceEquals(_cachedName[at], name)) return _cachedIndex[at];
            if (!_byName.TryGetValue(name, out var index))
            {
                index = _list.Count;
                _byName.Add(name, index);
                _list.Add(name);
                if (_list.Count * 2 > _cachedName.Length && _cachedName.Length < MaxCache)
                {
                    // Refilled as names come by again (the old cache's places are of the smaller mask).
                    _cachedName = new string?[_cachedName.Length * 2];
                    _cachedIndex = new int[_cachedName.Length];
                    at = RuntimeHelpers.GetHashCode(name) & (_cachedName.Length - 1);
                }
            }
            _cachedName[at] = name;
            _cachedIndex[at] = index;
            return index;
        }
    }
}
