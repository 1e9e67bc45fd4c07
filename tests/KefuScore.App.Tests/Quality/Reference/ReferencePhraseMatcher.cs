using System.Text.RegularExpressions;

using KefuScore.Engine.Quality;

namespace KefuScore.App.Tests.Quality.Reference;

/// <summary>
/// Finds a rule's phrases in a message: literal words and regular expressions, minus the ordinary phrases of its
/// except list. A match is dropped when an except phrase covers its first character (最近 covers the 最 of 最近的),
/// and the search then resumes one character later, so 最近最低价 still finds 最低. Overlapping matches keep the
/// longest. Matching folds full-width ASCII (１００％ → 100%) and ASCII case; evidence is the original text.
/// </summary>
/// <remarks>The matcher before decisions.md §50, for <see cref="ReferenceInspector"/>; since §58 it reads a group named hit as the match.</remarks>
public sealed class ReferencePhraseMatcher
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private readonly string[] _words;
    private readonly Regex[] _patterns;
    private readonly string[] _except;

    public ReferencePhraseMatcher(InspectionRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        // Literal words are searched with ordinal IndexOf, every occurrence as a regex would find them, only faster.
        _words = rule.Words.Where(w => w.Length > 0).Select(Fold).Distinct(StringComparer.Ordinal).ToArray();
        _patterns = rule.Patterns.Select(p => new Regex(p, RegexOptions.CultureInvariant, Timeout)).ToArray();
        _except = rule.Except.Where(e => e.Length > 0).Select(Fold).ToArray();
    }

    public bool IsEmpty => _words.Length == 0 && _patterns.Length == 0;

    /// <summary>The distinct matched texts, in order of appearance.</summary>
    public IReadOnlyList<string> Matches(string text) => Matches(text, Fold(text ?? throw new ArgumentNullException(nameof(text))));

    /// <summary>As <see cref="Matches(string)"/>, with the text already folded (one fold for all of a message's rules).</summary>
    public IReadOnlyList<string> Matches(string text, string folded)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(folded);
        if (_words.Length == 0 && _patterns.Length == 0) return [];
        List<(int Start, int End)>? spans = null;
        foreach (var word in _words)
        {
            var i = folded.IndexOf(word, StringComparison.Ordinal);
            while (i >= 0)
            {
                (spans ??= []).Add((i, i + word.Length));
                i = folded.IndexOf(word, i + 1, StringComparison.Ordinal);
            }
        }
        foreach (var regex in _patterns)
        {
            var pos = 0;
            while (pos <= folded.Length)
            {
                var m = regex.Match(folded, pos);
                if (!m.Success) break;
                // decisions.md §58: a pattern's named group hit, when it took part, is the match (what a look-around was).
                var hit = m.Groups["hit"];
                Capture span = hit.Success ? hit : m;
                if (span.Length > 0) (spans ??= []).Add((span.Index, span.Index + span.Length));
                pos = m.Index + 1;
            }
        }
        // Most messages match nothing: the except phrases are looked for only when something matched.
        if (spans is null) return [];
        var excepted = ExceptRanges(folded);
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

    private static string Fold(string text) => PhraseMatcher.Fold(text);
}
