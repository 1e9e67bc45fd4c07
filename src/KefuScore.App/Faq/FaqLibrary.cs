using System.Collections.Concurrent;
using KefuScore.App.Complaints;
using KefuScore.App.Storage;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Faq;

/// <summary>
/// The shops' FAQ indexes, built from the stored knowledge base (<c>shop_settings</c> kind <c>faq</c>) with the
/// wordings the shop's manager accepted from its chats (<see cref="ParaphraseBook"/>) on first use, and rebuilt when
/// either changes (the row's update time and the accepted wordings are the version). One per server.
/// </summary>
public sealed class FaqLibrary : IDisposable
{
    private readonly ConcurrentDictionary<string, (string Version, FaqIndex Index)> _indexes = new(StringComparer.Ordinal);
    private readonly Lock _build = new();

    /// <summary>The shop's index, or null when it has no knowledge base.</summary>
    public async Task<FaqIndex?> For(KefuDb db, string shop, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var row = await db.Set<ShopSettingRow>().AsNoTracking().SingleOrDefaultAsync(r => r.Shop == shop && r.Kind == ShopSettings.Faq, ct);
        if (row is null) return null;
        var accepted = await ParaphraseBook.AcceptedOf(db, shop, ct);
        var version = $"{row.UpdatedTicks}:{string.Join(",", accepted.Select(r => r.Id))}";
        if (_indexes.TryGetValue(shop, out var cached) && cached.Version == version) return cached.Index;
        lock (_build)
        {
            if (_indexes.TryGetValue(shop, out cached) && cached.Version == version) return cached.Index;
            var index = new FaqIndex(ParaphraseBook.WithAccepted(FaqCsv.Parse(row.Text, $"shop {shop} faq"), accepted));
            // The old index may still be searched by a request in flight; it is left to the collector, not disposed.
            _indexes[shop] = (version, index);
            return index;
        }
    }

    public void Dispose()
    {
        foreach (var (_, (_, index)) in _indexes) index.Dispose();
        _indexes.Clear();
    }
}
