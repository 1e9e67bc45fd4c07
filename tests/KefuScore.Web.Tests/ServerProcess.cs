using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace KefuScore.Web.Tests;

/// <summary>
/// The real server as a child process (the built KefuScore.Web.dll beside the tests) on a free loopback port,
/// so that a test can kill it with SIGKILL and start it again on the same data.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", KefuServer.Key);
    }

    public int Port { get; }
    public HttpClient Client { get; }

    /// <summary>Whether the process has ended (a silo declared dead stops itself).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the server wrote, for a failure's message.</summary>
    public string Tail(int lines = 30) => string.Join("\n", Output.TakeLast(lines));

    /// <summary>What the server wrote to stdout and stderr so far, a line each.</summary>
    public IReadOnlyList<string> Output
    {
        get { lock (_output) return _output.ToList(); }
    }

    private readonly List<string> _output = [];

    /// <summary>
    /// Starts the server on <paramref name="dataFolder"/> (or PostgreSQL) and waits until /healthz answers; with
    /// <paramref name="generatedPassword"/> the first admin's password is left for the server to generate.
    /// </summary>
    public static async Task<ServerProcess> Start(string dataFolder, string? postgres, bool generatedPassword = false, IReadOnlyList<string>? extraArgs = null)
    {
        var port = FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "KefuScore.Web.dll");
        var info = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}", .. extraArgs ?? []])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataFolder,
        };
        info.Environment["KEFU_DATA"] = dataFolder;
        info.Environment["KEFU_BOOTSTRAP_API_KEY"] = KefuServer.Key;
        if (!generatedPassword) info.Environment["KEFU_ADMIN_PASSWORD"] = "kill-test-password";
        info.Environment["KEFU_DEMO"] = "off";
        if (postgres is not null) info.Environment["ConnectionStrings__Kefu"] = postgres;
        var process = Process.Start(info) ?? throw new InvalidOperationException("the server did not start");
        var server = new ServerProcess(process, port);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line) lock (server._output) server._output.Add(line);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line) lock (server._output) server._output.Add(line);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(extraArgs is null ? 90 : 180);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"the server exited with {process.ExitCode} while starting:\n{server.Tail()}");
            try
            {
                var health = await server.Client.GetAsync("/healthz");
                if (health.StatusCode == HttpStatusCode.OK) return server;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        server.Dispose();
        throw new TimeoutException("the server did not answer /healthz within 90 s");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing; what was acknowledged must already be durable.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM: the server shuts down in order (a cluster silo leaves the cluster and hands its grains over).</summary>
    public void Stop()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(60))) Kill();
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
        Client.Dispose();
    }
}
