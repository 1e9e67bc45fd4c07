using KefuScore.App.Profiles;
using KefuScore.App.Learning;
using KefuScore.App.Yaml;
using KefuScore.Engine.Quality;
using YamlDotNet.RepresentationModel;
using KefuScore.Engine.Text;

namespace KefuScore.App.Quality;

/// <summary>
/// Reads inspection rules from YAML (the built-in <c>Quality/inspection.yaml</c>, embedded in this assembly, or a
/// user's file), collecting every problem with its path and line (<c>rules[1].patterns[0] (line 12): …</c>).
/// </summary>
public static class InspectionLoader
{
    private const string BuiltInName = "quality/inspection.yaml";

    /// <summary>The YAML text of the built-in rules.</summary>
    public static string BuiltInText()
    {
        using var stream = typeof(InspectionLoader).Assembly.GetManifestResourceStream(BuiltInName)
            ?? throw new InvalidOperationException($"resource {BuiltInName} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static InspectionRules BuiltIn() => Parse(BuiltInText(), "built-in inspection rules");

    private const string BuiltInModelName = "quality/inspection-model.json";
    private static readonly Lazy<LinearTextModel> Model = new(() =>
    {
        using var stream = typeof(InspectionLoader).Assembly.GetManifestResourceStream(BuiltInModelName)
            ?? throw new InvalidOperationException($"resource {BuiltInModelName} is missing from the build");
        return TextModelFile.Read(stream, "built-in inspection model", InspectionTrainer.Kind);
    });

    /// <summary>
    /// The built-in inspection model (issue 18): trained by <c>kefu inspect train</c> on the development part of
    /// Quality/Data/inspection and shipped inside the assembly; read once, shared (it is read-only).
    /// </summary>
    public static LinearTextModel BuiltInModel() => Model.Value;

    /// <summary>The built-in rules with the built-in model: what the server inspects with.</summary>
    public static Inspector BuiltInInspector() => new(BuiltIn(), BuiltInModel());

    public static InspectionRules Load(string path) => Parse(YamlFile.ReadText(path), path);

    public static InspectionRules Parse(string yaml, string source)
    {
        var y = new YamlFile(source);
        var root = y.Root(yaml, "rules: [ { id: absolute_claim, words: […] }, … ]");
        y.Known(root, "", "rules");
        var rules = new List<InspectionRule>();
        var node = YamlFile.Child(root, "rules");
        if (node is not YamlSequenceNode seq)
        {
            y.Error(node ?? root, "rules", new Msg(node is null ? Codes.InputRequired : Codes.InspectionRules));
            y.ThrowIfAny();
            return new InspectionRules { Rules = rules, Source = source };
        }
        for (var i = 0; i < seq.Children.Count; i++)
        {
            var path = $"rules[{i}]";
            if (seq.Children[i] is not YamlMappingNode m)
            {
                y.Error(seq.Children[i], path, new Msg(Codes.InspectionRule));
                continue;
            }
            if (ReadRule(y, m, path) is not { } rule) continue;
            if (rules.Any(r => r.Id == rule.Id)) y.Error(YamlFile.Child(m, "id"), $"{path}.id", new Msg(Codes.InspectionTwice, new Ref(RefKind.QualityRule, rule.Id)));
            else rules.Add(rule);
        }
        y.ThrowIfAny();
        return new InspectionRules { Rules = rules, Source = source };
    }

    private static InspectionRule? ReadRule(YamlFile y, YamlMappingNode m, string path)
    {
        var id = y.String(m, path, "id", required: true);
        if (id is null) return null;
        if (!RuleIds.All.Contains(id))
        {
            y.Error(YamlFile.Child(m, "id"), $"{path}.id", new Msg(Codes.InspectionUnknown, id, string.Join(", ", RuleIds.All)));
            return null;
        }
        var text = id != RuleIds.LongSilence;
        var timed = id is RuleIds.Vague or RuleIds.LongSilence or RuleIds.NoPoliteAddress;
        string[] keys = [ "id", "name", "enabled", "weight", .. text ? new[] { "words", "patterns", "except" } : [], .. timed ? new[] { "within" } : [] ];
        y.Known(m, path, keys);

        var weight = 1.0;
        if (y.String(m, path, "weight") is { } w)
        {
            if (!double.TryParse(w, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out weight) || weight < 0)
            {
                y.Error(YamlFile.Child(m, "weight"), $"{path}.weight", new Msg(Codes.InspectionWeight, w));
                weight = 1;
            }
        }
        var enabled = true;
        if (y.String(m, path, "enabled") is { } en)
        {
            if (en is "true" or "yes") enabled = true;
            else if (en is "false" or "no") enabled = false;
            else y.Error(YamlFile.Child(m, "enabled"), $"{path}.enabled", new Msg(Codes.InputNotBool, en));
        }
        TimeSpan? within = null;
        if (y.String(m, path, "within") is { } wi)
        {
            if (ProfileLoader.TryDuration(wi, out var d) && d > TimeSpan.Zero) within = d;
            else y.Error(YamlFile.Child(m, "within"), $"{path}.within", new Msg(Codes.InspectionWithin, wi));
        }

        var words = y.Strings(YamlFile.Child(m, "words"), $"{path}.words").Select(s => s.Value).ToList();
        var patterns = new List<string>();
        var compiled = new List<TextPattern>();
        var patternNodes = y.Strings(YamlFile.Child(m, "patterns"), $"{path}.patterns");
        for (var i = 0; i < patternNodes.Count; i++)
        {
            var (p, node) = patternNodes[i];
            // Compiled once, as the inspector runs it: both engines, since it falls back to the linear one when a
            // match runs long (TextPattern), so the pattern must run there too.
            if (TextPattern.TryCreate(p, TextPattern.Options, out var problem) is { } made)
            {
                patterns.Add(p);
                compiled.Add(made);
            }
            else if (problem!.NotRegex) y.Error(node, $"{path}.patterns[{i}]", new Msg(Codes.InspectionPattern, p, problem.Message));
            else y.Error(node, $"{path}.patterns[{i}]", new Msg(Codes.InspectionPatternLinear, p, problem.Message));
        }
        var except = y.Strings(YamlFile.Child(m, "except"), $"{path}.except").Select(s => s.Value).ToList();
        if (text && enabled && words.Count == 0 && patterns.Count == 0 && patternNodes.Count == 0)
            y.Error(m, path, new Msg(Codes.InspectionNeedsWords, new Ref(RefKind.QualityRule, id)));

        return new InspectionRule
        {
            Id = id, Name = y.String(m, path, "name"), Enabled = enabled, Weight = weight,
            Words = words, Patterns = patterns, CompiledPatterns = compiled, Except = except, Within = within,
        };
    }
}
