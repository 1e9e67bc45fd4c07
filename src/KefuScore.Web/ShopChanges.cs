namespace KefuScore.Web;

/// <summary>
/// Tells whoever listens that a shop's stored events changed: raised after an ingestion commits (the events API, the
/// import page). Dashboard pages subscribe to redraw their numbers; other features may subscribe too. Handlers run on
/// the caller's thread and must not block: a page hands the work to its own dispatcher.
/// </summary>
public sealed class ShopChanges
{
    public event Action<string>? Changed;

    public void Raise(IEnumerable<string> shops)
    {
        foreach (var shop in shops.Distinct(StringComparer.Ordinal)) Changed?.Invoke(shop);
    }
}
