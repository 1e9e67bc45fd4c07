using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace KefuScore.Engine.Metrics;

/// <summary>
/// Exact (shop, id) de-duplication for the fold without a string or object per event. Shops are the fold's interned
/// numbers. Ids are kept by the hour of their event, one <see cref="Generation"/> per hour: its own open-addressing table
/// of 64-bit entries (the hash's high half as a tag beside the record's place, so a probe reads one cache line and a
/// new id, the common case, is told by the first empty entry) over its own arena of records (shop, length, hour,
/// characters), read only when a tag matches. Forgetting (<see cref="ForgetBefore"/>: the watermark has passed an hour,
/// so an event of that hour can only come back too late, which makes the caller replay anyway) empties an hour's
/// generation whole for a later hour to reuse: no id is re-indexed, where one table over all hours was rebuilt from its
/// kept ids every hour. A lookup probes every generation kept (two or three under the fold's one-hour lateness, each
/// probe asked of the processor ahead by <see cref="Prefetch"/>). Ids of an hour already forgotten (too late) and of
/// more hours than <see cref="MaxHours"/> share one mixed generation, filtered by each record's hour when it is only
/// partly forgotten, so the probes stay few whatever the input. Unbounded (no forgetting) keeps every id in one
/// generation. Not thread-safe: one per fold (decisions §107).
/// </summary>
internal sealed class IdWindow(bool forgets = true)
{
    /// <summary>A record's header in the arena: its shop (2 characters), length (2) and hour (4).</summary>
    private const int Header = 8;

    /// <summary>A record in an arena, read where it starts: the one place its layout is read.</summary>
    private readonly ref struct Record(ReadOnlySpan<char> at)
    {
        private readonly ReadOnlySpan<char> _at = at;

        public int Shop => MemoryMarshal.Read<int>(MemoryMarshal.AsBytes(_at[..2]));
        public int Length => MemoryMarshal.Read<int>(MemoryMarshal.AsBytes(_at.Slice(2, 2)));
        public long Hour => MemoryMarshal.Read<long>(MemoryMarshal.AsBytes(_at.Slice(4, 4)));
        public ReadOnlySpan<char> Id => _at.Slice(Header, Length);
        /// <summary>Characters from this record's start to the next one's.</summary>
        public int Size => Header + Length;

        /// <summary>Writes a record of (<paramref name="shop"/>, <paramref name="id"/>, <paramref name="hour"/>) at the start of <paramref name="into"/>.</summary>
        public static void Write(Span<char> into, int shop, ReadOnlySpan<char> id, long hour)
        {
            MemoryMarshal.Write(MemoryMarshal.AsBytes(into[..2]), shop);
            MemoryMarshal.Write(MemoryMarshal.AsBytes(into.Slice(2, 2)), id.Length);
            MemoryMarshal.Write(MemoryMarshal.AsBytes(into.Slice(4, 4)), hour);
            id.CopyTo(into[Header..]);
        }
    }
    private const int FirstEntries = 1 << 12;
    /// <summary>Hours with a generation of their own; more go to the mixed one.</summary>
    private const int MaxHours = 4;

    /// <summary>The ids of one hour, or (<see cref="Mixed"/>) of several.</summary>
    private sealed class Generation(int entries)
    {
        /// <summary>The hours of its records, from <see cref="Oldest"/> to <see cref="Newest"/> (one hour unless mixed).</summary>
        public long Oldest = long.MaxValue, Newest = long.MinValue;
        public bool Mixed;
        /// <summary>Open addressing, linear probing: the hash's high 32 bits above the record's place + 1 (0: empty).</summary>
        public long[] Entries = Tables.Fresh<long>(entries);
        public char[] Arena = new char[1 << 15];
        public int Used, Count;
    }

    /// <summary>The kept generations, in no order.</summary>
    private Generation[] _live = new Generation[MaxHours + 1];
    private int _liveCount;
    /// <summary>Emptied generations, their arrays kept for the next hours (a busy hour's table is the size the next one needs).</summary>
    private readonly Stack<Generation> _spare = new();
    /// <summary>The generation the last id went into: consecutive events mostly share an hour.</summary>
    private Generation? _last;
    /// <summary>The last hour limit given to <see cref="ForgetBefore"/>: ids of earlier hours go to the mixed generation.</summary>
    private long _limit = long.MinValue;

    /// <summary>The generations kept, each probed by a lookup (tests: at most <see cref="MaxHours"/> + 1 whatever the input).</summary>
    internal int Generations => _liveCount;

    public int Count
    {
        get
        {
            var count = 0;
            for (var g = 0; g < _liveCount; g++) count += _live[g].Count;
            return count;
        }
    }

    private static long TagOf(ulong hash) => (long)(hash & 0xFFFFFFFF00000000UL);

    /// <summary>True the first time (shop, id) is seen; false for a duplicate.</summary>
    public bool Add(int shop, ReadOnlySpan<char> id, long ticks) => Add(shop, id, ticks, Hash(shop, id));

    /// <summary>
    /// As <see cref="Add(int, ReadOnlySpan{char}, long)"/> with the (shop, id) hash that <see cref="Prefetch"/> gave
    /// (0: not known, computed here), so an id is hashed once.
    /// </summary>
    public bool Add(int shop, ReadOnlySpan<char> id, long ticks, ulong hash)
    {
        if (hash == 0) hash = Hash(shop, id);
        var tag = TagOf(hash);
        for (var g = 0; g < _liveCount; g++)
        {
            var generation = _live[g];
            var entries = generation.Entries;
            var mask = entries.Length - 1;
            for (var i = (int)hash & mask; entries[i] != 0; i = (i + 1) & mask)
                if ((entries[i] & unchecked((long)0xFFFFFFFF00000000UL)) == tag && Same(generation.Arena, (int)(uint)entries[i] - 1, shop, id))
                    return false;
        }
        var hour = forgets ? ticks / TimeSpan.TicksPerHour : 0;
        Keep(Of(hour), hash, shop, id, hour);
        return true;
    }

    private static void Keep(Generation into, ulong hash, int shop, ReadOnlySpan<char> id, long hour)
    {
        if ((into.Count + 1) * 2 > into.Entries.Length) Grow(into);
        var need = Header + id.Length;
        if (into.Used + need > into.Arena.Length) Array.Resize(ref into.Arena, Math.Max(into.Arena.Length * 2, into.Used + need));
        Record.Write(into.Arena.AsSpan(into.Used, need), shop, id, hour);
        Place(into.Entries, hash, into.Used);
        into.Used += need;
        into.Count++;
        if (hour < into.Oldest) into.Oldest = hour;
        if (hour > into.Newest) into.Newest = hour;
    }

    /// <summary>
    /// Asks the processor for the table places <see cref="Add"/> will read first for (shop, id), some events before it
    /// comes (a new id's place is a cache miss in each hour's table of hundreds of thousands). A hint: nothing is read or
    /// kept. Gives the (shop, id) hash for <see cref="Add(int, ReadOnlySpan{char}, long, ulong)"/>.
    /// </summary>
    public unsafe ulong Prefetch(int shop, ReadOnlySpan<char> id)
    {
        var hash = Hash(shop, id);
        if (!Sse.IsSupported) return hash;
        for (var g = 0; g < _liveCount; g++)
        {
            var entries = _live[g].Entries;
            Sse.Prefetch0(Unsafe.AsPointer(ref entries[(int)hash & (entries.Length - 1)]));
        }
        return hash;
    }

    private static bool Same(char[] arena, int start, int shop, ReadOnlySpan<char> id)
    {
        var record = new Record(arena.AsSpan(start));
        return record.Shop == shop && record.Length == id.Length && record.Id.SequenceEqual(id);
    }

    private static void Place(long[] entries, ulong hash, int start)
    {
        var mask = entries.Length - 1;
        var i = (int)hash & mask;
        while (entries[i] != 0) i = (i + 1) & mask;
        entries[i] = TagOf(hash) | (uint)(start + 1);
    }

    /// <summary>
    /// The generation an id of <paramref name="hour"/> goes into: its hour's, a spare one emptied for it if it has none;
    /// the mixed one for an hour already forgotten or past <see cref="MaxHours"/>.
    /// </summary>
    private Generation Of(long hour)
    {
        if (_last is { Mixed: false } last && last.Oldest == hour) return last;
        Generation? mixed = null;
        var hours = 0;
        for (var g = 0; g < _liveCount; g++)
        {
            var generation = _live[g];
            if (generation.Mixed) mixed = generation;
            else if (generation.Oldest == hour) return _last = generation;
            else hours++;
        }
        var mix = hour < _limit || hours >= MaxHours;
        if (mix && mixed is not null) return mixed;
        var fresh = Take(Largest());
        fresh.Mixed = mix;
        if (_liveCount == _live.Length) Array.Resize(ref _live, _liveCount * 2);
        _live[_liveCount++] = fresh;
        return mix ? fresh : _last = fresh;
    }

    /// <summary>An empty generation, spare if there is one.</summary>
    private Generation Take(int entries) => _spare.Count > 0 ? _spare.Pop() : new Generation(entries);

    /// <summary>A new generation starts at the largest table kept: an hour is mostly as busy as the one before it.</summary>
    private int Largest()
    {
        var largest = FirstEntries;
        for (var g = 0; g < _liveCount; g++) largest = Math.Max(largest, _live[g].Entries.Length);
        return largest;
    }

    /// <summary>A table twice the size over the same arena: every record stays where it is, its hash computed again.</summary>
    private static void Grow(Generation generation)
    {
        var entries = Tables.Fresh<long>(generation.Entries.Length * 2);
        var arena = generation.Arena;
        for (var at = 0; at < generation.Used;)
        {
            var record = new Record(arena.AsSpan(at));
            Place(entries, Hash(record.Shop, record.Id), at);
            at += record.Size;
        }
        generation.Entries = entries;
    }

    /// <summary>Forgets every id whose event's hour is before <paramref name="hourLimit"/>.</summary>
    public void ForgetBefore(long hourLimit)
    {
        if (!forgets) return;
        _limit = hourLimit;
        for (var g = _liveCount - 1; g >= 0; g--)
        {
            var generation = _live[g];
            if (generation.Oldest >= hourLimit) continue;
            if (generation.Newest >= hourLimit)
            {
                _live[g] = Filtered(generation, hourLimit); // only a mixed generation spans the limit
                continue;
            }
            Drop(generation);
            _live[g] = _live[--_liveCount];
            _live[_liveCount] = null!;
        }
        _last = null;
    }

    /// <summary>A mixed generation's records of hours from <paramref name="hourLimit"/> on, in a generation of their own.</summary>
    private Generation Filtered(Generation generation, long hourLimit)
    {
        var kept = Take(generation.Entries.Length);
        kept.Mixed = true;
        var arena = generation.Arena;
        for (var at = 0; at < generation.Used;)
        {
            var record = new Record(arena.AsSpan(at));
            if (record.Hour >= hourLimit) Keep(kept, Hash(record.Shop, record.Id), record.Shop, record.Id, record.Hour);
            at += record.Size;
        }
        Drop(generation);
        return kept;
    }

    private void Drop(Generation generation)
    {
        if (generation.Count > 0) Array.Clear(generation.Entries);
        generation.Used = generation.Count = 0;
        generation.Oldest = long.MaxValue;
        generation.Newest = long.MinValue;
        generation.Mixed = false;
        _spare.Push(generation);
    }

    public void Clear()
    {
        for (var g = 0; g < _liveCount; g++)
        {
            Drop(_live[g]);
            _live[g] = null!;
        }
        _liveCount = 0;
        _last = null;
        _limit = long.MinValue;
    }

    /// <summary>A 64-bit mix of the shop's number and the id's characters; seedless, so it repeats exactly.</summary>
    private static ulong Hash(int shop, ReadOnlySpan<char> id)
    {
        var h = Mix(0x243F6A8885A308D3UL ^ ((ulong)(uint)shop * 0x9E3779B97F4A7C15UL), id);
        return h == 0 ? 1 : h;
    }

    internal static ulong Mix(ulong h, ReadOnlySpan<char> text)
    {
        const ulong K = 0x9E3779B97F4A7C15UL;
        var words = MemoryMarshal.Cast<char, ulong>(text);
        foreach (var w in words) h = BitOperations.RotateLeft((h ^ w) * K, 31);
        for (var i = words.Length * 4; i < text.Length; i++) h = BitOperations.RotateLeft((h ^ text[i]) * K, 31);
        h ^= (ulong)text.Length;
        // murmur3's finaliser: every input bit reaches every output bit.
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB93E64E2B05BUL;
        return h ^ (h >> 33);
    }
}
