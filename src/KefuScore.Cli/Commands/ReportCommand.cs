using System.CommandLine;
using System.Globalization;
using KefuScore.App.Reports;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;
using Spectre.Console;

namespace KefuScore.Cli.Commands;

/// <summary><c>kefu report</c>: every metric and verdict per shop and period (SPEC §6).</summary>
internal static class ReportCommand
{
    public static Command Create(CliOutput io)
    {
        var input = new Option<string[]>("--input", "-i") { Description = "Event file (.jsonl, .csv, .xlsx, .parquet); repeat for several", Required = true };
        var profile = new Option<string?>("--profile", "-p") { Description = "Built-in profile id or a YAML file (default: douyin)" };
        var from = new Option<string?>("--from") { Description = "First local date, YYYY-MM-DD" };
        var to = new Option<string?>("--to") { Description = "Last local date, YYYY-MM-DD" };
        var by = new Option<string?>("--by") { Description = "day, week or month (default: the profile's assessment period)" };
        by.AcceptOnlyFromAmong("day", "week", "month");
        var agents = new Option<bool>("--agents") { Description = "Also report each agent" };
        var format = Formats.Option("json", "table", "csv");
        var map = Inputs.MapOption();
        var threads = Inputs.ThreadsOption();

        var command = new Command("report", "Compute every metric and verdict of a profile, per shop and period")
        {
            input, profile, from, to, by, agents, format, map, threads,
        };
        command.SetAction(parse =>
        {
            var compiled = Inputs.Profile(parse.GetValue(profile));
            var files = Inputs.Files(parse.GetValue(input));
            var mapping = Inputs.Mapping(parse.GetValue(map));
            var request = new ReportRequest(
                parse.GetValue(by) switch { "day" => PeriodKind.Day, "week" => PeriodKind.Week, "month" => PeriodKind.Month, _ => null },
                Inputs.Date(parse.GetValue(from), "--from"), Inputs.Date(parse.GetValue(to), "--to"), parse.GetValue(agents));
            var run = Inputs.Guard(() => Progress.Run(io, "读取事件 reading events", p => ReportRunner.Run(compiled, files, mapping, parse.GetValue(threads), agents: request.Agents, progress: p)));
            if (run.Replayed) io.Error.WriteLine("kefu: input was far out of time order; read it a second time with every conversation kept open (exact, but more memory)");
            var report = ReportBuilder.Build(compiled, run.Rollup, request, parse.GetValue(threads));
            switch (Formats.Resolve(parse.GetValue(format), io))
            {
                case "json":
                    Json.Emit(io, stream => ReportJson.Write(stream, report, run));
                    break;
                case "csv":
                    ReportCsv.Write(io.Out, report);
                    break;
                default:
                    ReportTable.Write(io, report, run);
                    break;
            }
            foreach (var r in run.Rejected.Take(20)) io.Error.WriteLine($"rejected {r.File}:{r.Line} {r.Field}: {r.Reason}");
            if (run.Rejected.Count > 20) io.Error.WriteLine($"… and {run.Rejected.Count - 20} more rejected lines (all listed in the JSON output)");
            return run.Rejected.Count > 0 ? ExitCodes.Rejected : ExitCodes.Ok;
        });
        return command;
    }
}

/// <summary>JSON to stdout: straight as UTF-8 bytes at the console, through the writer when tests capture it.</summary>
internal static class Json
{
    public static void Emit(CliOutput io, Action<Stream> write)
    {
        if (ReferenceEquals(io.Out, Console.Out))
        {
            Console.Out.Flush();
            using var stdout = Console.OpenStandardOutput();
            write(stdout);
            stdout.Write("\n"u8);
            return;
        }
        using var buffer = new MemoryStream();
        write(buffer);
        io.Out.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}

/// <summary>The --format option shared by commands; default table at a terminal, json otherwise.</summary>
internal static class Formats
{
    public static Option<string?> Option(params string[] allowed)
    {
        var o = new Option<string?>("--format", "-f") { Description = $"Output: {string.Join(", ", allowed)} (default: table at a terminal, json otherwise)" };
        o.AcceptOnlyFromAmong(allowed);
        return o;
    }

    public static string Resolve(string? format, CliOutput io) => format ?? (io.Interactive ? "table" : "json");

    public static string Percent(double? v) => v is null ? "—" : v.Value.ToString("0.00%", CultureInfo.InvariantCulture);

    public static string Number(double? v) => v is null ? "—" : v.Value.ToString("0.##", CultureInfo.InvariantCulture);
}

/// <summary>Progress on stderr: a live counter at a terminal, nothing when stderr is redirected.</summary>
internal static class Progress
{
    public static T Run<T>(CliOutput io, string label, Func<IProgress<long>, T> work)
    {
        if (!io.ErrorInteractive) return work(new Progress<long>(_ => { }));
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Status().Start(label, ctx =>
            work(new SyncProgress<long>(n => ctx.Status($"{label}: {n:N0}"))));
    }

}

/// <summary>Reports progress on the calling thread (Spectre's live displays are updated from the work itself).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
