using KefuScore.Engine.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KefuScore.App.Yaml;

/// <summary>
/// One problem in a YAML file, at a path in the document with its line (<c>rules[2].within (line 14)</c>), and what is
/// wrong as a code with arguments, which the dashboard renders in its reader's language.
/// </summary>
public sealed record YamlProblem(string Path, Msg Reason)
{
    /// <summary>A problem a loader still says in English only.</summary>
    public YamlProblem(string path, string problem) : this(path, new Msg(Codes.Untranslated, problem)) { }

    /// <summary>The reason in the command line's English.</summary>
    public string Problem => EnglishText.Render(Reason);

    public override string ToString() => Path.Length == 0 ? Problem : $"{Path}: {Problem}";
}

/// <summary>A YAML file (inspection rules, a calendar) that cannot be used; carries every problem found, not just the first.</summary>
public sealed class YamlFileException : Exception
{
    public YamlFileException() : base("The YAML file cannot be used.") { }

    public YamlFileException(string message) : base(message) { }

    public YamlFileException(string message, Exception innerException) : base(message, innerException) { }

    public YamlFileException(string source, IReadOnlyList<YamlProblem> problems)
        : base($"{source}:\n  {string.Join("\n  ", problems)}")
    {
        FileSource = source;
        Problems = problems;
    }

    public string FileSource { get; } = "";

    public IReadOnlyList<YamlProblem> Problems { get; } = [];
}

/// <summary>
/// Reads a YAML document's nodes, recording a <see cref="YamlProblem"/> with path and line instead of throwing,
/// the way <see cref="Profiles.ProfileLoader"/> does for profiles.
/// </summary>
internal sealed class YamlFile(string source)
{
    public List<YamlProblem> Problems { get; } = [];

    /// <summary>Problems past <see cref="YamlGuard.MaxErrors"/>, counted but not kept.</summary>
    public int Uncounted { get; private set; }

    public string Source { get; } = source;

    public static string ReadText(string path)
    {
        try { return YamlGuard.ReadText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new YamlFileException(path, [new YamlProblem("", new Msg(Codes.InputCannotRead, e.Message))]);
        }
    }

    /// <summary>The document's root mapping; throws <see cref="YamlFileException"/> when the text is not YAML or not a mapping.</summary>
    public YamlMappingNode Root(string text, string expected)
    {
        try
        {
            var stream = YamlGuard.Load(text);
            if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode map) return map;
        }
        catch (YamlException e)
        {
            throw new YamlFileException(Source, [YamlGuard.Syntax(e, (path, msg) => new YamlProblem(path, msg))]);
        }
        throw new YamlFileException(Source, [new YamlProblem("", new Msg(Codes.InputDocumentMapping, expected))]);
    }

    public void ThrowIfAny()
    {
        if (Problems.Count > 0) throw new YamlFileException(Source, YamlGuard.CappedBy(Problems, Uncounted, s => new YamlProblem("", s)));
    }

    /// <summary>A problem a loader still says in English only (shown as it is on every screen).</summary>
    public void Error(YamlNode? node, string path, string problem) => Error(node, path, new Msg(Codes.Untranslated, problem));

    public void Error(YamlNode? node, string path, Msg problem)
    {
        // One more than the limit is kept so that Capped knows to summarise.
        if (Problems.Count > YamlGuard.MaxErrors) Uncounted++;
        else Problems.Add(new YamlProblem(YamlGuard.Clip(node is null ? path : $"{path} (line {node.Start.Line})"), YamlGuard.Clip(problem)));
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    public static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    public void Known(YamlMappingNode map, string path, params string[] keys)
    {
        foreach (var key in map.Children.Keys)
            if (key is YamlScalarNode { Value: { } k } && !keys.Contains(k))
                Error(key, Join(path, k), new Msg(Codes.InputUnknownKey, new Literal(string.Join(", ", keys))));
    }

    public string? String(YamlMappingNode map, string path, string key, bool required = false)
    {
        var node = Child(map, key);
        if (node is null)
        {
            if (required) Error(map, Join(path, key), new Msg(Codes.InputRequired));
            return null;
        }
        if (node is YamlScalarNode { Value: var v }) return v;
        Error(node, Join(path, key), new Msg(Codes.InputSingleValue));
        return null;
    }

    /// <summary>A list of strings; a single value is a list of one.</summary>
    public IReadOnlyList<(string Value, YamlNode Node)> Strings(YamlNode? node, string path)
    {
        if (node is null) return [];
        if (node is YamlScalarNode { Value: { } single }) return single.Length == 0 ? [] : [(single, node)];
        if (node is not YamlSequenceNode seq)
        {
            Error(node, path, new Msg(Codes.InputListOfValues));
            return [];
        }
        var result = new List<(string, YamlNode)>();
        for (var i = 0; i < seq.Children.Count; i++)
        {
            if (seq.Children[i] is YamlScalarNode { Value: { } v }) result.Add((v, seq.Children[i]));
            else Error(seq.Children[i], $"{path}[{i}]", new Msg(Codes.InputSingleValue));
        }
        return result;
    }
}
