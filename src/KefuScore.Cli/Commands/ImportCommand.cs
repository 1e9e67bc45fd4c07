using System.CommandLine;
using System.Text.Json;
using KefuScore.App.Profiles;
using KefuScore.App.Reading;
using KefuScore.App.Reports;
using KefuScore.App.Storage;
using Spectre.Console;

namespace KefuScore.Cli.Commands;

/// <summary>
/// <c>kefu import FILE…</c>: stores events in the database (SQLite under the data folder, or PostgreSQL), each file in
/// one transaction; rejected lines go to <c>FILE.rejects.csv</c> and to stderr; a JSON summary goes to stdout.
/// </summary>
internal static class ImportCommand
{
    public static Command Create(CliOutput io)
    {
        var files = new Argument<string[]>("files") { Description = "Event files (.jsonl, .csv, .xlsx, .parquet)", Arity = ArgumentArity.OneOrMore };
        var data = new Option<string?>("--data") { Description = "Data folder of the SQLite database (default: $KEFU_DATA, else ./data)" };
        var connection = new Option<string?>("--connection") { Description = "PostgreSQL connection string (default: $ConnectionStrings__Kefu; none: SQLite)" };
        var profile = new Option<string?>("--profile", "-p") { Description = "Built-in profile for shops this import creates (default: douyin)" };
        var map = Inputs.MapOption();
        var command = new Command("import", "Store event files in the database; importing the same file twice adds nothing")
        {
            files, data, connection, profile, map,
        };
        command.SetAction(parse => Run(io, parse.GetValue(files) ?? [], parse.GetValue(data), parse.GetValue(connection), parse.GetValue(profile), Inputs.Mapping(parse.GetValue(map)))
            .GetAwaiter().GetResult());
        return command;
    }

    private static async Task<int> Run(CliOutput io, string[] files, string? data, string? connection, string? profileId, App.Reading.Mapping.ImportMapping? mapping)
    {
        foreach (var f in files)
            if (!File.Exists(f)) throw new CliException($"{f}: no such file");
        var profile = profileId ?? ProfileCatalog.DefaultId;
        if (!ProfileCatalog.BuiltInIds.Contains(profile))
            throw new CliException($"--profile: '{profile}' is not a built-in profile ({string.Join(", ", ProfileCatalog.BuiltInIds)})");

        var location = StorageLocation.Resolve(data, connection);
        var options = KefuStorage.Options(location);
        try
        {
            await KefuStorage.InitialiseAsync(options);
        }
        catch (Exception e) when (e is not CliException)
        {
            throw new CliException($"cannot open the database ({location}): {e.Message}");
        }
        using var store = new EventStore(options, StoredProfiles.Resolver(options)) { NewShopProfile = profile };
        var results = new List<ImportResult>();
        foreach (var file in files)
        {
            try
            {
                results.Add(await WithProgress(io, file, p => FileImport.Import(store, file, mapping, p)));
            }
            catch (Exception e) when (e is InputFileException or App.Reading.Mapping.MappingException)
            {
                throw new CliException($"{e.Message} (nothing of it was stored)");
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or Microsoft.EntityFrameworkCore.DbUpdateException)
            {
                throw new CliException($"{file}: the database refused the import, nothing of this file was stored: {e.Message}");
            }
            var r = results[^1];
            io.Error.WriteLine($"kefu: {r.File}: {r.Accepted:N0} stored, {r.Duplicates:N0} duplicates, {r.RejectedCount:N0} rejected{(r.RejectsFile is null ? "" : $" (listed in {r.RejectsFile})")}");
            foreach (var x in r.Rejected.Take(20)) io.Error.WriteLine($"rejected {x.File}:{x.Line} {x.Field}: {x.Reason}");
            if (r.RejectedCount > 20) io.Error.WriteLine($"… and {r.RejectedCount - 20} more rejected lines in {r.RejectsFile}");
        }
        Json.Emit(io, stream => WriteSummary(stream, location, results));
        return results.Any(r => r.RejectedCount > 0) ? ExitCodes.Rejected : ExitCodes.Ok;
    }

    private static async Task<ImportResult> WithProgress(CliOutput io, string file, Func<IProgress<double>?, Task<ImportResult>> work)
    {
        if (!io.ErrorInteractive) return await work(null);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        ImportResult? result = null;
        await console.Progress().AutoClear(true).StartAsync(async ctx =>
        {
            var task = ctx.AddTask(Markup.Escape(Path.GetFileName(file)), maxValue: 1.0);
            result = await work(new SyncProgress<double>(v => task.Value = v));
        });
        return result!;
    }

    private static void WriteSummary(Stream stream, StorageLocation location, List<ImportResult> results)
    {
        using var w = new Utf8JsonWriter(stream, ReportJson.Options);
        w.WriteStartObject();
        w.WriteString("database", location.ToString());
        w.WriteStartArray("files");
        foreach (var r in results)
        {
            w.WriteStartObject();
            w.WriteString("file", r.File);
            w.WriteNumber("accepted", r.Accepted);
            w.WriteNumber("duplicates", r.Duplicates);
            w.WriteNumber("rejected", r.RejectedCount);
            if (r.RejectsFile is null) w.WriteNull("rejects_file"); else w.WriteString("rejects_file", r.RejectsFile);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
