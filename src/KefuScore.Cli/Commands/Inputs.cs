using KefuScore.App.Profiles;
using System.CommandLine;
using KefuScore.App.Reading;
using KefuScore.App.Reading.Mapping;
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

    /// <summary>The --map option: a mapping file for exports in other layouts (docs/mapping.md).</summary>
    /// <summary>How many folds run side by side, each on its share of the shops (default: the machine's cores).</summary>
    public static Option<int> ThreadsOption()
    {
        var threads = new Option<int>("--threads") { Description = "Fold workers, shops shared among them (default: the machine's cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        threads.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 256) r.AddError("--threads: must be between 1 and 256");
        });
        return threads;
    }

    public static Option<string?> MapOption() => new("--map") { Description = "Mapping file for exports in another layout (docs/mapping.md)" };

    public static ImportMapping? Mapping(string? path)
    {
        if (path is null) return null;
        try
        {
            return ImportMapping.Load(path);
        }
        catch (MappingException e)
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>Every record of every file, read through the mapping when there is one.</summary>
    public static IEnumerable<ReadItem> Read(IReadOnlyList<string> files, ImportMapping? mapping, CancellationToken ct = default) =>
        files.SelectMany(f => EventFiles.Read(f, mapping, ct));

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
