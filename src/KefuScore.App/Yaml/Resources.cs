namespace KefuScore.App.Yaml;

/// <summary>The built-in data files embedded in this assembly (rules, limits, catalogues).</summary>
internal static class Resources
{
    public static string Text(string name)
    {
        using var stream = typeof(Resources).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"resource {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
