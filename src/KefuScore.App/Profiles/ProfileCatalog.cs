using System.Reflection;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Text;

namespace KefuScore.App.Profiles;

/// <summary>
/// The built-in profiles (the YAML files under <c>profiles/</c>, embedded in this assembly) and user files:
/// <c>--profile ID</c> names a built-in, <c>--profile PATH</c> a file; both load through <see cref="ProfileLoader"/>.
/// </summary>
public static class ProfileCatalog
{
    private const string Prefix = "profiles/";

    public static IReadOnlyList<string> BuiltInIds { get; } = typeof(ProfileCatalog).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".yaml", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^".yaml".Length]).Order(StringComparer.Ordinal).ToList();

    public const string DefaultId = "douyin";

    /// <summary>The YAML text of a built-in profile, or null.</summary>
    public static string? BuiltInText(string id)
    {
        using var stream = typeof(ProfileCatalog).Assembly.GetManifestResourceStream(Prefix + id + ".yaml");
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Loads a built-in id or a file path; throws <see cref="ProfileException"/> with every problem found.</summary>
    public static Profile Load(string idOrPath)
    {
        if (BuiltInText(idOrPath) is { } text) return ProfileLoader.Parse(text, $"built-in profile '{idOrPath}'");
        if (File.Exists(idOrPath) || idOrPath.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || idOrPath.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            return ProfileLoader.Load(idOrPath);
        throw new ProfileException(idOrPath, [new ProfileError("", new Msg(Codes.ProfileNoBuiltIn, idOrPath, string.Join(", ", BuiltInIds)))]);
    }

    /// <summary>
    /// The compiled profile. Built-ins are compiled once per process (they are embedded and a compiled profile is
    /// immutable): a server answering reports would otherwise parse YAML on every request. Files are read every time.
    /// </summary>
    public static CompiledProfile Compile(string idOrPath)
    {
        if (BuiltInIds.Contains(idOrPath, StringComparer.Ordinal)) return CompiledBuiltIns.GetOrAdd(idOrPath, id => CompileNow(id));
        return CompileNow(idOrPath);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, CompiledProfile> CompiledBuiltIns = new(StringComparer.Ordinal);

    private static CompiledProfile CompileNow(string idOrPath)
    {
        var profile = Load(idOrPath);
        return CompiledProfile.Compile(profile, TimeZones.Find(profile.TimeZone, profile.Source));
    }
}

/// <summary>Resolves IANA zone ids on this machine; Asia/Shanghai works even without tzdata (fixed +08:00 since 1991).</summary>
public static class TimeZones
{
    public static TimeZoneInfo Find(string id, string source)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            if (id is "Asia/Shanghai" or "Asia/Chongqing" or "PRC")
                return TimeZoneInfo.CreateCustomTimeZone(id, TimeSpan.FromHours(8), id, id);
            throw new ProfileException(source, [new ProfileError("timezone", new Msg(Codes.ProfileTimeZone, id, e.Message))]);
        }
    }
}
