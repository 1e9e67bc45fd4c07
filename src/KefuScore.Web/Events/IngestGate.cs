using System.Globalization;

namespace KefuScore.Web.Events;

/// <summary>
/// The bound on a process's ingestion queue: events admitted for storage and not yet committed. Past it a push is
/// answered 503 with <c>Retry-After</c> at once, instead of queueing behind the store's group commit until Orleans'
/// 30 s response timeout (or the client's) turns it into a 5xx after the work was queued anyway (docs/decisions.md §48).
/// One gate a process: on a silo it bounds what the silo's shop grains write, whichever silo the pushes came through.
/// </summary>
internal sealed class IngestGate
{
    /// <summary>Default bound: ten requests of 5,000 events, a few seconds of a silo's commits.</summary>
    public const int DefaultMaxQueuedEvents = 50_000;

    /// <summary>Longest <c>Retry-After</c> the gate asks for, in seconds.</summary>
    public const int MaxRetrySeconds = 30;

    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(5);

    private readonly TimeProvider _clock;
    private readonly Lock _rateLock = new();
    private long _queued;
    private long _rejected;
    // Events committed in the current window and the rate of the last full one: Retry-After is the queue's drain time.
    private long _doneInWindow;
    private long _windowStart;
    private double _rate;

    public IngestGate(int maxQueuedEvents, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxQueuedEvents, 1);
        (MaxQueuedEvents, _clock) = (maxQueuedEvents, clock);
        _windowStart = clock.GetTimestamp();
    }

    /// <summary>The bound from <c>Kefu:Ingest:MaxQueuedEvents</c> (a positive whole number), else the default.</summary>
    public static IngestGate From(IConfiguration config, TimeProvider clock) =>
        new(int.TryParse(config["Kefu:Ingest:MaxQueuedEvents"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : DefaultMaxQueuedEvents, clock);

    public int MaxQueuedEvents { get; }

    /// <summary>Events admitted and not yet committed (or failed).</summary>
    public long Queued => Volatile.Read(ref _queued);

    /// <summary>Pushes (or shops' parts of them) refused since the start.</summary>
    public long Rejected => Volatile.Read(ref _rejected);

    /// <summary>True when nothing more can be admitted: checked before reading a body, so a full server does not parse it.</summary>
    public bool Full => Queued >= MaxQueuedEvents;

    /// <summary>
    /// Admits <paramref name="events"/> unless the queue would pass its bound. A push larger than the whole bound is
    /// admitted when the queue is empty, so no push the body limit lets through is refused for ever.
    /// </summary>
    public bool TryEnter(int events, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Ticket? ticket)
    {
        while (true)
        {
            var queued = Volatile.Read(ref _queued);
            if (queued > 0 && queued + events > MaxQueuedEvents)
            {
                Interlocked.Increment(ref _rejected);
                ticket = null;
                return false;
            }
            if (Interlocked.CompareExchange(ref _queued, queued + events, queued) == queued)
            {
                ticket = new Ticket(this, events);
                return true;
            }
        }
    }

    /// <summary>Seconds a refused client should wait: the queue over the recent commit rate, 1 to <see cref="MaxRetrySeconds"/>.</summary>
    public int RetryAfterSeconds()
    {
        double rate;
        lock (_rateLock)
        {
            Roll();
            rate = _rate;
        }
        // No commit measured yet (a first burst): ask for a short wait rather than guess a rate.
        if (rate <= 0) return 2;
        return (int)Math.Clamp(Math.Ceiling(Queued / rate), 1, MaxRetrySeconds);
    }

    private void Exit(int events, bool committed)
    {
        Interlocked.Add(ref _queued, -events);
        if (!committed) return;
        lock (_rateLock)
        {
            Roll();
            _doneInWindow += events;
        }
    }

    private void Roll()
    {
        var elapsed = _clock.GetElapsedTime(_windowStart);
        if (elapsed < RateWindow) return;
        _rate = _doneInWindow / elapsed.TotalSeconds;
        _doneInWindow = 0;
        _windowStart = _clock.GetTimestamp();
    }

    /// <summary>An admission; <see cref="Done"/> (after the commit) or <see cref="Dispose"/> (on failure) gives the room back once.</summary>
    internal sealed class Ticket(IngestGate gate, int events) : IDisposable
    {
        private int _released;

        /// <summary>The events were committed: they count towards the rate that <c>Retry-After</c> is computed from.</summary>
        public void Done() => Release(committed: true);

        public void Dispose() => Release(committed: false);

        private void Release(bool committed)
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Exit(events, committed);
        }
    }

    /// <summary>503 with <c>Retry-After</c>: this gate refused a push.</summary>
    public IResult Busy(HttpContext http) => Busy(http, RetryAfterSeconds(),
        $"the server is busy: {Queued:N0} events are waiting to be stored (at most {MaxQueuedEvents:N0})");

    /// <summary>503 with <c>Retry-After</c> in whole seconds and one sentence saying why and what to do.</summary>
    public static IResult Busy(HttpContext http, int seconds, string why)
    {
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Results.Json(new ApiError($"{why}; send the same request again after {seconds} s"), statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
