using System.Numerics;
using System.Runtime.InteropServices;

namespace KefuScore.Engine.Metrics;

/// <summary>
/// Exact (shop, id) de-duplication for the fold without a string or object per event. Shops are the fold's interned
/// numbers. Every id kept is a record in one character arena (its hash, hour, shop and characters), found through an
/// open-addressing table of 32-bit tags (the hash's high half; its low bits give the position): a lookup reads one
/// array slot (a new id, the common case, is told by the first empty slot), and only a tag hit reads the arena to
/// compare shop and characters, so different ids sharing a tag are simply two entries. Ids are forgotten by the hour
/// they arrived in, once the watermark has passed it (<see cref="ForgetBefore"/>): an event of that hour can then only
/// come back too late, which makes the caller replay anyway. Forgetting is lazy: a record counts while its hour is at
/// or after the last limit or it was added after the last <see cref="ForgetBefore"/> (<see cref="Visible"/>), so
/// forgetting only moves the limit and a mark in the arena; records no longer counted are dropped when the table is
/// full anyway (<see cref="Compact"/>), instead of a rebuild every hour of event time. Unbounded (no forgetting)
/// keeps every id. Not thread-safe: one per fold.
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
    /// <summary>Entries in the table, counted or not (forgotten records stay until <see cref="Compact"/>).</summary>
    private int _entries;
    private uint[] _spareTags = [];
    private int[] _spareStarts = [];
    /// <summary>The last <see cref="ForgetBefore"/>'s hour limit.</summary>
    private long _limit = long.MinValue;
    /// <summary>Where in the arena the records added since the last <see cref="ForgetBefore"/> begin.</summary>
    private int _mark;

    /// <summary>The ids counted now (a pass over the arena: for tests, not the fold's path).</summary>
    public int Count
    {
        get
        {
            var count = 0;
            for (var at = 0; at < _used; at += Length(at))
                if (Visible(at)) count++;
            return count;
        }
    }

    private static uint TagOf(ulong hash) => (uint)(hash >> 32) is var t and not 0 ? t : 1;

    /// <summary>True the first time (shop, id) is seen; false for a duplicate.</summary>
    public bool Add(int shop, ReadOnlySpan<char> id, long ticks)
    {
        var hash = Hash(shop, id);
        var tag = TagOf(hash);
        var tags = _tags;
        var mask = tags.Length - 1;
        var i = (int)hash & mask;
        // A forgotten record of the same id may come before a counted one in the probe: look on past it.
        for (; tags[i] != 0; i = (i + 1) & mask)
            if (tags[i] == tag && Same(_starts[i], shop, id) && Visible(_starts[i])) return false;

        if ((_entries + 1) * 2 > tags.Length)
        {
            Compact(long.MinValue);
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
        _entries++;
        return true;
    }

    /// <summary>The one rule of which records count: hour at or after the last limit, or added since the last forgetting.</summary>
    private bool Visible(int start) => start >= _mark || HourAt(start) >= _limit;

    private long HourAt(int start) => MemoryMarshal.Read<long>(MemoryMarshal.AsBytes(_arena.AsSpan(start + 4, 4)));

    private int Length(int start) => Header + MemoryMarshal.Read<int>(MemoryMarshal.AsBytes(_arena.AsSpan(start + 10, 2)));

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

    /// <summary>Forgets every id that arrived in an hour before <paramref name="hourLimit"/>.</summary>
    public void ForgetBefore(long hourLimit)
    {
        if (!forgets) return;
        // A lower limit than the last would bring back records already forgotten: drop those now (watermarks only
        // rise, so the fold never comes here), then every record left counts under the new limit too.
        if (hourLimit < _limit) Compact(hourLimit);
        _limit = hourLimit;
        _mark = _used;
    }

    /// <summary>
    /// Keeps the records that count (and whose hour is at or after <paramref name="floor"/>), moved down to the front
    /// of the arena in order, and indexes them in a table a third full at most (doubled when it would be more), so the
    /// next compaction is at least a sixth of the table's entries away. Records carry their hash: none is rehashed.
    /// </summary>
    private void Compact(long floor)
    {
        // A record only ever moves to a lower place, so reading in order never meets one already overwritten.
        var arena = _arena;
        int used = 0, count = 0, mark = -1;
        for (var at = 0; at < _used;)
        {
            if (at == _mark) mark = used;
            var length = Length(at);
            if (Visible(at) && HourAt(at) >= floor)
            {
                if (used != at) arena.AsSpan(at, length).CopyTo(arena.AsSpan(used));
                used += length;
                count++;
            }
            at += length;
        }
        if (mark < 0) mark = used;

        var capacity = count * 3 > _tags.Length ? _tags.Length * 2 : _tags.Length;
        var tags = _spareTags.Length == capacity ? _spareTags : new uint[capacity];
        var starts = _spareStarts.Length == capacity ? _spareStarts : new int[capacity];
        Array.Clear(tags);
        for (var at = 0; at < used; at += Length(at))
        {
            var hash = MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(arena.AsSpan(at, 4)));
            var slot = Empty(tags, hash);
            tags[slot] = TagOf(hash);
            starts[slot] = at;
        }
        // A spare of the old size only: a table grown is never rebuilt at its old size again.
        (_spareTags, _spareStarts) = capacity == _tags.Length ? (_tags, _starts) : ([], []);
        (_tags, _starts) = (tags, starts);
        _used = used;
        _entries = count;
        _mark = mark;
    }

    public void Clear()
    {
        Array.Clear(_tags);
        _used = 0;
        _entries = 0;
        _limit = long.MinValue;
        _mark = 0;
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
