using System.Collections.Concurrent;
using KefuScore.App.Complaints;
using KefuScore.App.Storage;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Faq;

/// <summary>
/// The shops' FAQ indexes, built from the stored knowledge base (<c>shop_settings</c> kind <c>faq</c>) on first use
/// and rebuilt when it changes (the row's update time is the version). One per server.
/// </summary>
public sealed class FaqLibrary : IDisposable
{
    private readonly ConcurrentDictionary<string, (long Version, FaqIndex Index)> _indexes = new(StringComparer.Ordinal);
    private readonly Lock _build = new();

    /// <summary>The shop's index, or null when it has no knowledge base.</summary>
    public async Task<FaqIndex?> For(KefuDb db, string shop, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var row = await db.Set<ShopSettingRow>().AsNoTracking().SingleOrDefaultAsync(r => r.Shop == shop && r.Kind == ShopSettings.Faq, ct);
        if (row is null) return null;
        if (_indexes.TryGetValue(shop, out var cached) && cached.Version == row.UpdatedTicks) return cached.Index;
        lock (_build)
        {
            if (_indexes.TryGetValue(shop, out cached) && cached.Version == row.UpdatedTicks) return cached.Index;
            var index = new FaqIndex(FaqCsv.Parse(row.Text, $"shop {shop} faq"));
            // The old index may still be searched by a request in flight; it is left to the collector, not disposed.
            _indexes[shop] = (row.UpdatedTicks, index);
            return index;
        }
    }

    public void Dispose()
    {
        foreach (var (_, (_, index)) in _indexes) index.Dispose();
        _indexes.Clear();
    }
}
