namespace KefuScore.Engine.Quality;

/// <summary>
/// The features the learned text models read (issue 18): the character 1- to 3-grams of a text, folded like the
/// lexicon (<see cref="PhraseMatcher.Fold"/>) and marked at both ends (^在$), plus named tokens a caller adds (a
/// lexicon hit, "the exchange is ongoing", an intent of the synonym vocabulary). Each feature is hashed (FNV-1a, the
/// same on every machine) into 2^bits slots and counts once. Chinese needs no word list this way: 色差 and 颜色不一样
/// share no n-gram, which is what the intent tokens are for.
/// </summary>
public static class TextFeatures
{
    public const int MinN = 1, MaxN = 3;
    internal const uint Offset = 2166136261;
    private const uint Prime = 16777619;

    /// <summary>The distinct feature slots of a text with its extra tokens, sorted.</summary>
    public static int[] Slots(string text, int bits, IEnumerable<string>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var mask = (uint)((1 << bits) - 1);
        var tokens = new List<int>();
        if (extra is not null)
            foreach (var token in extra) tokens.Add((int)(TokenHash(token) & mask));
        return Slots(text, bits, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(tokens));
    }

    /// <summary>
    /// The distinct feature slots of a text plus slots already computed (<see cref="Slot"/> of <c>#token</c>), sorted:
    /// the same as <see cref="Slots(string, int, IEnumerable{string}?)"/> without a string per n-gram or token. The
    /// n-grams starting at one character are hashed in one pass (FNV-1a extends a prefix's hash), which is what makes
    /// a million messages a matter of seconds (issue 18).
    /// </summary>
    public static int[] Slots(string text, int bits, ReadOnlySpan<int> extraSlots)
    {
        ArgumentNullException.ThrowIfNull(text);
        var capacity = Capacity(text.Length, extraSlots.Length);
        int[]? rented = null;
        var slots = capacity <= 1024 ? stackalloc int[capacity] : (rented = System.Buffers.ArrayPool<int>.Shared.Rent(capacity));
        var result = slots[..SlotsInto(text, bits, extraSlots, slots)].ToArray();
        if (rented is not null) System.Buffers.ArrayPool<int>.Shared.Return(rented);
        return result;
    }

    /// <summary>The room <see cref="SlotsInto"/> needs for a text of <paramref name="length"/> characters and <paramref name="extra"/> tokens.</summary>
    public static int Capacity(int length, int extra) => (length + 2) * MaxN + extra;

    /// <summary>
    /// <see cref="Slots(string, int, ReadOnlySpan{int})"/> written into <paramref name="into"/> (at least
    /// <see cref="Capacity"/> long) instead of a new array: returns how many distinct slots, sorted, it holds.
    /// </summary>
    public static int SlotsInto(ReadOnlySpan<char> text, int bits, ReadOnlySpan<int> extraSlots, Span<int> into)
    {
        var count = GramsInto(text, bits, into);
        extraSlots.CopyTo(into[count..]);
        return Distinct(into[..(count + extraSlots.Length)]);
    }

    /// <summary>
    /// The slots of the text's n-grams as they are hashed, repeats included, into <paramref name="into"/> (at least
    /// <see cref="Capacity"/> long); returns how many. <see cref="Distinct"/> of them with the extra slots is
    /// <see cref="SlotsInto"/>: split so a caller can ask for the weights' memory while it does other work.
    /// </summary>
    public static int GramsInto(ReadOnlySpan<char> text, int bits, Span<int> into)
    {
        var mask = (uint)((1 << bits) - 1);
        var trimmed = text.Trim();
        char[]? rentedChars = null;
        var marked = trimmed.Length + 2 <= 256 ? stackalloc char[trimmed.Length + 2] : (rentedChars = System.Buffers.ArrayPool<char>.Shared.Rent(trimmed.Length + 2));
        var length = Mark(trimmed, marked);
        var count = 0;
        for (var i = 0; i < length; i++)
        {
            var h = Offset;
            for (var n = MinN; n <= MaxN && i + n <= length; n++)
            {
                h = Step(h, marked[i + n - 1]);
                // A lone boundary mark says nothing.
                if (n == 1 && (marked[i] == '^' || marked[i] == '$')) continue;
                into[count++] = (int)(h & mask);
            }
        }
        if (rentedChars is not null) System.Buffers.ArrayPool<char>.Shared.Return(rentedChars);
        return count;
    }

    /// <summary>Sorts <paramref name="slots"/> and moves the distinct ones to its front; returns how many.</summary>
    public static int Distinct(Span<int> slots)
    {
        SortSlots(slots);
        var unique = 0;
        for (var i = 0; i < slots.Length; i++)
            if (i == 0 || slots[i] != slots[i - 1]) slots[unique++] = slots[i];
        return unique;
    }

    // A message's slots (a few dozen, below 2^bits) sorted by three passes of a counting sort on a third of their bits
    // each: no comparison to mispredict, where Span.Sort's took ~6 % of inspection (decisions.md §87). Few, many,
    // negative or large values are left to Span.Sort; either way the same ascending order.
    private static void SortSlots(Span<int> slots)
    {
        var n = slots.Length;
        if (n < 24 || n > 2048)
        {
            slots.Sort();
            return;
        }
        var all = 0;
        foreach (var s in slots) all |= s;
        if (all < 0 || all >= 1 << 24)
        {
            slots.Sort();
            return;
        }
        var bits = 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)all);
        var width = (bits + 2) / 3;
        Span<int> counts = stackalloc int[1 << width];
        Span<int> moved = stackalloc int[n];
        CountingPass(slots, moved, 0, width, counts);
        CountingPass(moved, slots, width, width, counts);
        CountingPass(slots, moved, 2 * width, width, counts);
        moved.CopyTo(slots);
    }

    // One stable pass of a counting sort on `width` bits from `shift`.
    private static void CountingPass(ReadOnlySpan<int> from, Span<int> to, int shift, int width, Span<int> counts)
    {
        var mask = (1 << width) - 1;
        counts = counts[..(1 << width)];
        counts.Clear();
        foreach (var v in from) counts[(v >> shift) & mask]++;
        var sum = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            var c = counts[i];
            counts[i] = sum;
            sum += c;
        }
        foreach (var v in from) to[counts[(v >> shift) & mask]++] = v;
    }

    /// <summary>The slot of a named token (what <see cref="Slots(string, int, IEnumerable{string}?)"/> adds for it).</summary>
    public static int TokenSlot(string token, int bits) => (int)(TokenHash(token) & (uint)((1 << bits) - 1));

    internal static uint TokenHash(string token)
    {
        var h = Step(Offset, '#');
        foreach (var c in token) h = Step(h, c);
        return h;
    }

    /// <summary><see cref="Marked"/> into a buffer of at least the text's length + 2; returns the length written.</summary>
    internal static int Mark(ReadOnlySpan<char> trimmed, Span<char> into)
    {
        var length = 0;
        into[length++] = '^';
        var space = false;
        foreach (var raw in trimmed)
        {
            var c = PhraseMatcher.Fold(raw);
            if (char.IsWhiteSpace(c)) { space = true; continue; }
            if (space && length > 1) into[length++] = ' ';
            space = false;
            into[length++] = c;
        }
        into[length++] = '$';
        return length;
    }

    /// <summary>The n-grams themselves (for explanations: which of them weighed most), in the order of <see cref="Slots"/>' input.</summary>
    public static IEnumerable<string> Grams(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var folded = Marked(text);
        for (var n = MinN; n <= MaxN; n++)
            for (var i = 0; i + n <= folded.Length; i++)
            {
                if (n == 1 && (folded[i] == '^' || folded[i] == '$')) continue;
                yield return folded.Substring(i, n);
            }
    }

    /// <summary>The slot of one n-gram or (with a leading #) one named token.</summary>
    public static int Slot(string gram, int bits) => (int)(Hash(gram.AsSpan()) & (uint)((1 << bits) - 1));

    /// <summary>Folded (full-width to half-width, ASCII lower case), white space collapsed to one space, ^ … $ around.</summary>
    private static string Marked(string text)
    {
        var folded = PhraseMatcher.Fold(text.Trim());
        var b = new System.Text.StringBuilder(folded.Length + 2).Append('^');
        var space = false;
        foreach (var c in folded)
        {
            if (char.IsWhiteSpace(c)) { space = true; continue; }
            if (space && b.Length > 1) b.Append(' ');
            space = false;
            b.Append(c);
        }
        return b.Append('$').ToString();
    }

    private static uint Hash(ReadOnlySpan<char> s)
    {
        var h = Offset;
        foreach (var c in s) h = Step(h, c);
        return h;
    }

    internal static uint Step(uint h, char c)
    {
        h = (h ^ (byte)c) * Prime;
        return (h ^ (byte)(c >> 8)) * Prime;
    }
}
