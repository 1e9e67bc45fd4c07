using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace KefuScore.Engine.Metrics;

/// <summary>
/// Exact (shop, id) de-duplication for the fold without a string or object per event. Shops are the fold's interned
/// numbers. Every id kept is a record in one character arena (its hash, hour, shop and characters), found through an
/// open-addressing table of 32-bit tags (the hash's high half; its low bits give the position): a lookup reads one
/// array slot (a new id, the common case, is told by the first empty slot), and only a tag hit reads the arena to
/// compare shop and characters, so different ids sharing a tag are simply two entries. Ids are forgotten by the hour they arrived in, once the watermark has passed it
/// (<see cref="ForgetBefore"/>): an event of that hour can then only come back too late, which makes the caller replay
/// anyway. Forgetting rebuilds the table from the ids still kept into a second table (reused) and moves their records
/// down within the arena, once an hour of event time, reading the arena in order, so no entry is ever deleted in place. Unbounded (no forgetting) keeps every id. Not
/// thread-safe: one per fold.
/// </summary>
internal sealed class IdWindow(bool forgets = true)
{
    /// <summary>A record's header in the arena: its hash (4 characters), hour (4), shop (2) and length (2).</summary>
    private const int Header = 12;

    /// <summary>The high half of each entry's hash (never 0; 0: empty): a table of 4 bytes an entry stays in cache longer.</summary>
    private uint[] _tags = new uint[1 << 12];
    /// <summary>Where each entry's record starts in the arena.</summary>
    private int[] _starts = new int[1 << 12];
    private char[] _arena = new char[1 << 15];
    private int _used;
    private int _count;
    private uint[] _spareTags = [];
    private int[] _spareStarts = [];
    private long _oldest = long.MaxValue;

    public int Count => _count;

    private static uint TagOf(ulong hash) => (uint)(hash >> 32) is var t and not 0 ? t : 1;

    /// <summary>True the first time (shop, id) is seen; false for a duplicate.</summary>
    public bool Add(int shop, ReadOnlySpan<char> id, long ticks)
    {
        var hash = Hash(shop, id);
        var tag = TagOf(hash);
        var tags = _tags;
        var mask = tags.Length - 1;
        var i = (int)hash & mask;
        for (; tags[i] != 0; i = (i + 1) & mask)
            if (tags[i] == tag && Same(_starts[i], shop, id)) return false;

        if ((_count + 1) * 2 > tags.Length)
        {
            Grow();
            i = Empty(_tags, hash);
        }
        var hour = forgets ? ticks / TimeSpan.TicksPerHour : 0;
        var need = Header + id.Length;
        if (_used + need > _arena.Length) Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _used + need));
        var record = _arena.AsSpan(_used, need);
        MemoryMarshal.Write(MemoryMarshal.AsBytes(record[..4]), hash);
        MemoryMarshal.Write(MemoryMarshal.AsBytes(record.Slice(4, 4)), hour);
        MemoryMarshal.Write(MemoryMarshal.AsBytes(record.Slice(8, 2)), shop);
        MemoryMarshal.Write(MemoryMarshal.AsBytes(record.Slice(10, 2)), id.Length);
        id.CopyTo(record[Header..]);
        _tags[i] = tag;
        _starts[i] = _used;
        _used += need;
        _count++;
        if (hour < _oldest) _oldest = hour;
        return true;
    }

    /// <summary>
    /// Asks the processor for the table place <see cref="Add"/> will read first for (shop, id), some events before it
    /// comes (a new id's place is a cache miss in a table of a million entries). A hint: nothing is read or kept.
    /// </summary>
    public unsafe void Prefetch(int shop, ReadOnlySpan<char> id)
    {
        if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref _tags[(int)Hash(shop, id) & (_tags.Length - 1)]));
    }

    private bool Same(int start, int shop, ReadOnlySpan<char> id)
    {
        var record = _arena.AsSpan(start);
        return MemoryMarshal.Read<int>(MemoryMarshal.AsBytes(record.Slice(8, 2))) == shop
            && MemoryMarshal.Read<int>(MemoryMarshal.AsBytes(record.Slice(10, 2))) == id.Length
            && record.Slice(Header, id.Length).SequenceEqual(id);
    }

    private static int Empty(uint[] tags, ulong hash)
    {
        var mask = tags.Length - 1;
        var i = (int)hash & mask;
        while (tags[i] != 0) i = (i + 1) & mask;
        return i;
    }

    /// <summary>
    /// A table twice the size over the same arena: every record stays where it is, so growing copies no characters
    /// (a rebuild into a second arena did, and left one more large array behind each time).
    /// </summary>
    private void Grow()
    {
        var tags = new uint[_tags.Length * 2];
        var starts = new int[tags.Length];
        for (var at = 0; at < _used;)
        {
            var record = _arena.AsSpan(at);
            var hash = MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(record[..4]));
            var slot = Empty(tags, hash);
            tags[slot] = TagOf(hash);
            starts[slot] = at;
            at += Header + MemoryMarshal.Read<int>(MemoryMarshal.AsBytes(record.Slice(10, 2)));
        }
        (_tags, _starts) = (tags, starts);
        // The spare table is of the old size: a forgetting rebuild at the new one allocates its own (once).
        (_spareTags, _spareStarts) = ([], []);
    }

    /// <summary>Forgets every id that arrived in an hour before <paramref name="hourLimit"/>.</summary>
    public void ForgetBefore(long hourLimit)
    {
        if (!forgets || _oldest >= hourLimit) return;
        Rebuild(hourLimit, _tags.Length);
    }

    /// <summary>
    /// Keeps the records of hours from <paramref name="hourLimit"/> on, moved to the front of the arena, in a table of
    /// <paramref name="capacity"/> entries, reading the arena in order (records carry their hash).
    /// </summary>
    private void Rebuild(long hourLimit, int capacity)
    {
        var tags = _spareTags.Length == capacity ? _spareTags : new uint[capacity];
        var starts = _spareStarts.Length == capacity ? _spareStarts : new int[capacity];
        Array.Clear(tags);
        // The kept records move down within the arena (a record only ever moves to a lower place, so reading in
        // order never meets one already overwritten): no second arena.
        var arena = _arena;
        int used = 0, count = 0;
        var oldest = long.MaxValue;
        for (var at = 0; at < _used;)
        {
            var record = _arena.AsSpan(at);
            var length = Header + MemoryMarshal.Read<int>(MemoryMarshal.AsBytes(record.Slice(10, 2)));
            var hour = MemoryMarshal.Read<long>(MemoryMarshal.AsBytes(record.Slice(4, 4)));
            if (hour >= hourLimit)
            {
                var hash = MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(record[..4]));
                if (used != at) record[..length].CopyTo(arena.AsSpan(used));
                var slot = Empty(tags, hash);
                tags[slot] = TagOf(hash);
                starts[slot] = used;
                used += length;
                count++;
                if (hour < oldest) oldest = hour;
            }
            at += length;
        }
        (_spareTags, _spareStarts) = (_tags, _starts);
        (_tags, _starts) = (tags, starts);
        _used = used;
        _count = count;
        _oldest = oldest;
    }

    public void Clear()
    {
        Array.Clear(_tags);
        _used = 0;
        _count = 0;
        _oldest = long.MaxValue;
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
