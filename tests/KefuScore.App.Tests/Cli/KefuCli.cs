using KefuScore.Cli;

namespace KefuScore.App.Tests.Cli;

/// <summary>Runs `kefu` in-process with captured stdout and stderr.</summary>
internal static class KefuCli
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = KefuScore.Cli.Program.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
