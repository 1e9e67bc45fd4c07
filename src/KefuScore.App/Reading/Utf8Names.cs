using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace KefuScore.App.Reading;

/// <summary>
/// A parser's cache of names by their UTF-8 bytes (shops and agents in front of <see cref="RunNames"/>): a lookup hashes
/// the line's bytes as they are (no decoding). Laid out for tables larger than the processor's caches (117,000 agents
/// on the wide shape): the table holds each entry's hash tag beside its number, so a probe past another name reads
/// nothing else, and an entry keeps its hash, value and (up to <see cref="InlineBytes"/> bytes, most names) its bytes
/// together, so a hit costs two cache misses rather than one per parallel array. Longer names sit in an arena. Exact:
/// a hit compares the bytes. The hash is seeded per instance, so a file cannot be built to make every name collide.
/// </summary>
internal sealed class Utf8Names<T>
{
    private const int InlineBytes = 16;

    [InlineArray(InlineBytes)]
    private struct Inline
    {
        private byte _first;
    }

    private struct Entry
    {
        public ulong Hash;
        public int Start, Length;
        public T Value;
        public Inline Bytes;
    }

    private readonly ulong _seed = (ulong)Random.Shared.NextInt64() | 1;
    private byte[] _arena = new byte[1 << 10];
    private int _used;
    private Entry[] _entries = new Entry[64];
    private int _count;
    /// <summary>Open addressing, linear probing: the hash's high 32 bits above entry + 1 (0 empty).</summary>
    private long[] _table = new long[128];

    /// <summary>The name's value, by the name and its <see cref="Hash"/> (which a parser computes once to prefetch by it).</summary>
    public bool TryGet(ReadOnlySpan<byte> name, ulong hash, out T value)
    {
        var tag = (long)(hash & 0xFFFFFFFF00000000UL);
        var table = _table;
        var mask = table.Length - 1;
        for (var i = (int)hash & mask; ; i = (i + 1) & mask)
        {
            var slot = table[i];
            if (slot == 0) break;
            if ((slot & unchecked((long)0xFFFFFFFF00000000UL)) != tag) continue;
            ref var e = ref _entries[(int)(uint)slot - 1];
            if (e.Hash == hash && e.Length == name.Length && name.SequenceEqual(BytesOf(ref e)))
            {
                value = e.Value;
                return true;
            }
        }
        value = default!;
        return false;
    }

    /// <summary>
    /// Hints that a lookup of the name with this hash is coming: its first table slot is fetched into the cache. With
    /// 117,000 agents or 20,000 shops the table and the entries are larger than a core's cache, and a parser that
    /// hints a few lines ahead finds them there. Nothing is read or changed.
    /// </summary>
    public unsafe void PrefetchSlot(ulong hash)
    {
        if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref _table[(int)hash & (_table.Length - 1)]));
    }

    /// <summary>The second step, once the slot is likely cached: the entry its first slot names, if the tag is the hash's.</summary>
    public unsafe void PrefetchEntry(ulong hash)
    {
        if (!Sse.IsSupported) return;
        var slot = _table[(int)hash & (_table.Length - 1)];
        if ((slot & unchecked((long)0xFFFFFFFF00000000UL)) == (long)(hash & 0xFFFFFFFF00000000UL) && slot != 0)
        {
            // An entry is 48 bytes: it may span two cache lines.
            var entry = (byte*)Unsafe.AsPointer(ref _entries[(int)(uint)slot - 1]);
            Sse.Prefetch0(entry);
            Sse.Prefetch0(entry + (Unsafe.SizeOf<Entry>() - 1));
        }
    }

    private ReadOnlySpan<byte> BytesOf(ref Entry e) =>
        e.Length <= InlineBytes ? ((ReadOnlySpan<byte>)e.Bytes)[..e.Length] : _arena.AsSpan(e.Start, e.Length);

    /// <summary>Adds a name <see cref="TryGet"/> did not find, with the hash it gave.</summary>
    public void Add(ReadOnlySpan<byte> name, ulong hash, T value)
    {
        if (_count == _entries.Length) Array.Resize(ref _entries, _count * 2);
        var index = _count++;
        ref var e = ref _entries[index];
        (e.Hash, e.Length, e.Value) = (hash, name.Length, value);
        if (name.Length <= InlineBytes) name.CopyTo(e.Bytes);
        else
        {
            if (_used + name.Length > _arena.Length) Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _used + name.Length));
            name.CopyTo(_arena.AsSpan(_used));
            e.Start = _used;
            _used += name.Length;
        }
        if (_count * 2 > _table.Length)
        {
            _table = new long[_table.Length * 2];
            for (var k = 0; k < _count; k++) Place(k);
        }
        else Place(index);
    }

    private void Place(int index)
    {
        var hash = _entries[index].Hash;
        var mask = _table.Length - 1;
        var i = (int)hash & mask;
        while (_table[i] != 0) i = (i + 1) & mask;
        _table[i] = (long)(hash & 0xFFFFFFFF00000000UL) | (uint)(index + 1);
    }

    public ulong Hash(ReadOnlySpan<byte> s)
    {
        var h = _seed ^ ((ulong)s.Length * 0x9E3779B97F4A7C15UL);
        while (s.Length >= 8)
        {
            h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(s)) * 0xFF51AFD7ED558CCDUL;
            h ^= h >> 32;
            s = s[8..];
        }
        ulong tail = 0;
        for (var i = 0; i < s.Length; i++) tail |= (ulong)s[i] << (8 * i);
        h = (h ^ tail) * 0xC4CEB9FE1A85EC53UL;
        return h ^ (h >> 29);
    }
}
