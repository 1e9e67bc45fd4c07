using System.CommandLine;

namespace KefuScore.Cli.Commands;

/// <summary>
/// <c>kefu serve</c>: the server is its own project (ASP.NET Core), not part of this tool; this says how to start it
/// and exits 2, because nothing was served.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliOutput io)
    {
        var command = new Command("serve", "How to start the HTTP server (the KefuScore.Web project)");
        command.SetAction(_ =>
        {
            io.Error.WriteLine("kefu serve: the server is the KefuScore.Web project; start it with");
            io.Error.WriteLine("  dotnet run --project src/KefuScore.Web [--urls http://127.0.0.1:5080]");
            io.Error.WriteLine("  (data under ./data or $KEFU_DATA; PostgreSQL when ConnectionStrings__Kefu is set; README.md)");
            return ExitCodes.Usage;
        });
        return command;
    }
}
