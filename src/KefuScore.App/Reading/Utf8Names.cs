using System.Buffers.Binary;

namespace KefuScore.App.Reading;

/// <summary>
/// A parser's cache of names by their UTF-8 bytes (shops and agents in front of <see cref="RunNames"/>): the bytes of
/// every name in one arena and the entries in struct arrays, so a lookup hashes the line's bytes as they are (no
/// decoding) and compares against the arena, not against a string object elsewhere in the heap. Exact: a hash hit
/// compares the bytes. The hash is seeded per instance, so a file cannot be built to make every name collide.
/// </summary>
internal sealed class Utf8Names<T>
{
    private readonly ulong _seed = (ulong)Random.Shared.NextInt64() | 1;
    private byte[] _arena = new byte[1 << 12];
    private int _used;
    private ulong[] _hashes = new ulong[64];
    private int[] _starts = new int[64];
    private int[] _lengths = new int[64];
    private T[] _values = new T[64];
    private int _count;
    /// <summary>Open addressing, linear probing: entry + 1, 0 empty.</summary>
    private int[] _table = new int[128];

    public bool TryGet(ReadOnlySpan<byte> name, out ulong hash, out T value)
    {
        hash = Hash(name);
        var mask = _table.Length - 1;
        for (var i = (int)(hash >> 32) & mask; ; i = (i + 1) & mask)
        {
            var e = _table[i] - 1;
            if (e < 0) break;
            if (_hashes[e] == hash && name.SequenceEqual(_arena.AsSpan(_starts[e], _lengths[e])))
            {
                value = _values[e];
                return true;
            }
        }
        value = default!;
        return false;
    }

    /// <summary>Adds a name <see cref="TryGet"/> did not find, with the hash it gave.</summary>
    public void Add(ReadOnlySpan<byte> name, ulong hash, T value)
    {
        if (_count == _values.Length)
        {
            Array.Resize(ref _hashes, _count * 2);
            Array.Resize(ref _starts, _count * 2);
            Array.Resize(ref _lengths, _count * 2);
            Array.Resize(ref _values, _count * 2);
        }
        if (_used + name.Length > _arena.Length) Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _used + name.Length));
        name.CopyTo(_arena.AsSpan(_used));
        var e = _count++;
        (_hashes[e], _starts[e], _lengths[e], _values[e]) = (hash, _used, name.Length, value);
        _used += name.Length;
        if (_count * 2 > _table.Length)
        {
            _table = new int[_table.Length * 2];
            for (var k = 0; k < _count; k++) Place(k);
        }
        else Place(e);
    }

    private void Place(int e)
    {
        var mask = _table.Length - 1;
        var i = (int)(_hashes[e] >> 32) & mask;
        while (_table[i] != 0) i = (i + 1) & mask;
        _table[i] = e + 1;
    }

    private ulong Hash(ReadOnlySpan<byte> s)
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
