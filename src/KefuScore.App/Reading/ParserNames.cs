using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;

namespace KefuScore.App.Reading;

/// <summary>
/// A parser thread's cache of the run's interned shop and agent names (the shared <see cref="RunNames"/> takes a lock,
/// so each thread asks it once per new name), and where a parsed record goes: an event into its shop's part of the
/// chunk, a rejection into the chunk's rejections. The CSV and Parquet parsers share it.
/// </summary>
internal sealed class ParserNames(RunNames names, int parts)
{
    internal readonly record struct ShopName(string Shop, int Index, int Part);

    private readonly Dictionary<string, ShopName> _shops = new(StringComparer.Ordinal);
    private readonly HashSet<string> _agents = new(StringComparer.Ordinal);

    public ShopName Shop(ReadOnlySpan<char> shop)
    {
        var lookup = _shops.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(shop, out var known)) return known;
        var index = names.Shop(shop, out var interned);
        var name = new ShopName(interned, index, RunNames.PartOf(interned, parts));
        _shops[interned] = name;
        return name;
    }

    public string Agent(ReadOnlySpan<char> agent)
    {
        var lookup = _agents.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(agent, out var known)) return known;
        var interned = names.Agent(agent);
        _agents.Add(interned);
        return interned;
    }

    /// <summary>A record read the slow way (<see cref="RawFields.Parse"/>): its event as a row of its shop's part, or its rejection.</summary>
    public void Place(RowChunk chunk, ReadItem item)
    {
        if (item.Event is { } e)
        {
            var name = Shop(e.Shop);
            var part = chunk.Parts[name.Part];
            var row = EventRow.Of(e, name.Index, ref part.Chars, ref part.Used);
            row.Shop = name.Shop;
            part.Add(row);
        }
        else chunk.Rejected.Add(item.Rejected!);
    }
}
