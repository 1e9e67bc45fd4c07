using KefuScore.App.Calendars;
using KefuScore.App.Yaml;
using KefuScore.Engine.Complaints;
using YamlDotNet.RepresentationModel;
using KefuScore.Engine.Text;

namespace KefuScore.App.Complaints;

/// <summary>
/// Reads complaint deadlines (<c>complaints.yaml</c>): <c>limits: { attitude: { respond: 2h, resolve: 24h }, … }</c>
/// and <c>escalation: [0s, 2h, 8h]</c>. A shop's file overrides the built-in one category by category; categories it
/// leaves out keep the built-in limits.
/// </summary>
public static class ComplaintPolicyLoader
{
    private const string BuiltInName = "quality/complaints.yaml";

    public static string BuiltInText() => Resources.Text(BuiltInName);

    public static ComplaintPolicy BuiltIn() => Parse(BuiltInText(), "built-in complaint limits", null);

    /// <summary>A shop's file on top of the built-in limits.</summary>
    public static ComplaintPolicy Load(string path) => Parse(YamlFile.ReadText(path), path, BuiltIn());

    /// <summary>A shop's text on top of the built-in limits.</summary>
    public static ComplaintPolicy Parse(string yaml, string source) => Parse(yaml, source, BuiltIn());

    /// <summary>Parses <paramref name="yaml"/> on top of <paramref name="baseline"/> (nothing when null).</summary>
    public static ComplaintPolicy Parse(string yaml, string source, ComplaintPolicy? baseline)
    {
        var y = new YamlFile(source);
        var root = y.Root(yaml, "limits: { attitude: { respond: 2h, resolve: 24h } }, escalation: [0s, 2h]");
        y.Known(root, "", "limits", "escalation");
        var limits = baseline is null ? new Dictionary<ComplaintCategory, CategoryLimits>() : new Dictionary<ComplaintCategory, CategoryLimits>(baseline.Limits);

        if (YamlFile.Child(root, "limits") is { } node)
        {
            if (node is not YamlMappingNode map) y.Error(node, "limits", new Msg(Codes.PolicyLimits));
            else
                foreach (var (k, v) in map.Children)
                {
                    var key = (k as YamlScalarNode)?.Value ?? "";
                    var path = $"limits.{key}";
                    if (!ComplaintWords.TryCategory(key, out var category))
                    {
                        y.Error(k, path, new Msg(Codes.PolicyNotCategory, string.Join(", ", ComplaintWords.Categories)));
                        continue;
                    }
                    if (v is not YamlMappingNode entry)
                    {
                        y.Error(v, path, new Msg(Codes.PolicyLimit));
                        continue;
                    }
                    y.Known(entry, path, "respond", "resolve");
                    var respond = Duration(y, entry, path, "respond", required: true);
                    var resolve = Duration(y, entry, path, "resolve", required: false);
                    if (respond is { } r)
                    {
                        if (resolve is { } s && s < r) y.Error(entry, $"{path}.resolve", new Msg(Codes.PolicyResolveShorter));
                        limits[category] = new CategoryLimits(r, resolve);
                    }
                }
        }
        if (!limits.ContainsKey(ComplaintCategory.Other)) y.Error(root, "limits.other", new Msg(Codes.PolicyOtherRequired));

        var escalation = baseline?.Escalation ?? [TimeSpan.Zero];
        if (YamlFile.Child(root, "escalation") is { } escNode)
        {
            var steps = new List<TimeSpan>();
            var items = y.Strings(escNode, "escalation");
            for (var i = 0; i < items.Count; i++)
            {
                var (text, n) = items[i];
                if (!CalendarLoader.TryDuration(text, out var d)) y.Error(n, $"escalation[{i}]", new Msg(Codes.PolicyNotStep, text));
                else if (steps.Count > 0 && d <= steps[^1]) y.Error(n, $"escalation[{i}]", new Msg(Codes.PolicyStepOrder));
                else steps.Add(d);
            }
            escalation = steps;
        }
        y.ThrowIfAny();
        return new ComplaintPolicy { Limits = limits, Escalation = escalation, Source = source };
    }

    private static TimeSpan? Duration(YamlFile y, YamlMappingNode map, string path, string key, bool required)
    {
        var text = y.String(map, path, key, required);
        if (text is null) return null;
        if (CalendarLoader.TryDuration(text, out var d) && d > TimeSpan.Zero) return d;
        y.Error(YamlFile.Child(map, key), YamlFile.Join(path, key), new Msg(Codes.PolicyNotDuration, text));
        return null;
    }
}
