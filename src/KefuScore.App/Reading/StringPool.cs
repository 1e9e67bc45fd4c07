namespace KefuScore.App.Reading;

/// <summary>
/// A small direct-mapped cache of short strings. Event files repeat the same shop, agent, conversation,
/// type and sender on many lines; handing out one instance per distinct value saves an allocation per field
/// and, more importantly, the memory of every event the engine keeps. Bounded: a miss simply overwrites the slot,
/// so a file of unique values costs no more than no pool at all. Not thread-safe: one per reader.
/// </summary>
internal sealed class StringPool
{
    /// <summary>Longer values (texts, long ids) are rarely repeated; not worth hashing.</summary>
    public const int MaxLength = 64;

    private const int Size = 4096;
    private readonly string?[] _slots = new string?[Size];

    public string Get(ReadOnlySpan<char> value)
    {
        if (value.Length > MaxLength) return new string(value);
        if (value.IsEmpty) return string.Empty;
        var slot = (int)((uint)Hash(value) & (Size - 1));
        var s = _slots[slot];
        if (s is not null && value.SequenceEqual(s)) return s;
        s = new string(value);
        _slots[slot] = s;
        return s;
    }

    /// <summary>FNV-1a: short keys, no need for a randomised hash since the table never grows.</summary>
    private static int Hash(ReadOnlySpan<char> value)
    {
        var h = 2166136261u;
        foreach (var c in value) h = (h ^ c) * 16777619u;
        return (int)(h ^ (h >> 15));
    }
}
