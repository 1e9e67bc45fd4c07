using System.Collections.Frozen;

namespace KefuScore.Engine.Quality;

/// <summary>
/// Which of a model's cues occur in a folded text, as each cue's alternation (<see cref="TextPattern.Alternation"/>)
/// would say with <c>IsMatch</c>, in one pass for the cues' plain words (decisions.md §81). An alternation matches
/// where one of its alternatives does, so each cue's patterns are split: those that stand for a finite set of words
/// (literal characters, groups of alternatives, an optional <c>?</c>: <c>说不(准|好)</c> is 说不准 and 说不好) are
/// searched for all cues at once, at each character only the words that begin with it; the rest (anchors, classes,
/// <c>.{0,6}</c>…) stay regular expressions, run only when the words did not already find the cue.
/// </summary>
public sealed class CueMatcher
{
    /// <summary>A pattern standing for more words than this stays a regular expression.</summary>
    private const int MaxWords = 64;

    private readonly int _count;
    private readonly FrozenDictionary<char, (string Word, int Cue)[]> _byFirst;
    // Bit per UTF-16 unit: whether some word begins with it (most characters of a message begin none).
    private readonly ulong[] _first = new ulong[1024];
    private readonly TextPattern[][] _rest;

    /// <summary>
    /// The cues' patterns, one list per cue in the order cues are reported; <paramref name="compiled"/> gives a cue's
    /// whole alternation when it is already compiled, used as is when none of its patterns is plain words.
    /// </summary>
    public CueMatcher(IReadOnlyList<IReadOnlyList<string>> cues, Func<int, TextPattern?>? compiled = null)
    {
        ArgumentNullException.ThrowIfNull(cues);
        _count = cues.Count;
        _rest = new TextPattern[cues.Count][];
        var words = new List<(string Word, int Cue)>();
        for (var k = 0; k < cues.Count; k++)
        {
            var rest = new List<string>();
            foreach (var pattern in cues[k])
            {
                if (Words(pattern) is { } set) words.AddRange(set.Select(w => (w, k)));
                else rest.Add(pattern);
            }
            // Each pattern on its own: it keeps what the regex engine can search for (a leading literal, an anchor) and
            // its own required characters (TextPattern), which an alternation of different patterns loses. Patterns
            // that only compile side by side (a ")" in one, its "(" in another) stay one alternation.
            var one = rest.Select(r => TextPattern.TryCreate(r, TextPattern.Options, out _)).ToArray();
            _rest[k] = rest.Count == 0 ? []
                : one.All(o => o is not null) ? [.. one.OfType<TextPattern>()]
                : [rest.Count == cues[k].Count && compiled?.Invoke(k) is { } whole ? whole : new TextPattern(TextPattern.Alternation(rest), TextPattern.Options)];
        }
        foreach (var (word, _) in words) _first[word[0] >> 6] |= 1UL << (word[0] & 63);
        _byFirst = words.Distinct().GroupBy(w => w.Word[0]).ToFrozenDictionary(g => g.Key, g => g.ToArray());
    }

    /// <summary>How many cues (the length <see cref="Find"/> needs).</summary>
    public int Count => _count;

    /// <summary>Whether each cue occurs in <paramref name="folded"/>: <paramref name="found"/>[k] for cue k.</summary>
    public void Find(string folded, Span<bool> found)
    {
        ArgumentNullException.ThrowIfNull(folded);
        found[.._count].Clear();
        var text = folded.AsSpan();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((_first[c >> 6] & (1UL << (c & 63))) == 0 || !_byFirst.TryGetValue(c, out var candidates)) continue;
            var tail = text[i..];
            foreach (var (word, cue) in candidates)
                if (!found[cue] && tail.StartsWith(word, StringComparison.Ordinal)) found[cue] = true;
        }
        for (var k = 0; k < _count; k++)
            foreach (var rest in _rest[k])
            {
                if (found[k]) break;
                found[k] = rest.IsMatch(folded);
            }
    }

    /// <summary>
    /// The words a pattern matches exactly, when it is a finite set of them: literal characters (a punctuation
    /// character may be escaped), groups <c>(…|…)</c> and <c>(?:…|…)</c>, top-level alternatives, <c>?</c> after a
    /// character or group. Null for anything else (it stays a regular expression), or when a word would be empty
    /// (a pattern that matches the empty string matches every text).
    /// </summary>
    public static IReadOnlyList<string>? Words(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var at = 0;
        var set = Alternatives(pattern, ref at);
        if (set is null || at != pattern.Length || set.Any(w => w.Length == 0)) return null;
        return [.. set.Distinct(StringComparer.Ordinal)];
    }

    private static List<string>? Alternatives(string p, ref int at)
    {
        var all = new List<string>();
        while (true)
        {
            var sequence = Sequence(p, ref at);
            if (sequence is null) return null;
            all.AddRange(sequence);
            if (all.Count > MaxWords) return null;
            if (at < p.Length && p[at] == '|') { at++; continue; }
            return all;
        }
    }

    private static List<string>? Sequence(string p, ref int at)
    {
        List<string> words = [""];
        while (at < p.Length && p[at] is not ('|' or ')'))
        {
            List<string> item;
            var c = p[at];
            if (c == '(')
            {
                at++;
                if (at + 1 < p.Length && p[at] == '?' && p[at + 1] == ':') at += 2;
                else if (at < p.Length && p[at] == '?') return null; // named groups, look-arounds, options
                var inner = Alternatives(p, ref at);
                if (inner is null || at >= p.Length || p[at] != ')') return null;
                at++;
                item = inner;
            }
            else if (c == '\\')
            {
                // Only an escaped punctuation character is itself; \d, \w, \b, \u… are classes or more.
                if (at + 1 >= p.Length || char.IsLetterOrDigit(p[at + 1]) || p[at + 1] == '_' || char.IsWhiteSpace(p[at + 1])) return null;
                item = [p[at + 1].ToString()];
                at += 2;
            }
            else if (c is '.' or '[' or ']' or '^' or '$' or '*' or '+' or '?' or '{' or '}' or '#' || char.IsWhiteSpace(c)) return null;
            else
            {
                item = [c.ToString()];
                at++;
            }
            if (at < p.Length && p[at] == '?')
            {
                // Lazy or possessive forms (??, ?+) are not plain words.
                if (at + 1 < p.Length && p[at + 1] is '?' or '+') return null;
                item = [.. item, ""];
                at++;
            }
            if (at < p.Length && p[at] is '*' or '+' or '{') return null;
            words = [.. words.SelectMany(w => item.Select(i => w + i))];
            if (words.Count > MaxWords) return null;
        }
        return words;
    }
}
