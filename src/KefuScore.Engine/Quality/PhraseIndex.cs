using System.Collections.Frozen;

namespace KefuScore.Engine.Quality;

/// <summary>
/// The literal words and except phrases of several <see cref="PhraseMatcher"/>s (a message's lexicon rules), found in
/// one pass over the folded text instead of one search per word and rule (decisions.md §58): at each character, only
/// the phrases that begin with it are compared. It finds every occurrence a search per phrase finds, overlapping ones
/// included.
/// </summary>
public sealed class PhraseIndex
{
    /// <summary>One occurrence: the matcher it belongs to, its span in the folded text, and whether it is an except phrase.</summary>
    public readonly record struct Hit(int Matcher, int Start, int End, bool Except);

    private readonly FrozenDictionary<char, (string Phrase, int Matcher, bool Except)[]> _byFirst;

    /// <summary>The phrases of <paramref name="matchers"/>; a null matcher (a rule left out) has none.</summary>
    public PhraseIndex(IReadOnlyList<PhraseMatcher?> matchers)
    {
        ArgumentNullException.ThrowIfNull(matchers);
        var entries = new List<(string Phrase, int Matcher, bool Except)>();
        for (var k = 0; k < matchers.Count; k++)
        {
            if (matchers[k] is not { } m) continue;
            foreach (var w in m.Words) entries.Add((w, k, false));
            foreach (var e in m.ExceptPhrases) entries.Add((e, k, true));
        }
        _byFirst = entries.GroupBy(e => e.Phrase[0]).ToFrozenDictionary(g => g.Key, g => g.ToArray());
    }

    /// <summary>Every occurrence of every phrase in <paramref name="folded"/>, added to <paramref name="hits"/> by position.</summary>
    public void Find(string folded, List<Hit> hits)
    {
        ArgumentNullException.ThrowIfNull(folded);
        ArgumentNullException.ThrowIfNull(hits);
        var text = folded.AsSpan();
        for (var i = 0; i < text.Length; i++)
        {
            if (!_byFirst.TryGetValue(text[i], out var candidates)) continue;
            var rest = text[i..];
            foreach (var (phrase, matcher, except) in candidates)
                if (rest.StartsWith(phrase, StringComparison.Ordinal)) hits.Add(new Hit(matcher, i, i + phrase.Length, except));
        }
    }
}
