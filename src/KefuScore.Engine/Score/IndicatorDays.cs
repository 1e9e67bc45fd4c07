using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;

namespace KefuScore.Engine.Score;

/// <summary>
/// Additive daily state of every sub-indicator, per shop: numerator and denominator (for averages, the summed
/// value and the count), and per driver ("agent:a1", "hour:10", "order:o7", "category:logistics") the bad part:
/// missed items of a rate where more is better, counted items of a rate where less is better, summed values of an
/// average. Windows are sums of days, so any window, shop group or node merges by adding.
/// </summary>
public sealed class IndicatorDays
{
    private readonly record struct TotalKey(string Shop, DateOnly Date, string Indicator);
    private readonly record struct DriverKey(string Shop, DateOnly Date, string Indicator, string Driver);

    // Decimal sums: values converted once from double add exactly, so any input order gives the same sums.
    private readonly Dictionary<TotalKey, (decimal Numerator, decimal Denominator)> _totals = [];
    private readonly Dictionary<DriverKey, decimal> _drivers = [];

    public IEnumerable<string> Shops => _totals.Keys.Select(k => k.Shop).Distinct().Order(StringComparer.Ordinal);

    public IEnumerable<DateOnly> Dates(string shop) => _totals.Keys.Where(k => k.Shop == shop).Select(k => k.Date).Distinct().Order();

    public void Add(string shop, DateOnly date, string indicator, double numerator, double denominator)
    {
        var key = new TotalKey(shop, date, indicator);
        _totals.TryGetValue(key, out var cell);
        _totals[key] = (cell.Numerator + (decimal)numerator, cell.Denominator + (decimal)denominator);
    }

    public void AddDriver(string shop, DateOnly date, string indicator, string driver, double bad)
    {
        if (bad == 0) return;
        var key = new DriverKey(shop, date, indicator, driver);
        _drivers[key] = _drivers.GetValueOrDefault(key) + (decimal)bad;
    }

    public void Merge(IndicatorDays other, Func<string, DateOnly, bool>? keep = null)
    {
        foreach (var (k, v) in other._totals)
        {
            if (keep is not null && !keep(k.Shop, k.Date)) continue;
            _totals.TryGetValue(k, out var cell);
            _totals[k] = (cell.Numerator + v.Numerator, cell.Denominator + v.Denominator);
        }
        foreach (var (k, v) in other._drivers)
            if (keep is null || keep(k.Shop, k.Date)) _drivers[k] = _drivers.GetValueOrDefault(k) + v;
    }

    /// <summary>Every indicator of a shop summed over [from, to] (local dates, inclusive).</summary>
    public IndicatorWindow Window(string shop, DateOnly from, DateOnly to)
    {
        var sums = new Dictionary<string, (decimal, decimal)>(StringComparer.Ordinal);
        foreach (var (k, v) in _totals)
        {
            if (k.Shop != shop || k.Date < from || k.Date > to) continue;
            sums.TryGetValue(k.Indicator, out var cell);
            sums[k.Indicator] = (cell.Item1 + v.Numerator, cell.Item2 + v.Denominator);
        }
        var parts = new Dictionary<string, Dictionary<string, decimal>>(StringComparer.Ordinal);
        foreach (var (k, v) in _drivers)
        {
            if (k.Shop != shop || k.Date < from || k.Date > to) continue;
            if (!parts.TryGetValue(k.Indicator, out var map)) parts[k.Indicator] = map = new(StringComparer.Ordinal);
            map[k.Driver] = map.GetValueOrDefault(k.Driver) + v;
        }
        var totals = sums.ToDictionary(x => x.Key, x => ((double)x.Value.Item1, (double)x.Value.Item2), StringComparer.Ordinal);
        var drivers = parts.ToDictionary(x => x.Key, x => x.Value.ToDictionary(d => d.Key, d => (double)d.Value, StringComparer.Ordinal), StringComparer.Ordinal);
        return new IndicatorWindow(from, to, totals, drivers);
    }

    /// <summary>
    /// Adds the profile's chat metrics that score indicators read, from an hourly rollup: totals per day, and
    /// drivers per agent and per local hour.
    /// </summary>
    public void AddMetrics(CompiledProfile profile, ScoreModel model, Rollup rollup)
    {
        var wanted = model.Indicators.Where(i => i.Source == IndicatorSource.Metric && profile.MetricIndex.ContainsKey(i.From))
            .Select(i => (Spec: i, Index: profile.MetricIndex[i.From], Metric: profile.Metrics[profile.MetricIndex[i.From]])).ToList();
        foreach (var (key, cells) in rollup.Rows)
        {
            var date = LocalClock.DateOfHour(key.Hour);
            foreach (var (spec, index, metric) in wanted)
            {
                var cell = cells[index];
                if (cell.IsEmpty) continue;
                var (n, d, bad) = metric.Shape switch
                {
                    MetricShape.Rate => ((double)cell.Numerator, (double)cell.Denominator,
                        spec.Mapping.HigherIsBetter ? cell.Denominator - cell.Numerator : (double)cell.Numerator),
                    MetricShape.Average => (cell.SumSeconds, (double)cell.Count, cell.SumSeconds),
                    _ => ((double)cell.Count, 1.0, (double)cell.Count),
                };
                Add(key.Shop, date, spec.Id, n, d);
                AddDriver(key.Shop, date, spec.Id, "agent:" + (key.Agent.Length == 0 ? "(none)" : key.Agent), bad);
                if (rollup.HoursPerRow == 1) AddDriver(key.Shop, date, spec.Id, $"hour:{key.Hour % 24:00}", bad);
            }
        }
    }
}

/// <summary>Indicator sums over one window: value = numerator ÷ denominator; drivers' bad parts.</summary>
public sealed record IndicatorWindow(
    DateOnly From, DateOnly To,
    IReadOnlyDictionary<string, (double Numerator, double Denominator)> Totals,
    IReadOnlyDictionary<string, Dictionary<string, double>> Drivers)
{
    public double? Value(string indicator) =>
        Totals.TryGetValue(indicator, out var c) && c.Denominator > 0 ? c.Numerator / c.Denominator : null;

    /// <summary>Every indicator of the model with its value (null: nothing to divide in this window).</summary>
    public Dictionary<string, double?> Values(ScoreModel model) =>
        model.Indicators.ToDictionary(i => i.Id, i => Value(i.Id), StringComparer.Ordinal);

    /// <summary>A driver's part of the indicator: its bad amount ÷ the window's denominator.</summary>
    public IReadOnlyDictionary<string, double> Parts(string indicator)
    {
        if (!Drivers.TryGetValue(indicator, out var map) || !Totals.TryGetValue(indicator, out var t) || t.Denominator <= 0)
            return new Dictionary<string, double>();
        return map.ToDictionary(x => x.Key, x => x.Value / t.Denominator, StringComparer.Ordinal);
    }
}
