using KefuScore.Engine.Simulation;

namespace KefuScore.Engine.Staffing;

/// <summary>
/// A discrete-event simulation of one interval's queue run long: Poisson arrivals, exponential handling,
/// agents × concurrency servers, one FIFO queue and, when a patience is given, customers who leave after an
/// exponential patience. It checks the Erlang formulas by brute force; seeded with <see cref="SimRandom"/>, so the
/// same options give the same figures.
/// </summary>
public static class QueueSimulation
{
    public static QueueRun Run(QueueSimulationOptions options)
    {
        options.Workload.Validate();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Agents);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Concurrency);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Arrivals);
        ArgumentOutOfRangeException.ThrowIfNegative(options.WarmUpArrivals);

        var random = new SimRandom(options.Seed);
        var servers = options.Agents * options.Concurrency;
        var meanGap = 1 / options.Workload.ArrivalRate;
        var handle = options.Workload.HandleSeconds;
        var within = options.WithinSeconds;
        var total = options.WarmUpArrivals + options.Arrivals;

        var completions = new PriorityQueue<double, double>(); // end times of the conversations being handled
        var waiting = new Queue<(double Arrived, double GivesUp, bool Counted)>();
        long arrived = 0, answered = 0, answeredWithin = 0, abandoned = 0, waited = 0;
        var waitOfAnswered = 0.0;
        var next = random.Exponential(meanGap);

        // A server takes a customer at `now`: its conversation ends an exponential handle time later.
        void Answer(double arrivedAt, double now, bool counted)
        {
            var end = now + random.Exponential(handle);
            completions.Enqueue(end, end);
            if (!counted) return;
            var wait = now - arrivedAt;
            answered++;
            waitOfAnswered += wait;
            if (wait <= within) answeredWithin++;
        }

        // Runs until every counted arrival is answered or gone; arrivals stop after the last counted one.
        while (arrived < total || waiting.Count > 0)
        {
            var completion = completions.TryPeek(out _, out var end) ? end : double.PositiveInfinity;
            if (arrived < total && next <= completion)
            {
                var now = next;
                var counted = arrived >= options.WarmUpArrivals;
                arrived++;
                next = now + random.Exponential(meanGap);
                if (completions.Count < servers)
                {
                    // A free server means an empty queue: servers take the next live customer the moment they free up.
                    Answer(now, now, counted);
                    continue;
                }
                if (counted) waited++;
                var givesUp = options.PatienceSeconds is { } patience ? now + random.Exponential(patience) : double.PositiveInfinity;
                waiting.Enqueue((now, givesUp, counted));
                continue;
            }

            var freed = completions.Dequeue();
            // The server takes the longest-waiting customer still there; those whose patience ran out left unserved.
            while (waiting.TryDequeue(out var customer))
            {
                if (customer.GivesUp < freed)
                {
                    if (customer.Counted) abandoned++;
                    continue;
                }
                Answer(customer.Arrived, freed, customer.Counted);
                break;
            }
        }

        return new QueueRun(options.Arrivals, answered, answeredWithin, abandoned, waited, waitOfAnswered);
    }
}

/// <summary>The queue to simulate: a workload on agents × concurrency servers, counted after a warm-up.</summary>
public sealed record QueueSimulationOptions
{
    public required Workload Workload { get; init; }
    public required int Agents { get; init; }
    public int Concurrency { get; init; } = 1;
    public required double WithinSeconds { get; init; }
    public double? PatienceSeconds { get; init; }

    /// <summary>Arrivals counted in the results, after the warm-up.</summary>
    public long Arrivals { get; init; } = 200_000;

    /// <summary>Arrivals simulated first and not counted, so the queue starts from its usual state, not empty.</summary>
    public long WarmUpArrivals { get; init; } = 10_000;

    public ulong Seed { get; init; } = 1;
}

/// <summary>What a simulated run measured over its counted arrivals.</summary>
public readonly record struct QueueRun(long Arrivals, long Answered, long AnsweredWithin, long Abandoned, long Waited, double WaitOfAnsweredSeconds)
{
    /// <summary>Share of all counted arrivals answered within the target time.</summary>
    public double ServiceLevel => (double)AnsweredWithin / Arrivals;

    /// <summary>Mean wait of the answered.</summary>
    public double AsaSeconds => Answered == 0 ? double.PositiveInfinity : WaitOfAnsweredSeconds / Answered;

    public double AbandonProbability => (double)Abandoned / Arrivals;

    public double WaitProbability => (double)Waited / Arrivals;
}
