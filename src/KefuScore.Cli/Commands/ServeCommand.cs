using System.CommandLine;
using KefuScore.Web;

namespace KefuScore.Cli.Commands;

/// <summary><c>kefu serve</c>: the HTTP server (the same host as <c>dotnet run --project src/KefuScore.Web</c>).</summary>
internal static class ServeCommand
{
    public static Command Create(CliOutput io)
    {
        var urls = new Option<string?>("--urls") { Description = "Address to listen on (default http://127.0.0.1:5080)" };
        var data = new Option<string?>("--data") { Description = "Data folder of the SQLite database (default: $KEFU_DATA, else ./data)" };
        var command = new Command("serve", "Run the HTTP server: API under /api/v1, OpenAPI, Scalar at /scalar; Ctrl+C stops it") { urls, data };
        command.SetAction(parse =>
        {
            var args = new List<string>();
            if (parse.GetValue(urls) is { } u) args.AddRange(["--urls", u]);
            if (parse.GetValue(data) is { } d) args.AddRange(["--KEFU_DATA", Path.GetFullPath(d)]);
            io.Error.WriteLine("kefu: starting the server (Ctrl+C stops it)");
            KefuWebHost.RunAsync([.. args]).GetAwaiter().GetResult();
            return ExitCodes.Ok;
        });
        return command;
    }
}
