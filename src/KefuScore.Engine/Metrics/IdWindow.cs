using System.Numerics;
using System.Runtime.InteropServices;

namespace KefuScore.Engine.Metrics;

/// <summary>
/// Exact (shop, id) de-duplication for the fold without a string per event: an id is known by a 64-bit hash, and its
/// characters are kept in the arena of the hour it arrived in, so a hash hit is confirmed character by character.
/// Two different ids with one hash (about one in 10^10 at a million ids) are told apart by a small exact set. An hour
/// is forgotten whole once the watermark has passed it (<see cref="ForgetBefore"/>): an event of that hour can then
/// only come back too late, which makes the caller replay anyway. Not thread-safe: one per fold.
/// </summary>
internal sealed class IdWindow
{
    private sealed class Hour
    {
        public long Number;
        public char[] Chars = new char[1 << 12];
        public int Used;
        public readonly List<long> Hashes = [];
    }

    private readonly record struct Entry(Hour Hour, int Start, int Length, string Shop);

    private readonly Dictionary<long, Entry> _seen = [];
    private readonly Dictionary<long, Hour> _hours = [];
    /// <summary>Hashes shared by different ids: the later ids, exactly. Kept for the run (they are that rare).</summary>
    private readonly Dictionary<long, List<(string Shop, string Id)>> _collided = [];
    private readonly Stack<Hour> _spare = new();
    private Hour? _last;
    private long _oldest = long.MaxValue;
    private string? _lastShop;
    private ulong _lastShopHash;

    public int Count => _seen.Count;

    /// <summary>True the first time (shop, id) is seen; false for a duplicate.</summary>
    public bool Add(string shop, ReadOnlySpan<char> id, long ticks)
    {
        var hash = Hash(shop, id);
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_seen, hash, out var exists);
        if (exists)
        {
            if (entry.Hour.Chars.AsSpan(entry.Start, entry.Length).SequenceEqual(id) && string.Equals(entry.Shop, shop, StringComparison.Ordinal)) return false;
            return AddCollided(hash, shop, id);
        }
        if (_collided.Count > 0 && _collided.TryGetValue(hash, out var others) && Contains(others, shop, id))
        {
            // Its hash's first owner was forgotten, but this id itself is still known.
            _seen.Remove(hash);
            return false;
        }
        var hour = HourOf(ticks / TimeSpan.TicksPerHour);
        if (hour.Used + id.Length > hour.Chars.Length) Array.Resize(ref hour.Chars, Math.Max(hour.Chars.Length * 2, hour.Used + id.Length));
        id.CopyTo(hour.Chars.AsSpan(hour.Used));
        entry = new Entry(hour, hour.Used, id.Length, shop);
        hour.Used += id.Length;
        hour.Hashes.Add(hash);
        return true;
    }

    /// <summary>Forgets every id that arrived in an hour before <paramref name="hourLimit"/>.</summary>
    public void ForgetBefore(long hourLimit)
    {
        for (; _oldest < hourLimit && _hours.Count > 0; _oldest++)
        {
            if (!_hours.Remove(_oldest, out var hour)) continue;
            foreach (var hash in hour.Hashes)
                if (_seen.TryGetValue(hash, out var e) && ReferenceEquals(e.Hour, hour)) _seen.Remove(hash);
            if (ReferenceEquals(hour, _last)) _last = null;
            hour.Hashes.Clear();
            hour.Used = 0;
            if (_spare.Count < 4) _spare.Push(hour);
        }
        if (_hours.Count == 0) _oldest = long.MaxValue;
    }

    public void Clear()
    {
        _seen.Clear();
        _hours.Clear();
        _collided.Clear();
        _last = null;
        _oldest = long.MaxValue;
    }

    private Hour HourOf(long number)
    {
        if (_last is { } last && last.Number == number) return last;
        if (!_hours.TryGetValue(number, out var hour))
        {
            hour = _spare.Count > 0 ? _spare.Pop() : new Hour();
            hour.Number = number;
            _hours[number] = hour;
            if (number < _oldest) _oldest = number;
        }
        return _last = hour;
    }

    private bool AddCollided(long hash, string shop, ReadOnlySpan<char> id)
    {
        if (!_collided.TryGetValue(hash, out var others)) _collided[hash] = others = [];
        if (Contains(others, shop, id)) return false;
        others.Add((shop, new string(id)));
        return true;
    }

    private static bool Contains(List<(string Shop, string Id)> others, string shop, ReadOnlySpan<char> id)
    {
        foreach (var (s, i) in others)
            if (id.SequenceEqual(i) && string.Equals(s, shop, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>A 64-bit mix of the shop's characters and the id's, four characters a step; seedless, so it repeats exactly.</summary>
    private long Hash(string shop, ReadOnlySpan<char> id)
    {
        if (!ReferenceEquals(shop, _lastShop))
        {
            _lastShopHash = Mix(0x243F6A8885A308D3UL, shop);
            _lastShop = shop;
        }
        return (long)Mix(_lastShopHash, id);
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
