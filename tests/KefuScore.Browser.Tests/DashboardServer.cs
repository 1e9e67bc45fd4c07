using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KefuScore.Browser.Tests;

/// <summary>
/// The real server (<c>src/KefuScore.Web</c>'s build output, same configuration as the tests) on a free loopback port,
/// with a fresh data folder, the demo shop and a known admin password. Its console is kept for failure messages.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    public const string Admin = "admin";
    public const string Password = "browser-test-password";

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly string _data;

    private DashboardServer(Process process, string data, int port)
    {
        _process = process;
        _data = data;
        Address = $"http://127.0.0.1:{port}";
    }

    public string Address { get; }

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    public static async Task<DashboardServer> Start()
    {
        var dll = WebDll();
        var data = Path.Combine(Path.GetTempPath(), "kefu-browser-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.Environment["KEFU_DATA"] = data;
        info.Environment["KEFU_ADMIN_PASSWORD"] = Password;
        info.Environment["KEFU_DEMO"] = "on";
        var process = Process.Start(info) ?? throw new InvalidOperationException("the server did not start");
        var server = new DashboardServer(process, data, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"the server exited with {process.ExitCode} while starting:\n{server.Log}");
            try
            {
                if ((await http.GetAsync(server.Address + "/healthz")).StatusCode == HttpStatusCode.OK) return server;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        await server.DisposeAsync();
        throw new TimeoutException($"the server did not answer /healthz within 120 s:\n{server.Log}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    /// <summary>The Web project's own output (it holds the static-asset manifest the dashboard's styles and scripts need).</summary>
    private static string WebDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KefuScore.slnx"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("KefuScore.slnx not found above " + AppContext.BaseDirectory);
        var dll = Path.Combine(dir.FullName, "src", "KefuScore.Web", "bin", configuration, "net10.0", "KefuScore.Web.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("build the Web project first", dll);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(_data, recursive: true); }
        catch (IOException) { /* best effort: SQLite may still hold the file for a moment */ }
    }
}
