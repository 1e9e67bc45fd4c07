using KefuScore.App.Learning;
using KefuScore.Engine.Quality;

namespace KefuScore.App.Quality;

/// <summary>
/// Word categories of the thesaurus jieba.NET ships (<c>Resources/cn_synonym.txt</c>, 同义词词林扩展版: lines
/// <c>Ed36C01= 烦琐 繁芜 烦 麻烦 …</c>, a code of five levels), as tone cues for inspection training (issue 18, decisions.md
/// §75): a message with 累赘 shares the cue of small class <c>Ed36</c> with one saying 麻烦 though no n-gram is common,
/// which is how a model trained on a few hundred wordings could reach one it has not seen. The file is embedded in
/// this assembly from the package, so nothing is read from outside at run time.
/// </summary>
public static class WordCategories
{
    /// <summary>The prefix of a category cue's name: <c>word:Ed36</c>.</summary>
    public const string Prefix = "word:";

    /// <summary>Words shorter than this are left out: one character (人, 口, 难) matches inside too many other words.</summary>
    public const int MinLength = 2;

    /// <summary>The thesaurus embedded from the package: each line's code and its words.</summary>
    public static IReadOnlyList<(string Code, string[] Words)> BuiltIn()
    {
        using var stream = typeof(WordCategories).Assembly.GetManifestResourceStream("quality/cn_synonym.txt")
            ?? throw new InvalidOperationException("resource quality/cn_synonym.txt is missing from the build");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>Lines <c>CODE= word word</c> (<c>=</c> synonyms, <c>#</c> related, <c>@</c> alone); other lines are skipped.</summary>
    public static IReadOnlyList<(string Code, string[] Words)> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = new List<(string, string[])>();
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length < 2 || parts[0].Length < 2 || parts[0][^1] is not ('=' or '#' or '@')) continue;
            lines.Add((parts[0][..^1], parts[1..]));
        }
        return lines;
    }

    /// <summary>
    /// Cues of the categories at <paramref name="codeLength"/> characters of the code (4: small class Ed36, 5: word
    /// group Ed36C, 7: one line) that some word of <paramref name="texts"/> is in (a cue no text has would have no
    /// weight): each cue's patterns are its words of at least <see cref="MinLength"/> characters, folded and escaped.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Cues(IReadOnlyList<(string Code, string[] Words)> thesaurus, int codeLength, IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(thesaurus);
        ArgumentNullException.ThrowIfNull(texts);
        if (codeLength is < 1 or > 8) throw new ArgumentOutOfRangeException(nameof(codeLength), codeLength, "a code has 1 to 8 characters");
        var byCategory = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var (code, words) in thesaurus)
        {
            var name = Prefix + code[..Math.Min(codeLength, code.Length)];
            foreach (var word in words)
            {
                var folded = PhraseMatcher.Fold(word);
                if (folded.Length < MinLength) continue;
                if (!byCategory.TryGetValue(name, out var set)) byCategory[name] = set = new SortedSet<string>(StringComparer.Ordinal);
                set.Add(folded);
            }
        }
        var longest = byCategory.Values.Max(w => w.Max(x => x.Length));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in texts.Select(PhraseMatcher.Fold))
            for (var i = 0; i < text.Length; i++)
                for (var n = MinLength; n <= longest && i + n <= text.Length; n++) seen.Add(text.Substring(i, n));
        var cues = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, words) in byCategory)
            if (words.Overlaps(seen))
                cues[name] = [.. words.Select(System.Text.RegularExpressions.Regex.Escape)];
        return cues;
    }

    /// <summary>
    /// <paramref name="vocabulary"/> with the category cues of <see cref="Cues"/> for the texts of
    /// <paramref name="messages"/> (each message, and a first turn as one text, as training reads them).
    /// </summary>
    public static CueVocabulary With(CueVocabulary vocabulary, int codeLength, IReadOnlyList<LabelledMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(messages);
        var texts = messages.SelectMany(m => m.FirstReply ? m.Messages.Append(string.Join(" ", m.Messages)) : m.Messages);
        var cues = new Dictionary<string, IReadOnlyList<string>>(vocabulary.Cues, StringComparer.Ordinal);
        foreach (var (name, patterns) in Cues(BuiltIn(), codeLength, texts))
            if (!cues.TryAdd(name, patterns)) throw new ArgumentException($"the vocabulary already has a cue '{name}'", nameof(vocabulary));
        return vocabulary with { Cues = cues };
    }
}
