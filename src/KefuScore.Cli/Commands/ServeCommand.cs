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
        var cluster = new Option<bool>("--cluster") { Description = "Run as one silo of a cluster (Orleans; needs ConnectionStrings__Kefu naming PostgreSQL; docs/scale.md)" };
        var siloPort = new Option<int?>("--silo-port") { Description = "Cluster mode: the port silos talk to each other on (default 11111)" };
        var gatewayPort = new Option<int?>("--gateway-port") { Description = "Cluster mode: the Orleans client gateway port (default 30000)" };
        var command = new Command("serve", "Run the HTTP server: API under /api/v1, OpenAPI, Scalar at /scalar; Ctrl+C stops it") { urls, data, cluster, siloPort, gatewayPort };
        command.SetAction(parse =>
        {
            var args = new List<string>();
            if (parse.GetValue(urls) is { } u) args.AddRange(["--urls", u]);
            if (parse.GetValue(data) is { } d) args.AddRange(["--KEFU_DATA", Path.GetFullPath(d)]);
            if (parse.GetValue(cluster)) args.Add("--cluster");
            if (parse.GetValue(siloPort) is { } sp) args.AddRange(["--silo-port", sp.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            if (parse.GetValue(gatewayPort) is { } gp) args.AddRange(["--gateway-port", gp.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            io.Error.WriteLine("kefu: starting the server (Ctrl+C stops it)");
            return KefuWebHost.RunAsync([.. args]).GetAwaiter().GetResult() == 0 ? ExitCodes.Ok : ExitCodes.Usage;
        });
        return command;
    }
}
