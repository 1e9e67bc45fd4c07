namespace KefuScore.Engine.Staffing;

/// <summary>
/// The M/M/N queue (Erlang C): Poisson arrivals, exponential handling, N servers, an unlimited FIFO queue and
/// customers who never give up. Computed through the Erlang B recursion, never with factorials or powers, so it
/// stays finite for thousands of servers.
/// </summary>
public static class ErlangC
{
    /// <summary>
    /// Erlang B, the blocking probability of N servers with no queue: B(0) = 1,
    /// B(k) = A·B(k−1) / (k + A·B(k−1)). Every step lies in (0, 1], so nothing overflows.
    /// </summary>
    public static double ErlangB(int servers, double erlangs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(servers);
        ArgumentOutOfRangeException.ThrowIfNegative(erlangs);
        var b = 1.0;
        for (var k = 1; k <= servers; k++) b = erlangs * b / (k + erlangs * b);
        return b;
    }

    /// <summary>
    /// Probability that an arriving contact has to wait, C(N, A) = N·B / (N − A·(1 − B)); 1 when N ≤ A (the queue
    /// grows without bound).
    /// </summary>
    public static double WaitProbability(int servers, double erlangs)
    {
        if (servers <= erlangs) return 1.0;
        var b = ErlangB(servers, erlangs);
        return servers * b / (servers - erlangs * (1 - b));
    }

    /// <summary>Share answered within <paramref name="withinSeconds"/>: 1 − C·e^(−(N−A)·t/AHT); 0 when N ≤ A.</summary>
    public static double ServiceLevel(int servers, double erlangs, double handleSeconds, double withinSeconds)
    {
        if (servers <= erlangs) return 0.0;
        var c = WaitProbability(servers, erlangs);
        return 1 - c * Math.Exp(-(servers - erlangs) * withinSeconds / handleSeconds);
    }

    /// <summary>Average speed of answer, the mean wait over all contacts: C·AHT / (N − A); infinite when N ≤ A.</summary>
    public static double AverageSpeedOfAnswer(int servers, double erlangs, double handleSeconds) =>
        servers <= erlangs ? double.PositiveInfinity : WaitProbability(servers, erlangs) * handleSeconds / (servers - erlangs);

    /// <summary>Every measure of N servers at once.</summary>
    public static QueueOutcome Evaluate(int servers, double erlangs, double handleSeconds, double withinSeconds) => new(
        WaitProbability(servers, erlangs),
        ServiceLevel(servers, erlangs, handleSeconds, withinSeconds),
        AverageSpeedOfAnswer(servers, erlangs, handleSeconds),
        Math.Min(1.0, erlangs / servers),
        AbandonProbability: null);
}
