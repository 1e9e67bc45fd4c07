namespace KefuScore.Engine.Metrics;

/// <summary>Where a rollup row sits: shop, agent ("" for facts no agent earned) and local hour.</summary>
public readonly record struct RollupKey(string Shop, string Agent, int Hour);

/// <summary>
/// 汇总: the engine's additive rollups per shop, agent and local hour, one <see cref="MetricCell"/> per metric.
/// Days, ISO weeks, months and rolling windows are sums of hours; two rollups merge by adding.
/// </summary>
/// <param name="agents">
/// False: every fact lands in its shop's row (agent ""), as if no agent had earned it. A shop's figures are the sum of
/// its rows whatever their agent, so they are the same; a report without agents needs nothing more, and on 20,000 shops
/// with 141,606 (shop, agent, day) triples the rows are about four times fewer.
/// </param>
public sealed class Rollup(int metricCount, int hoursPerRow = 1, bool agents = true)
{
    /// <summary>
    /// A rollup with one row per local day instead of per hour: what a report needs, 24 times fewer rows, so a
    /// year of events costs a year of days, not of hours.
    /// </summary>
    public static Rollup Daily(int metricCount, bool agents = true) => new(metricCount, 24, agents);

    /// <summary>1 (hourly rows) or 24 (daily rows, keyed by the day's first hour).</summary>
    public int HoursPerRow { get; } = hoursPerRow is 1 or 24 ? hoursPerRow : throw new ArgumentOutOfRangeException(nameof(hoursPerRow), "1 or 24");

    /// <summary>Whether rows are kept per agent; false: per shop only (every key's agent is "").</summary>
    public bool Agents { get; } = agents;

    private readonly Dictionary<RollupKey, MetricCell[]> _rows = [];
    private RollupKey _lastKey;
    private MetricCell[]? _lastRow;

    public int MetricCount { get; } = metricCount;
    public int RowCount => _rows.Count;
    public IEnumerable<KeyValuePair<RollupKey, MetricCell[]>> Rows => _rows;

    public void Add(in MetricFact fact)
    {
        var key = KeyOf(new RollupKey(fact.Shop, fact.Agent ?? "", fact.Hour));
        // Facts come in runs for the same row; skip the hash lookup for those.
        if (_lastRow is null || !key.Equals(_lastKey))
        {
            if (!_rows.TryGetValue(key, out var row))
            {
                row = new MetricCell[MetricCount];
                _rows.Add(key, row);
            }
            _lastKey = key;
            _lastRow = row;
        }
        _lastRow[fact.Metric].Add(fact);
    }

    /// <summary>The row a key's facts land in here: its day's first hour in daily rows, its shop's row without agents.</summary>
    private RollupKey KeyOf(RollupKey key)
    {
        if (HoursPerRow != 1) key = key with { Hour = key.Hour - key.Hour % 24 };
        return Agents || key.Agent.Length == 0 ? key : key with { Agent = "" };
    }

    /// <summary>Adds an already summed cell (e.g. facts grouped by a database) to one metric of a row.</summary>
    public void Add(RollupKey key, int metric, in MetricCell cell)
    {
        key = KeyOf(key);
        if (!_rows.TryGetValue(key, out var row))
        {
            row = new MetricCell[MetricCount];
            _rows.Add(key, row);
        }
        row[metric].Add(cell);
        _lastRow = null;
    }

    /// <summary>
    /// Adds a whole row of cells (one per metric), taking over their bucket arrays instead of copying them: the caller
    /// gives the cells up (<see cref="FactSums.AddTo"/> empties itself). One lookup per row, not per metric.
    /// </summary>
    internal void AddTaken(RollupKey key, ReadOnlySpan<MetricCell> cells)
    {
        key = KeyOf(key);
        ref var row = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_rows, key, out var exists);
        if (!exists) row = cells.ToArray();
        else for (var i = 0; i < cells.Length; i++) row![i].Add(cells[i]);
        _lastRow = null;
    }

    public void AddRange(IEnumerable<MetricFact> facts)
    {
        foreach (var f in facts) Add(f);
    }

    /// <summary>Adds another rollup's rows into this one.</summary>
    public void Merge(Rollup other)
    {
        if (other.MetricCount != MetricCount) throw new ArgumentException("rollups of different profiles cannot merge", nameof(other));
        if (other.HoursPerRow != HoursPerRow) throw new ArgumentException("hourly and daily rollups cannot merge", nameof(other));
        if (Agents && !other.Agents) throw new ArgumentException("a rollup kept per shop cannot merge into one kept per agent: its agents' rows would be short", nameof(other));
        foreach (var (otherKey, cells) in other._rows)
        {
            var key = KeyOf(otherKey);
            if (!_rows.TryGetValue(key, out var row))
            {
                row = new MetricCell[MetricCount];
                _rows.Add(key, row);
            }
            for (var i = 0; i < cells.Length; i++) row[i].Add(cells[i]);
        }
        _lastRow = null;
    }

    public IEnumerable<string> Shops => _rows.Keys.Select(k => k.Shop).Distinct().Order(StringComparer.Ordinal);

    /// <summary>Whether two rollups hold exactly the same numbers (for tests and cross-checks).</summary>
    public bool SameAs(Rollup other)
    {
        var a = Normalised();
        var b = other.Normalised();
        if (a.Count != b.Count) return false;
        foreach (var (key, cells) in a)
        {
            if (!b.TryGetValue(key, out var o)) return false;
            for (var i = 0; i < cells.Length; i++)
            {
                var x = cells[i];
                var y = o[i];
                if (x.Numerator != y.Numerator || x.Denominator != y.Denominator || x.SumTicks != y.SumTicks || x.Count != y.Count) return false;
                if (!(x.Buckets ?? new long[ReplyBuckets.Count]).SequenceEqual(y.Buckets ?? new long[ReplyBuckets.Count])) return false;
            }
        }
        return true;
    }

    private Dictionary<RollupKey, MetricCell[]> Normalised() =>
        _rows.Where(r => r.Value.Any(c => !c.IsEmpty)).ToDictionary(r => r.Key, r => r.Value);
}
