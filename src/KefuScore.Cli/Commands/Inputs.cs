using KefuScore.App.Profiles;
using KefuScore.App.Reading;
using KefuScore.Engine.Profiles;

namespace KefuScore.Cli.Commands;

/// <summary>Shared option handling: profiles, dates and input files, each failing with a clear message.</summary>
internal static class Inputs
{
    public static CompiledProfile Profile(string? idOrPath)
    {
        try
        {
            return ProfileCatalog.Compile(idOrPath ?? ProfileCatalog.DefaultId);
        }
        catch (ProfileException e)
        {
            throw new CliException($"profile {e.ProfileSource}:\n  " + string.Join("\n  ", e.Errors));
        }
    }

    public static DateOnly? Date(string? text, string option)
    {
        if (text is null) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", out var d)) return d;
        throw new CliException($"{option}: '{text}' is not a date like 2026-11-20");
    }

    public static IReadOnlyList<string> Files(string[]? files)
    {
        if (files is null || files.Length == 0) throw new CliException("--input: at least one file is required");
        foreach (var f in files)
            if (!File.Exists(f)) throw new CliException($"--input: {f}: no such file");
        return files;
    }

    /// <summary>Runs a read, turning unreadable files into a usage/fatal error (exit 2).</summary>
    public static T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (InputFileException e)
        {
            throw new CliException(e.Message);
        }
    }
}
