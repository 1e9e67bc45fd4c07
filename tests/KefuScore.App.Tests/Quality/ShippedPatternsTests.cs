using System.Text.RegularExpressions;
using KefuScore.App.Faq;
using KefuScore.App.Learning;
using KefuScore.App.Quality;
using KefuScore.App.Yaml;
using KefuScore.Engine.Quality;

namespace KefuScore.App.Tests.Quality;

/// <summary>
/// decisions.md §58: every shipped pattern (inspection rules, tone cues, FAQ intents, and the vocabularies inside the
/// shipped models) runs on both engines and finds the same matches on both, so falling back on a timeout changes no
/// verdict; and a pattern only the backtracking engine runs is refused when its file is read.
/// </summary>
public sealed class ShippedPatternsTests
{
    private static IEnumerable<string> Shipped()
    {
        foreach (var rule in InspectionLoader.BuiltIn().Rules)
            foreach (var p in rule.Patterns) yield return p;
        foreach (var cues in CueSets())
            foreach (var p in cues.Values.SelectMany(v => v)) yield return p;
    }

    /// <summary>The shipped cue and intent lists: training cues, FAQ intents, and the vocabularies inside the shipped models.</summary>
    private static IEnumerable<IReadOnlyDictionary<string, IReadOnlyList<string>>> CueSets()
    {
        foreach (var cues in new[] { InspectionTrainer.BuiltInCues(), FaqModel.BuiltInIntents(), InspectionLoader.BuiltInModel().Cues })
            yield return cues;
        foreach (var shop in new[] { "clothing", "electronics", "food" })
            yield return TextModelFile.Load(Path.Combine(InspectionEvaluationTests.Data, "faq", shop, "model.json"), FaqModel.Kind).Cues;
    }

    /// <summary>The texts the patterns read: every labelled message and every FAQ question, folded.</summary>
    private static readonly string[] Texts =
    [
        .. new[] { "dev.jsonl", "heldout.jsonl" }.SelectMany(f => LabelledMessages.Load(Path.Combine(InspectionEvaluationTests.Data, "inspection", f)))
            .SelectMany(m => m.Messages),
        .. Directory.GetFiles(Path.Combine(InspectionEvaluationTests.Data, "faq"), "*.tsv", SearchOption.AllDirectories)
            .SelectMany(File.ReadAllLines).Select(l => l.Split('\t')[0]),
        "top1", "TOP 1", "3top1", "no.1", "ano.1", "no.10", "xl码", "xxl", "2xl", "s码", "size l", "mlxl",
    ];

    [Fact]
    public void Every_shipped_pattern_compiles_for_both_engines()
    {
        var patterns = Shipped().Distinct(StringComparer.Ordinal).ToList();
        Assert.True(patterns.Count > 200);
        Assert.All(patterns, p => Assert.Null(TextPattern.LinearProblem(p)));
    }

    [Fact]
    public void Both_engines_find_the_same_matches_on_the_labelled_texts()
    {
        var folded = Texts.Select(PhraseMatcher.Fold).ToArray();
        foreach (var p in Shipped().Distinct(StringComparer.Ordinal))
        {
            var backtracking = new Regex(p, RegexOptions.CultureInvariant);
            var linear = new Regex(p, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
            foreach (var text in folded)
            {
                static object Spans(Regex r, string t) =>
                    string.Join(";", r.Matches(t).Select(m => $"{m.Index}+{m.Length}:{m.Groups["hit"].Index}+{m.Groups["hit"].Length}"));
                Assert.Equal(Spans(backtracking, text), Spans(linear, text));
            }
        }
    }

    /// <summary>decisions.md §81: a text pattern skips texts without the characters every match contains; on every
    /// shipped pattern it still finds what the regular expression finds, match by match.</summary>
    [Fact]
    public void Text_patterns_find_every_match_the_regular_expression_finds()
    {
        var folded = Texts.Select(PhraseMatcher.Fold).ToArray();
        var required = 0;
        foreach (var p in Shipped().Distinct(StringComparer.Ordinal))
        {
            var regex = new Regex(p, RegexOptions.CultureInvariant);
            var pattern = new TextPattern(p, TextPattern.Options);
            if (TextPattern.RequiredLiteral(p) is not null) required++;
            foreach (var text in folded)
            {
                Assert.True(regex.IsMatch(text) == pattern.IsMatch(text), $"{p} on {text}");
                var expected = new List<(int, int)>();
                for (var m = regex.Match(text, 0); m.Success; m = regex.Match(text, m.Index + 1))
                {
                    var hit = m.Groups["hit"].Success ? (Capture)m.Groups["hit"] : m;
                    if (hit.Length > 0) expected.Add((hit.Index, hit.Length));
                    if (m.Index + 1 > text.Length) break;
                }
                var actual = new List<(int, int)>();
                var pos = 0;
                while (pos <= text.Length && pattern.TryMatch(text, pos, out var index, out var length, out pos))
                    if (length > 0) actual.Add((index, length));
                Assert.Equal(expected, actual);
            }
        }
        Assert.True(required > 100, $"{required} patterns with required characters");
    }

    /// <summary>decisions.md §81: every shipped cue list, read as plain words in one pass plus the rest as a regular
    /// expression, finds a cue in exactly the labelled texts its whole alternation matches.</summary>
    [Fact]
    public void Cues_found_by_their_words_are_the_cues_their_alternations_match()
    {
        var folded = Texts.Select(PhraseMatcher.Fold).ToArray();
        var words = 0;
        foreach (var cues in CueSets())
        {
            var lists = cues.Values.ToArray();
            var matcher = new CueMatcher(lists);
            var regexes = lists.Select(l => new Regex(TextPattern.Alternation(l), RegexOptions.CultureInvariant)).ToArray();
            words += lists.SelectMany(l => l).Count(p => CueMatcher.Words(p) is not null);
            var found = new bool[lists.Length];
            foreach (var text in folded)
            {
                matcher.Find(text, found);
                for (var k = 0; k < lists.Length; k++) Assert.True(regexes[k].IsMatch(text) == found[k], $"{cues.Keys.ElementAt(k)} on {text}");
            }
        }
        Assert.True(words > 300, $"{words} plain-word patterns");
    }

    [Fact]
    public void The_size_intent_without_look_arounds_matches_where_the_look_arounds_matched()
    {
        var before = new Regex("(?<![a-z])(s|m|l|xl|xxl|xxxl|[2-5]xl)(?![a-z])", RegexOptions.CultureInvariant);
        var after = new TextPattern(FaqModel.BuiltInIntents()["尺码"].Single(p => p.Contains("(?<hit>", StringComparison.Ordinal)));
        var folded = Texts.Select(PhraseMatcher.Fold).ToList();

        Assert.All(folded, t => Assert.Equal(before.IsMatch(t), after.IsMatch(t)));
        Assert.Contains(folded, before.IsMatch);
    }

    [Fact]
    public void A_rule_pattern_with_a_look_around_is_refused_with_its_file_line_and_field()
    {
        var e = Assert.Throws<YamlFileException>(() => InspectionLoader.Parse("""
            rules:
              - id: absolute_claim
                words: [第一]
                patterns: ['最.', '(?<![a-z])no\.1']
            """, "mine.yaml"));

        var problem = Assert.Single(e.Problems).ToString();
        Assert.StartsWith(@"rules[0].patterns[1] (line 4): '(?<![a-z])no\.1' needs backtracking (look-arounds and backreferences are not allowed", problem, StringComparison.Ordinal);
        Assert.StartsWith("mine.yaml:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cue_with_a_backreference_is_refused_with_its_line()
    {
        var e = Assert.Throws<YamlFileException>(() => CueLoader.Parse("""
            cues:
              blame: ['你自己']
              echo: ['(好)\1']
            """, "cues.yaml"));

        Assert.Contains(e.Problems, p => p.ToString().StartsWith(@"cues.echo[0] (line 3): '(好)\1' needs backtracking", StringComparison.Ordinal));
    }

    [Fact]
    public void Loaded_rules_carry_their_patterns_compiled_once_as_the_inspector_runs_them()
    {
        var rules = InspectionLoader.BuiltIn().Rules.Where(r => r.Patterns.Count > 0).ToList();

        Assert.NotEmpty(rules);
        Assert.All(rules, r => Assert.Equal(r.Patterns, r.CompiledPatterns!.Select(p => p.Pattern)));
    }

    [Theory]
    [InlineData(@"(好)\1", @"'(好)\1' needs backtracking (look-arounds and backreferences are not allowed): ")]
    [InlineData("([a-z", "'([a-z' is not a regular expression: ")]
    public void A_model_file_with_a_bad_cue_is_refused_naming_the_cue_and_the_pattern(string bad, string expected)
    {
        var json = $$$"""
            {"format":"kefu-text-model","version":1,"kind":"inspection","bits":8,
             "outputs":[{"label":"rude","weights":[],"bias":0,"slope":-1,"offset":0,"threshold":0.5}],
             "cues":{"blame":["你自己"],"echo":["好",{{{System.Text.Json.JsonSerializer.Serialize(bad)}}}]}}
            """;

        var e = Assert.Throws<TextModelException>(() => TextModelFile.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)), "m.json", InspectionTrainer.Kind));

        Assert.StartsWith("m.json: cues.echo: " + expected, e.Message, StringComparison.Ordinal);
    }
}
