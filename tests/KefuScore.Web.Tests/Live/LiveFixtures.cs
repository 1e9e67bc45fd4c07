using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace KefuScore.Web.Tests.Live;

/// <summary>The server on a fake clock (starting 2026-11-20 09:00 +08:00); webhooks: 3 attempts, the first retry after 1 s.</summary>
public sealed class FakeClockServer : KefuServer
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.Parse("2026-11-20T09:00:00+08:00", CultureInfo.InvariantCulture));

    private int _day;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("KEFU_WEBHOOK_ATTEMPTS", "3");
        builder.UseSetting("KEFU_WEBHOOK_FIRST_RETRY_MS", "1000");
        // The receivers listen on 127.0.0.1: allowed here explicitly, as an operator would allow an internal host.
        builder.UseSetting("Kefu:Webhooks:AllowedHosts", "127.0.0.1");
        builder.ConfigureServices(s => s.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>Moves the clock to 09:00 of a day no other test used, and returns that date ("2026-11-21", …).</summary>
    public string NextDay()
    {
        var date = new DateOnly(2026, 11, 21).AddDays(Interlocked.Increment(ref _day));
        Clock.SetUtcNow(new DateTimeOffset(date.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8)));
        return date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    public void At(string date, string time) =>
        Clock.SetUtcNow(DateTimeOffset.Parse($"{date}T{time}+08:00", CultureInfo.InvariantCulture));
}

/// <summary>
/// A webhook receiver on loopback: checks each request's HMAC-SHA256 signature against the secret, answers 500 to the
/// first <see cref="FailFirst"/> requests, and keeps what it received.
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private int _requests;

    public WebhookReceiver()
    {
        var port = ServerProcess.FreePort();
        Url = $"http://127.0.0.1:{port}/hook/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(Loop);
    }

    public string Url { get; }
    public string Secret { get; set; } = "";
    public int FailFirst { get; set; }
    /// <summary>The reason phrase and body of a failing answer (what a dead letter must not repeat).</summary>
    public string FailText { get; set; } = "";
    /// <summary>Called at each request (e.g. to read a fake clock).</summary>
    public Func<DateTimeOffset>? Now { get; set; }

    public sealed record Received(string Body, string Signature, string Timestamp, bool SignatureValid, int Status, DateTimeOffset At);

    public ConcurrentQueue<Received> All { get; } = new();

    public IEnumerable<Received> Accepted => All.Where(r => r.Status == 200);

    private async Task Loop()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            using var body = new MemoryStream();
            await ctx.Request.InputStream.CopyToAsync(body);
            var bytes = body.ToArray();
            var signature = ctx.Request.Headers["X-Kefu-Signature"] ?? "";
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), bytes));
            var valid = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature), Encoding.ASCII.GetBytes(expected));
            var status = Interlocked.Increment(ref _requests) <= FailFirst ? 500 : valid ? 200 : 401;
            All.Enqueue(new Received(Encoding.UTF8.GetString(bytes), signature, ctx.Request.Headers["X-Kefu-Timestamp"] ?? "", valid, status, Now?.Invoke() ?? DateTimeOffset.UtcNow));
            ctx.Response.StatusCode = status;
            if (status != 200 && FailText.Length > 0)
            {
                ctx.Response.StatusDescription = FailText;
                var text = Encoding.UTF8.GetBytes(FailText);
                await ctx.Response.OutputStream.WriteAsync(text);
            }
            ctx.Response.Close();
        }
    }

    /// <summary>Waits (real time, at most 20 s) until <paramref name="done"/> holds, calling <paramref name="tick"/> between checks.</summary>
    public static async Task Until(Func<bool> done, Action? tick = null)
    {
        for (var i = 0; i < 2000 && !done(); i++)
        {
            await Task.Delay(10);
            tick?.Invoke();
        }
        Assert.True(done(), "the webhook receiver did not see what was expected within 20 s");
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
    }
}

/// <summary>A live monitor outside a server: its webhook dispatcher is never started and knows no target, so nothing is sent.</summary>
public static class StandaloneMonitor
{
    /// <param name="dispatcherDb">The dispatcher's database options; the monitor's own (<paramref name="monitorDb"/>) may carry interceptors.</param>
    public static KefuScore.Web.Live.LiveMonitor Create(TimeProvider clock, Microsoft.EntityFrameworkCore.DbContextOptions<KefuScore.App.Storage.KefuDb> dispatcherDb,
        Microsoft.EntityFrameworkCore.DbContextOptions<KefuScore.App.Storage.KefuDb> monitorDb)
    {
        var dispatcher = new KefuScore.Web.Live.WebhookDispatcher(clock, dispatcherDb, new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider(),
            new KefuScore.Web.Live.WebhookOptions(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<KefuScore.Web.Live.WebhookDispatcher>.Instance,
            new KefuScore.Web.Live.WebhookTargets([], (_, _) => Task.FromResult(Array.Empty<IPAddress>())));
        return new KefuScore.Web.Live.LiveMonitor(clock, monitorDb, dispatcher, Microsoft.Extensions.Logging.Abstractions.NullLogger<KefuScore.Web.Live.LiveMonitor>.Instance);
    }
}

/// <summary>What the live monitor's own tests (reloads, slots, listeners) build their cases from.</summary>
public static class LiveCases
{
    /// <summary>A customer's 在吗 in conversation c1, waiting for a reply since <paramref name="at"/>.</summary>
    public static KefuScore.Engine.Events.ChatEvent Waiting(string shop, string id, DateTimeOffset at) => new()
    {
        Type = KefuScore.Engine.Events.EventType.Message, Id = id, Shop = shop, Conversation = "c1", Customer = "buyer",
        Sender = KefuScore.Engine.Events.Sender.Customer, Kind = KefuScore.Engine.Events.MessageKind.Text, Text = "在吗", At = at,
    };
}

/// <summary>Counts the queries run through the database options it is added to; held ones wait until <see cref="Open"/>.</summary>
public sealed class CountedCommands(bool held = false) : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
{
    private readonly TaskCompletionSource _gate = NewGate(held);
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Open() => _gate.TrySetResult();

    private static TaskCompletionSource NewGate(bool held)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!held) gate.SetResult();
        return gate;
    }

    public override async ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(
        System.Data.Common.DbCommand command, Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData,
        Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        await _gate.Task;
        return result;
    }

    public override Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader> ReaderExecuting(
        System.Data.Common.DbCommand command, Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData,
        Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader> result)
    {
        Interlocked.Increment(ref _count);
        _gate.Task.Wait();
        return result;
    }
}
