using YamlDotNet.RepresentationModel;

namespace KefuScore.App.Reading.Mapping;

/// <summary>Typed access to YAML nodes that records a <see cref="MappingError"/> (path and line) instead of throwing.</summary>
internal sealed class MappingReader
{
    public List<MappingError> Errors { get; } = [];

    /// <summary>Errors past <see cref="Yaml.YamlGuard.MaxErrors"/>, counted but not kept.</summary>
    public int Uncounted { get; private set; }

    public void Error(YamlNode? node, string path, string problem)
    {
        if (Errors.Count > Yaml.YamlGuard.MaxErrors) Uncounted++;
        else Errors.Add(new MappingError(Yaml.YamlGuard.Clip(node is null ? path : $"{path} (line {node.Start.Line})"), Yaml.YamlGuard.Clip(problem)));
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    public YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    public void Known(YamlMappingNode map, string path, params string[] keys)
    {
        foreach (var key in map.Children.Keys)
            if (key is YamlScalarNode { Value: { } k } && !keys.Contains(k))
                Error(key, Join(path, k), $"unknown key (expected one of: {string.Join(", ", keys)})");
    }

    public string? Scalar(YamlMappingNode map, string path, string key)
    {
        var node = Child(map, key);
        if (node is null) return null;
        if (node is YamlScalarNode { Value: var v }) return v;
        Error(node, Join(path, key), "must be a single value");
        return null;
    }

    public YamlMappingNode? Mapping(YamlMappingNode map, string path, string key)
    {
        var node = Child(map, key);
        if (node is null or YamlMappingNode) return node as YamlMappingNode;
        Error(node, Join(path, key), "must be a mapping");
        return null;
    }

    /// <summary>A scalar or a list of scalars, as a list (<c>when_sender: agent</c> and <c>when_sender: [agent, bot]</c>).</summary>
    public IReadOnlyList<string> Scalars(YamlMappingNode map, string path, string key)
    {
        var node = Child(map, key);
        if (node is null) return [];
        if (node is YamlScalarNode { Value: { } one }) return [one];
        if (node is YamlSequenceNode seq && seq.Children.All(c => c is YamlScalarNode { Value: not null }))
            return [.. seq.Children.Select(c => ((YamlScalarNode)c).Value!)];
        Error(node, Join(path, key), "must be a value or a list of values");
        return [];
    }

    public char? Char(YamlMappingNode map, string path, string key)
    {
        var s = Scalar(map, path, key);
        if (s is null) return null;
        if (s == "\\t" || s == "tab") return '\t';
        if (s.Length == 1) return s[0];
        Error(Child(map, key), Join(path, key), $"'{s}' must be a single character (\"\\t\" or tab for a tab)");
        return null;
    }

    public bool? Bool(YamlMappingNode map, string path, string key)
    {
        var s = Scalar(map, path, key);
        if (s is null) return null;
        if (s is "true" or "yes") return true;
        if (s is "false" or "no") return false;
        Error(Child(map, key), Join(path, key), $"'{s}' is not true or false");
        return null;
    }

    /// <summary>A column named by a scalar; records the path so that a column missing from the file can be traced back.</summary>
    public ColumnRef? Column(YamlMappingNode map, string path, string key)
    {
        var s = Scalar(map, path, key);
        if (s is null) return null;
        if (s.Trim().Length > 0) return new ColumnRef(s.Trim(), Join(path, key));
        Error(Child(map, key), Join(path, key), "must name a column");
        return null;
    }
}
