namespace KefuScore.Engine.Metrics;

/// <summary>
/// The additive state of one metric over some set of facts: numerator and denominator for rates,
/// sum and count for averages (and plain counts), and the reply-time histogram.
/// </summary>
public struct MetricCell
{
    public long Numerator;
    public long Denominator;
    public long SumTicks;
    public long Count;
    public long[]? Buckets;

    public readonly bool IsEmpty => Numerator == 0 && Denominator == 0 && SumTicks == 0 && Count == 0;

    public void Add(in MetricFact fact)
    {
        Numerator += fact.Numerator;
        Denominator += fact.Denominator;
        SumTicks += fact.SumTicks;
        Count += fact.Count;
        if (fact.Bucket >= 0)
        {
            Buckets ??= new long[ReplyBuckets.Count];
            Buckets[fact.Bucket]++;
        }
    }

    public void Add(in MetricCell other)
    {
        Numerator += other.Numerator;
        Denominator += other.Denominator;
        SumTicks += other.SumTicks;
        Count += other.Count;
        if (other.Buckets is not null)
        {
            Buckets ??= new long[ReplyBuckets.Count];
            for (var i = 0; i < Buckets.Length; i++) Buckets[i] += other.Buckets[i];
        }
    }

    public readonly MetricCell Clone()
    {
        var copy = this;
        copy.Buckets = Buckets is null ? null : (long[])Buckets.Clone();
        return copy;
    }

    public readonly double? Rate => Denominator == 0 ? null : (double)Numerator / Denominator;
    public readonly double? Average => Count == 0 ? null : SumTicks / (double)TimeSpan.TicksPerSecond / Count;
    public readonly double SumSeconds => SumTicks / (double)TimeSpan.TicksPerSecond;
}
