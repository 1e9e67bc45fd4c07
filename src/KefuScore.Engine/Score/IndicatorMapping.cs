namespace KefuScore.Engine.Score;

/// <summary>
/// How a sub-indicator's value becomes a 0–100 score. The platforms do not publish it (research §1.5), so it is
/// pluggable: piecewise-linear bands, or the shop's percentile against an industry table.
/// </summary>
public abstract record IndicatorMapping
{
    /// <summary>True when a larger value is better (a reply rate); false for a negative-review rate.</summary>
    public required bool HigherIsBetter { get; init; }

    public abstract double Score(double value, string industry);

    /// <summary>Linear interpolation through sorted (x, y) points, flat beyond the ends.</summary>
    protected static double Interpolate(IReadOnlyList<(double X, double Y)> points, double x)
    {
        if (x <= points[0].X) return points[0].Y;
        for (var i = 1; i < points.Count; i++)
        {
            if (x <= points[i].X)
            {
                var (x0, y0) = points[i - 1];
                var (x1, y1) = points[i];
                return x1 == x0 ? y1 : y0 + (y1 - y0) * (x - x0) / (x1 - x0);
            }
        }
        return points[^1].Y;
    }
}

/// <summary>Piecewise-linear bands: value → score points, e.g. reply rate 0.5 → 0, 0.8 → 60, 0.95 → 90, 1 → 100.</summary>
public sealed record BandsMapping(IReadOnlyList<(double Value, double Score)> Points) : IndicatorMapping
{
    public override double Score(double value, string industry) => Math.Clamp(Interpolate(Points, value), 0, 100);
}

/// <summary>
/// Percentile against peers: per industry, the indicator values at known percentiles of shops (sorted by value).
/// The score is the share of peers the shop does better than, in percent: with a negative-review rate the
/// share of peers with a higher rate.
/// </summary>
public sealed record PercentileMapping(IReadOnlyDictionary<string, IReadOnlyList<(double Value, double Percentile)>> Tables) : IndicatorMapping
{
    public override double Score(double value, string industry)
    {
        var table = Tables.TryGetValue(industry, out var t) ? t : Tables[ScoreVersion.DefaultIndustry];
        var below = Interpolate(table, value); // share of peers with a value at or below this one
        return Math.Clamp(HigherIsBetter ? below : 100 - below, 0, 100);
    }
}
