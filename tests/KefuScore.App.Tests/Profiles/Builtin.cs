using KefuScore.App.Profiles;
using KefuScore.Engine.Profiles;

namespace KefuScore.App.Tests.Profiles;

/// <summary>The built-in profiles, compiled once per test run.</summary>
internal static class Builtin
{
    private static readonly Dictionary<string, CompiledProfile> Cache = [];

    public static CompiledProfile Get(string id)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(id, out var p)) Cache[id] = p = ProfileCatalog.Compile(id);
            return p;
        }
    }
}
