namespace KefuScore.Engine.Quality;

/// <summary>
/// Finds a rule's phrases in a message: literal words and regular expressions, minus the ordinary phrases of its
/// except list. A match is dropped when an except phrase covers its first character (最近 covers the 最 of 最近的),
/// and the search then resumes one character later, so 最近最低价 still finds 最低. Overlapping matches keep the
/// longest. Matching folds full-width ASCII (１００％ → 100%) and ASCII case; evidence is the original text.
/// </summary>
public sealed class PhraseMatcher
{
    private readonly string[] _words;
    private readonly TextPattern[] _patterns;
    private readonly string[] _except;

    public PhraseMatcher(InspectionRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        // Literal words are searched with ordinal IndexOf, every occurrence as a regex would find them, only faster.
        _words = rule.Words.Where(w => w.Length > 0).Select(Fold).Distinct(StringComparer.Ordinal).ToArray();
        // A timeout falls back to the linear engine (TextPattern), so a verdict never depends on the machine's load.
        // The loader's compiled patterns when they are the rule's (a rule made in code, or changed with `with`, compiles here).
        _patterns = rule.CompiledPatterns is { } compiled && compiled.Select(c => c.Pattern).SequenceEqual(rule.Patterns, StringComparer.Ordinal)
            ? [.. compiled]
            : [.. rule.Patterns.Select(p => new TextPattern(p, TextPattern.Options))];
        _except = rule.Except.Where(e => e.Length > 0).Select(Fold).ToArray();
    }

    public bool IsEmpty => _words.Length == 0 && _patterns.Length == 0;

    /// <summary>The literal words, folded and distinct (what <see cref="PhraseIndex"/> searches for this matcher).</summary>
    internal IReadOnlyList<string> Words => _words;

    /// <summary>The except phrases, folded.</summary>
    internal IReadOnlyList<string> ExceptPhrases => _except;

    /// <summary>
    /// As <see cref="Matches(string, string)"/>, with the words' and except phrases' occurrences already found (by a
    /// <see cref="PhraseIndex"/>, all of them, any order): only the patterns are searched here. Same result: the
    /// spans kept do not depend on the order they were found in.
    /// </summary>
    public IReadOnlyList<string> Matches(string text, string folded, ReadOnlySpan<(int Start, int End)> words, ReadOnlySpan<(int Start, int End)> excepts)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(folded);
        List<(int Start, int End)>? spans = words.Length == 0 ? null : [.. words];
        AddPatternSpans(folded, ref spans);
        if (spans is null) return [];
        return Kept(text, spans, excepts.Length == 0 ? [] : [.. excepts]);
    }

    /// <summary>The distinct matched texts, in order of appearance.</summary>
    public IReadOnlyList<string> Matches(string text) => Matches(text, Fold(text ?? throw new ArgumentNullException(nameof(text))));

    /// <summary>Whether <see cref="Matches(string)"/> finds anything: a match whose start no except phrase covers.</summary>
    public bool HasMatch(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_words.Length == 0 && _patterns.Length == 0) return false;
        var folded = Fold(text);
        List<(int Start, int End)>? spans = null;
        AddWordSpans(folded, ref spans);
        AddPatternSpans(folded, ref spans);
        if (spans is null) return false;
        // Kept keeps at least the first span left after the except phrases (spans are never empty).
        var excepted = ExceptRanges(folded);
        return spans.Exists(s => !excepted.Exists(x => x.Start <= s.Start && s.Start < x.End));
    }

    /// <summary>As <see cref="Matches(string)"/>, with the text already folded (one fold for all of a message's rules).</summary>
    public IReadOnlyList<string> Matches(string text, string folded)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(folded);
        if (_words.Length == 0 && _patterns.Length == 0) return [];
        List<(int Start, int End)>? spans = null;
        AddWordSpans(folded, ref spans);
        AddPatternSpans(folded, ref spans);
        // Most messages match nothing: the except phrases are looked for only when something matched.
        if (spans is null) return [];
        return Kept(text, spans, ExceptRanges(folded));
    }

    /// <summary>Every occurrence of the literal words in <paramref name="folded"/>, overlapping ones included.</summary>
    private void AddWordSpans(string folded, ref List<(int Start, int End)>? spans)
    {
        foreach (var word in _words)
            for (var i = folded.IndexOf(word, StringComparison.Ordinal); i >= 0; i = folded.IndexOf(word, i + 1, StringComparison.Ordinal))
                (spans ??= []).Add((i, i + word.Length));
    }

    /// <summary>Every non-empty match of the patterns in <paramref name="folded"/>, overlapping ones included.</summary>
    private void AddPatternSpans(string folded, ref List<(int Start, int End)>? spans)
    {
        foreach (var pattern in _patterns)
        {
            var pos = 0;
            while (pos <= folded.Length && pattern.TryMatch(folded, pos, out var index, out var length, out pos))
                if (length > 0) (spans ??= []).Add((index, index + length));
        }
    }

    /// <summary>The matched texts: spans less those an except phrase covers the start of, the longest of overlapping ones.</summary>
    private static List<string> Kept(string text, List<(int Start, int End)> spans, List<(int Start, int End)> excepted)
    {
        spans.RemoveAll(s => excepted.Any(x => x.Start <= s.Start && s.Start < x.End));
        var kept = new List<(int Start, int End)>();
        foreach (var s in spans.OrderBy(s => s.Start).ThenByDescending(s => s.End - s.Start))
        {
            if (kept.Count > 0 && s.Start < kept[^1].End) continue;
            kept.Add(s);
        }
        return kept.Select(s => text[s.Start..s.End]).Distinct(StringComparer.Ordinal).ToList();
    }

    private List<(int Start, int End)> ExceptRanges(string folded)
    {
        var ranges = new List<(int, int)>();
        foreach (var e in _except)
        {
            var i = folded.IndexOf(e, StringComparison.Ordinal);
            while (i >= 0)
            {
                ranges.Add((i, i + e.Length));
                i = folded.IndexOf(e, i + 1, StringComparison.Ordinal);
            }
        }
        return ranges;
    }

    /// <summary>Full-width ASCII to half-width, ideographic space to space, ASCII upper to lower; one char for one char.</summary>
    public static string Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Create(text.Length, text, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++) span[i] = Fold(s[i]);
        });
    }

    /// <summary>One character folded as <see cref="Fold(string)"/> folds it.</summary>
    public static char Fold(char c)
    {
        if (c is >= '\uFF01' and <= '\uFF5E') c = (char)(c - 0xFEE0);
        else if (c == '\u3000') c = ' ';
        if (c is >= 'A' and <= 'Z') c = (char)(c + 32);
        return c;
    }
}
