using System.CommandLine;
using KefuScore.Cli.Commands;

namespace KefuScore.Cli;

/// <summary>
/// <c>kefu</c>: machine output on stdout, messages and progress on stderr; exit 0 on success, 1 when input lines
/// were rejected (the output is still written), 2 on usage or fatal errors (SPEC §6).
/// </summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("kefu — 客服质量: platform customer-service metrics, verdicts and explanations (KefuScore)");
        var io = new CliOutput(stdout, stderr);
        root.Subcommands.Add(ReportCommand.Create(io));
        root.Subcommands.Add(ExplainCommand.Create(io));
        root.Subcommands.Add(SimulateCommand.Create(io));
        root.Subcommands.Add(ProfilesCommand.Create(io));
        root.Subcommands.Add(ImportCommand.Create(io));
        root.Subcommands.Add(ServeCommand.Create(io));
        root.Subcommands.Add(PlanCommand.Create(io));
        root.Subcommands.Add(InspectCommand.Create(io));
        root.Subcommands.Add(CalendarCommand.Create(io));
        root.Subcommands.Add(ScoreCommand.Create(io));
        root.Subcommands.Add(ReconcileCommand.Create(io));
        root.Subcommands.Add(FaqCommand.Create(io));
        root.Subcommands.Add(GradeCommand.Create(io));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) stderr.WriteLine($"kefu: {e.Message}");
            stderr.WriteLine("Try 'kefu --help'.");
            return ExitCodes.Usage;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (CliException e)
        {
            stderr.WriteLine($"kefu: {e.Message}");
            return ExitCodes.Usage;
        }
    }
}

public static class ExitCodes
{
    public const int Ok = 0;
    public const int Rejected = 1;
    public const int Usage = 2;
}

/// <summary>A usage or fatal error: printed on stderr as it is, exit code 2.</summary>
public sealed class CliException(string message) : Exception(message);

/// <summary>Where commands write: stdout for results, stderr for messages and progress.</summary>
public sealed record CliOutput(TextWriter Out, TextWriter Error)
{
    /// <summary>Tables for a person at a terminal, JSON for a program.</summary>
    public bool Interactive => ReferenceEquals(Out, Console.Out) && !Console.IsOutputRedirected;
    public bool ErrorInteractive => ReferenceEquals(Error, Console.Error) && !Console.IsErrorRedirected;
}
