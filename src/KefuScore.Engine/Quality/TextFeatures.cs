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
    private const uint Offset = 2166136261, Prime = 16777619;

    /// <summary>The distinct feature slots of a text with its extra tokens, sorted.</summary>
    public static int[] Slots(string text, int bits, IEnumerable<string>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var mask = (1 << bits) - 1;
        var folded = Marked(text);
        var slots = new List<int>(folded.Length * 3 + 4);
        for (var n = MinN; n <= MaxN; n++)
            for (var i = 0; i + n <= folded.Length; i++)
            {
                // A lone boundary mark says nothing.
                if (n == 1 && (folded[i] == '^' || folded[i] == '$')) continue;
                slots.Add((int)(Hash(folded.AsSpan(i, n)) & (uint)mask));
            }
        if (extra is not null)
            foreach (var token in extra) slots.Add((int)(Hash(("#" + token).AsSpan()) & (uint)mask));
        slots.Sort();
        var unique = 0;
        for (var i = 0; i < slots.Count; i++)
            if (i == 0 || slots[i] != slots[i - 1]) slots[unique++] = slots[i];
        return [.. slots.Take(unique)];
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
        foreach (var c in s)
        {
            h = (h ^ (byte)c) * Prime;
            h = (h ^ (byte)(c >> 8)) * Prime;
        }
        return h;
    }
}
