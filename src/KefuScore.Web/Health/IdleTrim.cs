using System.Runtime.InteropServices;

namespace KefuScore.Web.Health;

/// <summary>
/// Gives memory back once a burst of work is over. After a peak the GC keeps the heap it grew into (issue 17's soak:
/// 72 MB live in 146 MB committed) and glibc keeps freed native blocks in its arenas, so the process stays at its
/// peak for hours on a server that is busy at 21:00 and idle at 03:00. When requests stop for <see cref="Quiet"/>
/// after some came in, one aggressive collection decommits the free heap and <c>malloc_trim</c> returns the arenas.
/// Only after activity: an idle server is not collected again and again.
/// </summary>
public sealed class IdleTrim(TimeProvider clock, ILogger<IdleTrim> log) : BackgroundService
{
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Check = TimeSpan.FromSeconds(5);

    private long _lastRequest = long.MinValue;
    private long _lastTrim = long.MinValue;

    /// <summary>How many times memory was trimmed since the start.</summary>
    public int Trims => Volatile.Read(ref _trims);
    private int _trims;

    /// <summary>Called for every request (a middleware): cheap, lock-free.</summary>
    public void Touch() => Interlocked.Exchange(ref _lastRequest, clock.GetTimestamp());

    /// <summary>True when requests came in since the last trim and none for <see cref="Quiet"/>.</summary>
    public static bool Due(long lastRequest, long lastTrim, long now, long quietTicks) =>
        lastRequest != long.MinValue && lastRequest > lastTrim && now - lastRequest >= quietTicks;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Check, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken)) Tick();
    }

    /// <summary>One check: trims when due. Returns whether it trimmed.</summary>
    public bool Tick()
    {
        var now = clock.GetTimestamp();
        var quietTicks = (long)(Quiet.TotalSeconds * clock.TimestampFrequency);
        if (!Due(Interlocked.Read(ref _lastRequest), _lastTrim, now, quietTicks)) return false;
        _lastTrim = now;
        var before = Environment.WorkingSet;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        TrimNative();
        Interlocked.Increment(ref _trims);
        if (log.IsEnabled(LogLevel.Information))
            log.LogInformation("Idle: memory trimmed from {Before} MiB to {After} MiB", before >> 20, Environment.WorkingSet >> 20);
        return true;
    }

    private static void TrimNative()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { _ = malloc_trim(0); }
        catch (EntryPointNotFoundException) { } // not glibc (musl): nothing to give back this way
        catch (DllNotFoundException) { }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);
}

public static class IdleTrimSetup
{
    public static IServiceCollection AddIdleTrim(this IServiceCollection services) =>
        services.AddSingleton<IdleTrim>().AddHostedService(sp => sp.GetRequiredService<IdleTrim>());

    public static IApplicationBuilder UseIdleTrim(this IApplicationBuilder app)
    {
        var trim = app.ApplicationServices.GetRequiredService<IdleTrim>();
        return app.Use((http, next) =>
        {
            trim.Touch();
            return next(http);
        });
    }
}
