using System.Text.RegularExpressions;
using KefuScore.App.Yaml;
using KefuScore.Engine.Quality;
using YamlDotNet.RepresentationModel;

namespace KefuScore.App.Learning;

/// <summary>
/// Reads a cue vocabulary (issue 18): <c>cues: { NAME: [regex, …], … }</c>, the tone words of the inspection model
/// (<c>Quality/cues.yaml</c>) or the intents of the FAQ model (<c>Faq/intents.yaml</c>), both built in. Every problem
/// is reported with its path and line.
/// </summary>
public static class CueLoader
{
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> BuiltIn(string name)
    {
        using var stream = typeof(CueLoader).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"resource {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), $"built-in {name}");
    }

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Load(string path) => Parse(YamlFile.ReadText(path), path);

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Parse(string yaml, string source)
    {
        var y = new YamlFile(source);
        var root = y.Root(yaml, "cues: { name: [pattern, …] }");
        y.Known(root, "", "cues");
        var cues = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (YamlFile.Child(root, "cues") is not YamlMappingNode map)
        {
            y.Error(root, "cues", "expected a mapping of cue names to lists of patterns");
            y.ThrowIfAny();
            return cues;
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
        y.ThrowIfAny();
        return cues;
    }
}
