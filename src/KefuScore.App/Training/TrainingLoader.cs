using KefuScore.App.Yaml;
using KefuScore.Engine.Complaints;
using KefuScore.Engine.Training;
using YamlDotNet.RepresentationModel;

namespace KefuScore.App.Training;

/// <summary>Reads the training catalogue (the built-in <c>Training/training.yaml</c> or a copy), naming every problem's path and line.</summary>
public static class TrainingLoader
{
    public static string BuiltInText() => Resources.Text("quality/training.yaml");

    public static TrainingCatalogue BuiltIn() => Parse(BuiltInText(), "built-in training catalogue");

    public static TrainingCatalogue Parse(string yaml, string source)
    {
        var y = new YamlFile(source);
        var root = y.Root(yaml, "courses: [...], rules: {...}, complaints: {...}");
        y.Known(root, "", "courses", "rules", "complaints");
        var courses = new List<Course>();
        if (YamlFile.Child(root, "courses") is not YamlSequenceNode list) y.Error(YamlFile.Child(root, "courses") ?? root, "courses", "is required: a list of { id, name, en }");
        else
            for (var i = 0; i < list.Children.Count; i++)
            {
                var path = $"courses[{i}]";
                if (list.Children[i] is not YamlMappingNode m) { y.Error(list.Children[i], path, "must be { id, name, en }"); continue; }
                y.Known(m, path, "id", "name", "en");
                var id = y.String(m, path, "id", required: true) ?? "";
                if (courses.Any(c => c.Id == id)) y.Error(m, $"{path}.id", $"'{id}' is used twice");
                courses.Add(new Course(id, y.String(m, path, "name") ?? id, y.String(m, path, "en") ?? id));
            }
        var rules = Map(y, root, "rules", courses, _ => true, "");
        var complaints = Map(y, root, "complaints", courses, k => ComplaintWords.TryCategory(k, out _), $"is not a complaint category ({string.Join(", ", ComplaintWords.Categories)})");
        y.ThrowIfAny();
        return new TrainingCatalogue(courses, rules, complaints, source);
    }

    private static Dictionary<string, IReadOnlyList<string>> Map(YamlFile y, YamlMappingNode root, string key, List<Course> courses, Func<string, bool> validKey, string invalid)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var node = YamlFile.Child(root, key);
        if (node is null) return result;
        if (node is not YamlMappingNode map) { y.Error(node, key, "must be a mapping to lists of course ids"); return result; }
        foreach (var (k, v) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            if (!validKey(name)) { y.Error(k, $"{key}.{name}", invalid); continue; }
            var ids = new List<string>();
            var items = y.Strings(v, $"{key}.{name}");
            for (var i = 0; i < items.Count; i++)
                if (courses.Any(c => c.Id == items[i].Value)) ids.Add(items[i].Value);
                else y.Error(items[i].Node, $"{key}.{name}[{i}]", $"'{items[i].Value}' is not a course id");
            result[name] = ids;
        }
        return result;
    }
}
