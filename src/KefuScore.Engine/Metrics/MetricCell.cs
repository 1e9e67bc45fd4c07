using System.Runtime.CompilerServices;

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
    /// <summary>Inline, not an array of its own: a reply's fact then touches the cell's lines only (§70).</summary>
    public ReplyCounts Buckets;

    public readonly bool IsEmpty => Numerator == 0 && Denominator == 0 && SumTicks == 0 && Count == 0;

    public readonly bool HasBuckets => ((ReadOnlySpan<long>)Buckets).IndexOfAnyExcept(0L) >= 0;

    public void Add(in MetricFact fact)
    {
        Numerator += fact.Numerator;
        Denominator += fact.Denominator;
        SumTicks += fact.SumTicks;
        Count += fact.Count;
        if (fact.Bucket >= 0) Buckets[fact.Bucket]++;
    }

    public void Add(in MetricCell other)
    {
        Numerator += other.Numerator;
        Denominator += other.Denominator;
        SumTicks += other.SumTicks;
        Count += other.Count;
        for (var i = 0; i < ReplyCounts.Length; i++) Buckets[i] += other.Buckets[i];
    }

    public readonly double? Rate => Denominator == 0 ? null : (double)Numerator / Denominator;
    public readonly double? Average => Count == 0 ? null : SumTicks / (double)TimeSpan.TicksPerSecond / Count;
    public readonly double SumSeconds => SumTicks / (double)TimeSpan.TicksPerSecond;
}

/// <summary>Facts per <see cref="ReplyBuckets"/> bucket, held inside the <see cref="MetricCell"/>.</summary>
[InlineArray(Length)]
public struct ReplyCounts
{
    public const int Length = 14;
    private long _first;
}
