using System.Runtime.CompilerServices;

namespace KefuScore.Engine.Metrics;

/// <summary>
/// Shops, agents and reasons as numbers for the folds of one thread: a fold makes its own, or several folds that split
/// one worker's shops between them share one, so that the tables a row's run-wide numbers index (sized by every shop and
/// agent of the run) are kept once per thread, not once per fold. Not thread-safe.
/// </summary>
public sealed class FoldNames
{
    // Shops: ours by name, and a row's run-wide number to ours.
    private readonly Dictionary<string, int> _shopByName = new(StringComparer.Ordinal);
    private readonly List<string> _shops = [];
    /// <summary>By a row's run-wide shop number: our number beside the instance it was seen with (one read, compared by reference).</summary>
    private (string? Name, int Shop)[] _shopOfRow = new (string?, int)[64];
    private readonly Names _names = new();

    internal string Shop(int shop) => _shops[shop];

    internal string? this[int index] => _names[index];

    internal int Of(string? name, int number) => _names.Of(name, number);

    internal int Of(string? name) => _names.Of(name);

    internal int ShopOf(string name)
    {
        if (_shopByName.TryGetValue(name, out var shop)) return shop;
        shop = _shops.Count;
        _shopByName.Add(name, shop);
        _shops.Add(name);
        return shop;
    }

    /// <summary>A row's shop by its run-wide number (checked against the name, so a foreign number cannot mix shops up).</summary>
    internal int ShopOf(in EventRow e)
    {
        if (KnownShop(e, out var shop)) return shop;
        shop = ShopOf(e.Shop);
        var run = e.ShopIndex;
        if (run >= 0)
        {
            if (run >= _shopOfRow.Length) Array.Resize(ref _shopOfRow, Math.Max(run + 1, _shopOfRow.Length * 2));
            _shopOfRow[run] = (e.Shop, shop);
        }
        return shop;
    }

    /// <summary>The row's shop when its run-wide number is already known with this instance (nothing is added).</summary>
    internal bool KnownShop(in EventRow e, out int shop)
    {
        var run = e.ShopIndex;
        if ((uint)run < (uint)_shopOfRow.Length && ReferenceEquals(_shopOfRow[run].Name, e.Shop))
        {
            shop = _shopOfRow[run].Shop;
            return true;
        }
        shop = -1;
        return false;
    }

/// <summary>
/// Agents and reasons as numbers (0: none). A row carries instances its reader interned for the run, so a small
/// cache by reference answers almost every lookup without hashing characters; other instances go by value.
/// </summary>
internal sealed class Names
{
    /// <summary>The cache's largest size: grows with the names seen, so 20,000 shops' agents are not looked up by value each time.</summary>
    private const int MaxCache = 1 << 18;
    private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);
    private readonly List<string?> _list = [null];
    private string?[] _cachedName = new string?[1 << 12];
    private int[] _cachedIndex = new int[1 << 12];

    /// <summary>
    /// By a row's run-wide agent number: one array read, the instance compared by reference (no hashing, and no
    /// read of the string's header, a cache miss among 117,000 agents); a number not seen with this instance goes by name.
    /// </summary>
    private (string? Name, int Index)[] _byNumber = new (string?, int)[64];

    public string? this[int index] => _list[index];

    public int Of(string? name, int number)
    {
        if (name is null) return 0;
        if ((uint)number < (uint)_byNumber.Length && ReferenceEquals(_byNumber[number].Name, name)) return _byNumber[number].Index;
        var index = Of(name);
        if (number >= 0)
        {
            if (number >= _byNumber.Length) Array.Resize(ref _byNumber, Math.Max(number + 1, _byNumber.Length * 2));
            _byNumber[number] = (name, index);
        }
        return index;
    }

    public int Of(string? name)
    {
        if (name is null) return 0;
        var at = RuntimeHelpers.GetHashCode(name) & (_cachedName.Length - 1);
        if (ReferenceEquals(_cachedName[at], name)) return _cachedIndex[at];
        if (!_byName.TryGetValue(name, out var index))
        {
            index = _list.Count;
            _byName.Add(name, index);
            _list.Add(name);
            if (_list.Count * 2 > _cachedName.Length && _cachedName.Length < MaxCache)
            {
                // Refilled as names come by again (the old cache's places are of the smaller mask).
                _cachedName = new string?[_cachedName.Length * 2];
                _cachedIndex = new int[_cachedName.Length];
                at = RuntimeHelpers.GetHashCode(name) & (_cachedName.Length - 1);
            }
        }
        _cachedName[at] = name;
        _cachedIndex[at] = index;
        return index;
    }
}
}
