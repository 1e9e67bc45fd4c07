using System.Text.RegularExpressions;
using KefuScore.App.Yaml;
using KefuScore.Engine.Quality;
using YamlDotNet.RepresentationModel;

namespace KefuScore.App.Learning;

/// <summary>
/// Reads a cue vocabulary (issue 18): <c>cues: { NAME: [regex, …], … }</c>, the tone words of the inspection model
/// (<c>Quality/cues.yaml</c>) or the intents of the FAQ model (<c>Faq/intents.yaml</c>), both built in. Every problem
/// is reported with its path and line. An optional <c>from_misses: { NAME: [pattern, …] }</c> names the patterns
/// written from misses of the development data (<see cref="CueVocabulary.FromMisses"/>); models do not read it.
/// </summary>
public static class CueLoader
{
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> BuiltIn(string name) => BuiltInVocabulary(name).Cues;

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Load(string path) => Parse(YamlFile.ReadText(path), path);

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Parse(string yaml, string source) => ParseVocabulary(yaml, source).Cues;

    /// <summary>The built-in vocabulary with where its patterns came from.</summary>
    public static CueVocabulary BuiltInVocabulary(string name)
    {
        using var stream = typeof(CueLoader).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"resource {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return ParseVocabulary(reader.ReadToEnd(), $"built-in {name}");
    }

    public static CueVocabulary LoadVocabulary(string path) => ParseVocabulary(YamlFile.ReadText(path), path);

    public static CueVocabulary ParseVocabulary(string yaml, string source)
    {
        var y = new YamlFile(source);
        var root = y.Root(yaml, "cues: { name: [pattern, …] }");
        y.Known(root, "", "cues", "from_misses");
        var cues = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (YamlFile.Child(root, "cues") is not YamlMappingNode map)
        {
            y.Error(root, "cues", "expected a mapping of cue names to lists of patterns");
            y.ThrowIfAny();
            return new CueVocabulary(cues, new HashSet<string>());
        }
        foreach (var (key, value) in map.Children)
        {
            var name = ((key as YamlScalarNode)?.Value ?? "").Trim();
            var path = $"cues.{name}";
            if (name.Length == 0 || !name.All(c => char.IsLetterOrDigit(c) || c == '_'))
            {
                y.Error(key, path, "a cue name is letters, digits and _");
                continue;
            }
            var patterns = new List<string>();
            var nodes = y.Strings(value, path);
            for (var i = 0; i < nodes.Count; i++)
            {
                // Compiled once, on both engines: the model falls back to the linear one when a match runs long
                // (TextPattern), so a cue must run there too.
                if (TextPattern.TryCreate(nodes[i].Value, RegexOptions.CultureInvariant, out var problem) is not null) patterns.Add(nodes[i].Value);
                else if (problem!.NotRegex) y.Error(nodes[i].Node, $"{path}[{i}]", $"'{nodes[i].Value}' is not a regular expression: {problem.Message}");
                else y.Error(nodes[i].Node, $"{path}[{i}]", $"'{nodes[i].Value}' needs backtracking (look-arounds and backreferences are not allowed; mark the match with a group (?<hit>…) instead): {problem.Message}");
            }
            if (nodes.Count == 0) y.Error(value, path, "needs at least one pattern");
            cues[name] = patterns;
        }
        var fromMisses = new HashSet<string>(StringComparer.Ordinal);
        if (YamlFile.Child(root, "from_misses") is { } origins)
        {
            if (origins is not YamlMappingNode originMap) y.Error(origins, "from_misses", "expected a mapping of cue names to lists of their patterns");
            else
                foreach (var (key, value) in originMap.Children)
                {
                    var name = ((key as YamlScalarNode)?.Value ?? "").Trim();
                    var nodes = y.Strings(value, $"from_misses.{name}");
                    for (var i = 0; i < nodes.Count; i++)
                        if (cues.TryGetValue(name, out var patterns) && patterns.Contains(nodes[i].Value)) fromMisses.Add(nodes[i].Value);
                        else y.Error(nodes[i].Node, $"from_misses.{name}[{i}]", $"'{nodes[i].Value}' is not a pattern of cues.{name}");
                }
        }
        y.ThrowIfAny();
        return new CueVocabulary(cues, fromMisses);
    }
}

/// <summary>
/// A cue vocabulary and the patterns in it that were written from misses of the development data (decisions.md §67):
/// cross-validation gives such a pattern only to the folds of families it was not written from.
/// </summary>
public sealed record CueVocabulary(IReadOnlyDictionary<string, IReadOnlyList<string>> Cues, IReadOnlySet<string> FromMisses);
