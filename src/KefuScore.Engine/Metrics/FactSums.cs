using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace KefuScore.Engine.Metrics;

/// <summary>
/// Facts summed per (shop, agent, rollup row) in flat arrays, for a fold whose facts carry interned names (one
/// instance per shop and agent, as <see cref="MetricFold"/> on rows gives them): a row is found by the instances'
/// identity hash, so adding a fact hashes no characters. Two instances of one name are two rows here; they become
/// one in <see cref="AddTo"/>, which adds every row into a <see cref="Rollup"/> by value, so the sums are exactly those
/// of <see cref="Rollup.Add(in MetricFact)"/>. Memory grows with distinct instances × rows, so facts whose names are
/// fresh strings belong in a <see cref="Rollup"/> directly. Without <paramref name="agents"/>, facts are summed per shop
/// (as <see cref="Rollup.Agents"/>): the agent is neither hashed nor kept.
/// </summary>
public sealed class FactSums(int metricCount, int hoursPerRow = 24, bool agents = true)
{
    private readonly bool _agents = agents;
    private static readonly object NoAgent = new();
    private readonly int _hoursPerRow = hoursPerRow is 1 or 24 ? hoursPerRow : throw new ArgumentOutOfRangeException(nameof(hoursPerRow), "1 or 24");
    /// <summary>A row's key in one struct (one cache line to confirm a row, where three arrays were three) with its hash, so growing the table reads no name.</summary>
    private struct RowKey
    {
        public string? Shop;
        public object? Agent;
        public int Hour, Hash;
    }

    private RowKey[] _keys = new RowKey[256];
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

    public void Add(in MetricFact fact) => Add(fact, HashOf(fact));

    /// <summary>
    /// Adds facts in order, as <see cref="Add(in MetricFact)"/> one by one. A released stretch of the fold gives
    /// thousands at once, each row a cache miss or three on 20,000 shops (the names' headers for their identity hash, the
    /// table, the row's key and cells); so the names of the fact <see cref="Ahead"/> ahead, then the table place of the
    /// fact half as far ahead, are asked of the processor first, and their misses overlap. The sums are the same.
    /// </summary>
    public void Add(ReadOnlySpan<MetricFact> facts)
    {
        if (!Sse.IsSupported || facts.Length < 2 * Ahead)
        {
            foreach (ref readonly var f in facts) Add(f);
            return;
        }
        // The hashes of the facts up to Ahead / 2 places on, by index mod Ahead.
        Span<int> hashes = stackalloc int[Ahead];
        for (var i = 0; i < Ahead; i++)
        {
            PrefetchNames(facts[i]);
            if (i < Ahead / 2) PrefetchPlace(hashes[i] = HashOf(facts[i]));
            if (i < Ahead / 4) PrefetchRow(facts[i], hashes[i]);
        }
        for (var i = 0; i < facts.Length; i++)
        {
            if (i + Ahead < facts.Length) PrefetchNames(facts[i + Ahead]);
            if (i + Ahead / 2 < facts.Length) PrefetchPlace(hashes[(i + Ahead / 2) & (Ahead - 1)] = HashOf(facts[i + Ahead / 2]));
            if (i + Ahead / 4 < facts.Length) PrefetchRow(facts[i + Ahead / 4], hashes[(i + Ahead / 4) & (Ahead - 1)]);
            Add(facts[i], hashes[i & (Ahead - 1)]);
        }
    }

    /// <summary>
    /// How far <see cref="Add(ReadOnlySpan{MetricFact})"/> looks ahead for names (a power of two); half as far for table
    /// places, a quarter for the row the place holds.
    /// </summary>
    private const int Ahead = 16;

    private int HashOf(in MetricFact fact) => Hash(fact.Shop, AgentOf(fact), _hoursPerRow == 1 ? fact.Hour : fact.Hour - fact.Hour % 24);

    /// <summary>The line of each name's object header, which its identity hash reads (a hint: nothing is read).</summary>
    private unsafe void PrefetchNames(in MetricFact fact)
    {
        Sse.Prefetch0((byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(fact.Shop.AsSpan())) - 16);
        if (_agents && fact.Agent is { } agent) Sse.Prefetch0((byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(agent.AsSpan())) - 16);
    }

    /// <summary>The agent a fact's row is keyed by: none when sums are kept per shop.</summary>
    private object AgentOf(in MetricFact fact) => _agents ? fact.Agent ?? NoAgent : NoAgent;

    private unsafe void PrefetchPlace(int hash) => Sse.Prefetch0(Unsafe.AsPointer(ref _table[hash & (_table.Length - 1)]));

    /// <summary>The key and the fact's cell of the row at the fact's first table place, if any (the place was prefetched before).</summary>
    private unsafe void PrefetchRow(in MetricFact fact, int hash)
    {
        var row = _table[hash & (_table.Length - 1)] - 1;
        if (row < 0) return;
        Sse.Prefetch0(Unsafe.AsPointer(ref _keys[row]));
        Sse.Prefetch0(Unsafe.AsPointer(ref _pages[row >> PageBits][(row & (PageRows - 1)) * MetricCount + fact.Metric]));
    }

    private void Add(in MetricFact fact, int hash)
    {
        var hour = _hoursPerRow == 1 ? fact.Hour : fact.Hour - fact.Hour % 24;
        var agent = AgentOf(fact);
        var mask = _table.Length - 1;
        var i = hash & mask;
        int row;
        while (true)
        {
            var entry = _table[i];
            if (entry == 0)
            {
                row = NewRow(fact.Shop, agent, hour, hash);
                break;
            }
            row = entry - 1;
            ref readonly var key = ref _keys[row];
            if (key.Hour == hour && ReferenceEquals(key.Shop, fact.Shop) && ReferenceEquals(key.Agent, agent)) break;
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
        if (rollup.Agents && !_agents) throw new ArgumentException("sums kept per shop cannot go into a rollup kept per agent: its agents' rows would be short", nameof(rollup));
        for (var row = 0; row < _count; row++)
        {
            ref readonly var k = ref _keys[row];
            var key = new RollupKey(k.Shop!, k.Agent as string ?? "", k.Hour);
            // Every metric, empty ones too: a row exists wherever a fact fell, as Rollup.Add makes it.
            rollup.AddTaken(key, _pages[row >> PageBits].AsSpan((row & (PageRows - 1)) * MetricCount, MetricCount));
        }
        foreach (var page in _pages) if (page is not null) Array.Clear(page);
        Array.Clear(_keys, 0, _count);
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

    private int NewRow(string shop, object agent, int hour, int hash)
    {
        if (_count == _keys.Length) Array.Resize(ref _keys, _count * 2);
        var row = _count++;
        if ((row & (PageRows - 1)) == 0)
        {
            if ((row >> PageBits) == _pages.Length) Array.Resize(ref _pages, _pages.Length * 2);
            _pages[row >> PageBits] ??= new MetricCell[PageRows * MetricCount];
        }
        _keys[row] = new RowKey { Shop = shop, Agent = agent, Hour = hour, Hash = hash };
        if (_count * 2 > _table.Length)
        {
            _table = Tables.Fresh<int>(_table.Length * 2);
            for (var r = 0; r < _count; r++) Place(r);
        }
        else Place(row);
        return row;
    }

    private void Place(int row)
    {
        var mask = _table.Length - 1;
        var i = _keys[row].Hash & mask;
        while (_table[i] != 0) i = (i + 1) & mask;
        _table[i] = row + 1;
    }
}
