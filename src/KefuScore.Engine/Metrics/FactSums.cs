using System.Runtime.CompilerServices;

namespace KefuScore.Engine.Metrics;

/// <summary>
/// Facts summed per (shop, agent, rollup row) in flat arrays, for a fold whose facts carry interned names (one
/// instance per shop and agent, as <see cref="MetricFold"/> on rows gives them): a row is found by the instances'
/// identity hash, so adding a fact hashes no characters. Two instances of one name are two rows here; they become
/// one in <see cref="AddTo"/>, which adds every row into a <see cref="Rollup"/> by value, so the sums are exactly those
/// of <see cref="Rollup.Add(in MetricFact)"/>. Memory grows with distinct instances × rows, so facts whose names are
/// fresh strings belong in a <see cref="Rollup"/> directly.
/// </summary>
public sealed class FactSums(int metricCount, int hoursPerRow = 24)
{
    private static readonly object NoAgent = new();
    private readonly int _hoursPerRow = hoursPerRow is 1 or 24 ? hoursPerRow : throw new ArgumentOutOfRangeException(nameof(hoursPerRow), "1 or 24");
    private string?[] _shops = new string?[256];
    private object?[] _agents = new object?[256];
    private int[] _rowHours = new int[256];
    /// <summary>
    /// Cells by row in pages of <see cref="PageRows"/> rows: rows are added, never copied (one array doubled copied
    /// every shop-day row again at each growth on 20,000 shops, each old copy left on the large object heap).
    /// </summary>
    private MetricCell[][] _pages = new MetricCell[16][];
    private const int PageBits = 10, PageRows = 1 << PageBits;
    /// <summary>Open addressing, linear probing: row + 1, 0 empty.</summary>
    private int[] _table = new int[512];
    private int _count;

    public int MetricCount { get; } = metricCount;

    public void Add(in MetricFact fact)
    {
        var hour = _hoursPerRow == 1 ? fact.Hour : fact.Hour - fact.Hour % 24;
        object agent = fact.Agent ?? NoAgent;
        var hash = Hash(fact.Shop, agent, hour);
        var mask = _table.Length - 1;
        var i = hash & mask;
        int row;
        while (true)
        {
            var entry = _table[i];
            if (entry == 0)
            {
                row = NewRow(fact.Shop, agent, hour);
                break;
            }
            row = entry - 1;
            if (_rowHours[row] == hour && ReferenceEquals(_shops[row], fact.Shop) && ReferenceEquals(_agents[row], agent)) break;
            i = (i + 1) & mask;
        }
        _pages[row >> PageBits][(row & (PageRows - 1)) * MetricCount + fact.Metric].Add(fact);
    }

    /// <summary>
    /// Moves every row into <paramref name="rollup"/> (by value, so equal names from different instances merge) and
    /// leaves these sums empty: the cells' bucket arrays go to the rollup as they are, not copied.
    /// </summary>
    public void AddTo(Rollup rollup)
    {
        if (rollup.MetricCount != MetricCount) throw new ArgumentException("rollups of different profiles cannot merge", nameof(rollup));
        if (rollup.HoursPerRow != _hoursPerRow) throw new ArgumentException("hourly and daily rows cannot merge", nameof(rollup));
        for (var row = 0; row < _count; row++)
        {
            var key = new RollupKey(_shops[row]!, _agents[row] as string ?? "", _rowHours[row]);
            // Every metric, empty ones too: a row exists wherever a fact fell, as Rollup.Add makes it.
            rollup.AddTaken(key, _pages[row >> PageBits].AsSpan((row & (PageRows - 1)) * MetricCount, MetricCount));
        }
        foreach (var page in _pages) if (page is not null) Array.Clear(page);
        Array.Clear(_shops, 0, _count);
        Array.Clear(_agents, 0, _count);
        Array.Clear(_table);
        _count = 0;
    }

    private static int Hash(string shop, object agent, int hour)
    {
        var h = (uint)RuntimeHelpers.GetHashCode(shop) * 0x9E3779B1u;
        h = (h ^ (uint)RuntimeHelpers.GetHashCode(agent)) * 0x85EBCA77u;
        h = (h ^ (uint)hour) * 0xC2B2AE3Du;
        return (int)(h ^ (h >> 16));
    }

    private int NewRow(string shop, object agent, int hour)
    {
        if (_count == _shops.Length)
        {
            Array.Resize(ref _shops, _count * 2);
            Array.Resize(ref _agents, _count * 2);
            Array.Resize(ref _rowHours, _count * 2);
        }
        var row = _count++;
        if ((row & (PageRows - 1)) == 0)
        {
            if ((row >> PageBits) == _pages.Length) Array.Resize(ref _pages, _pages.Length * 2);
            _pages[row >> PageBits] ??= new MetricCell[PageRows * MetricCount];
        }
        _shops[row] = shop;
        _agents[row] = agent;
        _rowHours[row] = hour;
        if (_count * 2 > _table.Length)
        {
            _table = new int[_table.Length * 2];
            for (var r = 0; r < _count; r++) Place(r);
        }
        else Place(row);
        return row;
    }

    private void Place(int row)
    {
        var mask = _table.Length - 1;
        var i = Hash(_shops[row]!, _agents[row]!, _rowHours[row]) & mask;
        while (_table[i] != 0) i = (i + 1) & mask;
        _table[i] = row + 1;
    }
}
