namespace KefuScore.Engine.Score;

/// <summary>How much one sub-indicator moved the score between two periods, and what drove its change.</summary>
public sealed record IndicatorContribution(
    IndicatorSpec Spec, double? Against, double? Value, double Contribution,
    IReadOnlyList<DriverChange> Drivers);

/// <summary>A driver's part of an indicator in each period (its bad amount ÷ the period's denominator) and the change.</summary>
public sealed record DriverChange(string Driver, double Against, double Value)
{
    public double Change => Value - Against;
    public string Family => Driver.Split(':', 2)[0];
}

/// <summary>The change in score between two windows, split over the sub-indicators so that the parts add up.</summary>
public sealed record Diagnosis(ScoreResult Against, ScoreResult Current, double Change, IReadOnlyList<IndicatorContribution> Indicators, double RuleChange);

/// <summary>
/// Splits a score change over the sub-indicators by Shapley values: each indicator's contribution is its average
/// marginal effect over every order of switching indicators from the earlier period's values to the later one's.
/// Contributions add up exactly to the change of the total whatever the mapping, clamps and floors (the total is
/// any function of the indicator values). Beyond 14 indicators it falls back to a sequential decomposition in
/// model order, which also adds up exactly. A change of rules between the two end dates (a floor that starts in
/// between) is its own term.
/// </summary>
public static class ScoreDiagnosis
{
    public static Diagnosis Diagnose(ScoreModel model, ScoreVersion version, string industry,
        IndicatorWindow against, IndicatorWindow current, int driversPerIndicator = 5)
    {
        var before = against.Values(model);
        var after = current.Values(model);
        var previous = ScoreCalculator.Compute(model, version, industry, against.From, against.To, before);
        var now = ScoreCalculator.Compute(model, version, industry, current.From, current.To, after);
        var contributions = Contributions(model, version, industry, current.From, current.To, before, after);
        // f evaluated at the later date with the earlier values, minus the earlier score: what the rules alone changed.
        var atLaterDate = ScoreCalculator.Compute(model, version, industry, current.From, current.To, before).Total ?? 0;
        var rule = atLaterDate - (previous.Total ?? 0);

        var rows = new List<IndicatorContribution>();
        foreach (var spec in model.Indicators)
        {
            var partsBefore = against.Parts(spec.Id);
            var partsAfter = current.Parts(spec.Id);
            var drivers = partsBefore.Keys.Union(partsAfter.Keys)
                .Select(k => new DriverChange(k, partsBefore.GetValueOrDefault(k), partsAfter.GetValueOrDefault(k)))
                .GroupBy(d => d.Family)
                .SelectMany(g => g.OrderByDescending(d => Math.Abs(d.Change)).ThenBy(d => d.Driver, StringComparer.Ordinal).Take(driversPerIndicator))
                .ToList();
            rows.Add(new IndicatorContribution(spec, before[spec.Id], after[spec.Id], contributions[spec.Id], drivers));
        }
        return new Diagnosis(previous, now, (now.Total ?? 0) - (previous.Total ?? 0), rows, rule);
    }

    /// <summary>Each indicator's part of f(after) − f(before), f being the total at the later window.</summary>
    public static Dictionary<string, double> Contributions(ScoreModel model, ScoreVersion version, string industry, DateOnly from, DateOnly to,
        IReadOnlyDictionary<string, double?> before, IReadOnlyDictionary<string, double?> after)
    {
        var ids = model.Indicators.Select(i => i.Id).ToList();
        var result = ids.ToDictionary(i => i, _ => 0.0, StringComparer.Ordinal);
        var moving = ids.Where(i => !Nullable.Equals(before.GetValueOrDefault(i), after.GetValueOrDefault(i))).ToList();
        var n = moving.Count;
        if (n == 0) return result;

        double F(int mask)
        {
            var values = new Dictionary<string, double?>(before, StringComparer.Ordinal);
            for (var k = 0; k < n; k++)
                if ((mask & (1 << k)) != 0) values[moving[k]] = after.GetValueOrDefault(moving[k]);
            return ScoreCalculator.Compute(model, version, industry, from, to, values).Total ?? 0;
        }

        if (n > 14)
        {
            var mask = 0;
            var prev = F(0);
            for (var k = 0; k < n; k++)
            {
                mask |= 1 << k;
                var next = F(mask);
                result[moving[k]] = next - prev;
                prev = next;
            }
            return result;
        }

        var f = new double[1 << n];
        for (var mask = 0; mask < f.Length; mask++) f[mask] = F(mask);
        var weight = new double[n];
        for (var s = 0; s < n; s++) weight[s] = Factorial(s) * Factorial(n - s - 1) / Factorial(n);
        for (var k = 0; k < n; k++)
        {
            double phi = 0;
            for (var mask = 0; mask < f.Length; mask++)
            {
                if ((mask & (1 << k)) != 0) continue;
                phi += weight[System.Numerics.BitOperations.PopCount((uint)mask)] * (f[mask | (1 << k)] - f[mask]);
            }
            result[moving[k]] = phi;
        }
        return result;
    }

    private static double Factorial(int n)
    {
        double r = 1;
        for (var i = 2; i <= n; i++) r *= i;
        return r;
    }
}
