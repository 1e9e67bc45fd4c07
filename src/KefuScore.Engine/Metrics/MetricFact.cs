namespace KefuScore.Engine.Metrics;

/// <summary>
/// One observation the engine draws from the events: a contribution to one metric of one shop, agent and
/// local hour. Facts only ever add, so any window, shop group or node merges by summing them.
/// Reply times are kept in ticks so that sums are exact whatever the order of addition.
/// </summary>
public readonly record struct MetricFact(
    string Shop,
    string? Agent,
    int Hour,
    int Metric,
    long Numerator,
    long Denominator,
    long SumTicks,
    long Count,
    sbyte Bucket);

/// <summary>
/// Fixed reply-time histogram buckets (upper bounds in seconds, inclusive), the same for every metric so that
/// distributions merge by adding. The last bucket is open.
/// </summary>
public static class ReplyBuckets
{
    public static readonly double[] UpperSeconds = [10, 20, 30, 60, 90, 120, 150, 180, 240, 300, 600, 1800, 3600, double.PositiveInfinity];

    public static int Count => UpperSeconds.Length;

    /// <summary>The bounds in ticks (whole seconds, so the same test as in seconds), compared without a division per reply.</summary>
    private static readonly long[] UpperTicks = [.. UpperSeconds.Select(s => double.IsPositiveInfinity(s) ? long.MaxValue : (long)s * TimeSpan.TicksPerSecond)];

    public static sbyte Of(long ticks)
    {
        for (var i = 0; i < UpperTicks.Length; i++)
            if (ticks <= UpperTicks[i]) return (sbyte)i;
        return (sbyte)(UpperTicks.Length - 1);
    }
}
