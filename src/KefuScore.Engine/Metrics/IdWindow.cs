using System.Numerics;
using System.Runtime.InteropServices;

namespace KefuScore.Engine.Metrics;

/// <summary>
/// Exact (shop, id) de-duplication for the fold without a string or object per event. Shops are the fold's interned
/// numbers; an id is kept as its characters in the arena of the hour it arrived in, in that hour's own open-addressing
/// table of 64-bit hashes (structs, no references), so a lookup compares hashes, then the shop, then the characters:
/// different ids sharing a hash are simply two entries. An hour is forgotten whole once the watermark has passed it
/// (<see cref="ForgetBefore"/>): an event of that hour can then only come back too late, which makes the caller replay
/// anyway. Streaming keeps two or three hours, so a lookup probes two or three small tables; unbounded (no
/// forgetting) puts every id in one table. Not thread-safe: one per fold.
/// </summary>
internal sealed class IdWindow(bool forgets = true)
{
    private struct Entry
    {
        /// <summary>0: empty (a hash of 0 is stored as 1).</summary>
        public ulong Hash;
        public int Shop;
        public int Start;
        public int Length;
    }

    private sealed class Hour
    {
        public long Number;
        public char[] Chars = new char[1 << 12];
        public int Used;
        public Entry[] Table = new Entry[1 << 10];
        public int Count;

        public void Clear()
        {
            Array.Clear(Table);
            Count = 0;
            Used = 0;
        }
    }

    private readonly List<Hour> _hours = [];
    private readonly Stack<Hour> _spare = new();
    private Hour? _last;
    private long _oldest = long.MaxValue;

    public int Count
    {
        get
        {
            var n = 0;
            foreach (var h in _hours) n += h.Count;
            return n;
        }
    }

    /// <summary>True the first time (shop, id) is seen; false for a duplicate.</summary>
    public bool Add(int shop, ReadOnlySpan<char> id, long ticks)
    {
        var hash = Hash(shop, id);
        var hours = CollectionsMarshal.AsSpan(_hours);
        foreach (var h in hours)
            if (Contains(h, hash, shop, id)) return false;
        var hour = HourOf(forgets ? ticks / TimeSpan.TicksPerHour : 0);
        Insert(hour, hash, shop, id);
        return true;
    }

    private static bool Contains(Hour h, ulong hash, int shop, ReadOnlySpan<char> id)
    {
        var table = h.Table;
        var mask = table.Length - 1;
        for (var i = (int)hash & mask; ; i = (i + 1) & mask)
        {
            ref readonly var e = ref table[i];
            if (e.Hash == 0) return false;
            if (e.Hash == hash && e.Shop == shop && h.Chars.AsSpan(e.Start, e.Length).SequenceEqual(id)) return true;
        }
    }

    private static void Insert(Hour h, ulong hash, int shop, ReadOnlySpan<char> id)
    {
        if ((h.Count + 1) * 2 > h.Table.Length) Grow(h);
        if (h.Used + id.Length > h.Chars.Length) Array.Resize(ref h.Chars, Math.Max(h.Chars.Length * 2, h.Used + id.Length));
        id.CopyTo(h.Chars.AsSpan(h.Used));
        Place(h.Table, new Entry { Hash = hash, Shop = shop, Start = h.Used, Length = id.Length });
        h.Used += id.Length;
        h.Count++;
    }

    private static void Place(Entry[] table, in Entry entry)
    {
        var mask = table.Length - 1;
        var i = (int)entry.Hash & mask;
        while (table[i].Hash != 0) i = (i + 1) & mask;
        table[i] = entry;
    }

    private static void Grow(Hour h)
    {
        var old = h.Table;
        h.Table = new Entry[old.Length * 2];
        foreach (ref readonly var e in old.AsSpan())
            if (e.Hash != 0) Place(h.Table, e);
    }

    /// <summary>Forgets every id that arrived in an hour before <paramref name="hourLimit"/>.</summary>
    public void ForgetBefore(long hourLimit)
    {
        if (!forgets || _oldest >= hourLimit) return;
        _oldest = long.MaxValue;
        for (var i = _hours.Count - 1; i >= 0; i--)
        {
            var hour = _hours[i];
            if (hour.Number >= hourLimit)
            {
                _oldest = Math.Min(_oldest, hour.Number);
                continue;
            }
            _hours.RemoveAt(i);
            if (ReferenceEquals(hour, _last)) _last = null;
            if (_spare.Count < 4)
            {
                hour.Clear();
                _spare.Push(hour);
            }
        }
    }

    public void Clear()
    {
        _hours.Clear();
        _last = null;
        _oldest = long.MaxValue;
    }

    private Hour HourOf(long number)
    {
        if (_last is { } last && last.Number == number) return last;
        foreach (var h in _hours)
            if (h.Number == number) return _last = h;
        var hour = _spare.Count > 0 ? _spare.Pop() : new Hour();
        hour.Number = number;
        _hours.Add(hour);
        if (number < _oldest) _oldest = number;
        return _last = hour;
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
