namespace KefuScore.Engine.Score;

/// <summary>One sub-indicator in a score: its value over the window and the 0–100 score it maps to.</summary>
public sealed record IndicatorScore(IndicatorSpec Spec, double? Value, double? Score);

/// <summary>A dimension's score (0–100, null without any indicator value), its weight and its indicators.</summary>
public sealed record DimensionScore(string Dimension, double? Score, double Weight, IReadOnlyList<IndicatorScore> Indicators, string? Note);

/// <summary>The experience score of one shop over one window under one version and industry.</summary>
public sealed record ScoreResult(string Version, string Industry, DateOnly From, DateOnly To, double? Total, double ScaleMin, double ScaleMax, IReadOnlyList<DimensionScore> Dimensions)
{
    public DimensionScore Dimension(string id) => Dimensions.Single(d => d.Dimension == id);
}

/// <summary>What-if replacements: a dimension's score (<c>service=65</c>) or an indicator's value (<c>reply_rate_3min=0.95</c>).</summary>
public sealed record WhatIf(IReadOnlyDictionary<string, double> Dimensions, IReadOnlyDictionary<string, double> Indicators)
{
    public static WhatIf None { get; } = new(new Dictionary<string, double>(), new Dictionary<string, double>());
}

/// <summary>
/// indicators → scores → dimensions → total (SPEC §5.4). Pure: the same values give the same score.
/// </summary>
public static class ScoreCalculator
{
    /// <summary>The window of a version ending on <paramref name="to"/>: the last <c>window_days</c> local days.</summary>
    public static (DateOnly From, DateOnly To) Window(ScoreVersion version, DateOnly to) => (to.AddDays(1 - version.WindowDays), to);

    public static ScoreResult Compute(ScoreModel model, ScoreVersion version, string industry, DateOnly from, DateOnly to,
        IReadOnlyDictionary<string, double?> values, WhatIf? whatIf = null)
    {
        whatIf ??= WhatIf.None;
        var weights = WeightsFor(version, industry);
        var dims = new List<DimensionScore>();
        var scores = new Dictionary<string, double?>(StringComparer.Ordinal);
        var effective = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var spec in model.Indicators)
            effective[spec.Id] = whatIf.Indicators.TryGetValue(spec.Id, out var forced) ? forced : values.GetValueOrDefault(spec.Id);

        foreach (var dimension in Dimensions.All)
        {
            var indicators = new List<IndicatorScore>();
            double sum = 0, weight = 0;
            foreach (var spec in model.Indicators.Where(i => i.Dimension == dimension))
            {
                var value = effective[spec.Id];
                double? score = value is { } v ? spec.Mapping.Score(v, industry) : null;
                indicators.Add(new IndicatorScore(spec, value, score));
                if (score is { } s) { sum += spec.Weight * s; weight += spec.Weight; }
            }
            double? dimScore = weight > 0 ? sum / weight : null;
            string? note = null;
            if (whatIf.Dimensions.TryGetValue(dimension, out var forcedDim)) { dimScore = forcedDim; note = "what-if"; }
            foreach (var floor in version.Floors.Where(f => f.Dimension == dimension && to >= f.From))
            {
                if (dimScore is { } d && d < floor.AtLeast && floor.When.All(w => StandardMet(version, w, effective)))
                {
                    dimScore = floor.AtLeast;
                    note = $"raised to {floor.AtLeast:0.##} from {d:0.##}: {string.Join(" + ", floor.When)} met (from {floor.From:yyyy-MM-dd})";
                }
            }
            dims.Add(new DimensionScore(dimension, dimScore, weights.GetValueOrDefault(dimension), indicators, note));
        }

        double total = 0, totalWeight = 0;
        foreach (var d in dims)
            if (d.Score is { } s) { total += d.Weight * s; totalWeight += d.Weight; }
        double? result = totalWeight > 0 ? ToScale(version, total / totalWeight) : null;
        return new ScoreResult(version.Id, industry, from, to, result, version.ScaleMin, version.ScaleMax, dims);
    }

    /// <summary>Whether every condition of a named standard holds; a condition on a missing value does not.</summary>
    public static bool StandardMet(ScoreVersion version, string standard, IReadOnlyDictionary<string, double?> values) =>
        version.Standards.TryGetValue(standard, out var conditions)
        && conditions.All(c => values.GetValueOrDefault(c.Indicator) is { } v && c.Holds(v));

    public static IReadOnlyDictionary<string, double> WeightsFor(ScoreVersion version, string industry) =>
        version.Weights.TryGetValue(industry, out var w) ? w : version.Weights[ScoreVersion.DefaultIndustry];

    private static double ToScale(ScoreVersion v, double weighted) => v.Total switch
    {
        TotalMapping.Linear => v.ScaleMin + (v.ScaleMax - v.ScaleMin) * Math.Clamp(weighted, 0, 100) / 100,
        _ => Math.Clamp(weighted, v.ScaleMin, v.ScaleMax),
    };
}
