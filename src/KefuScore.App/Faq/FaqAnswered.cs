using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Faq;

/// <summary>
/// 自动回复接待量: customers the FAQ answered per local day, counted from the auto-reply events it sent (<c>bot</c>
/// messages of kind <c>auto</c>): each customer once a day (the event's <c>customer</c>, else its conversation).
/// </summary>
public static class FaqAnswered
{
    public static IReadOnlyList<(DateOnly Date, int Customers)> PerDay(IEnumerable<ChatEvent> events, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(zone);
        return events
            .Where(e => e is { Type: EventType.Message, Sender: Sender.Bot, Kind: MessageKind.Auto })
            .GroupBy(e => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(e.At, zone).DateTime))
            .Select(g => (g.Key, g.Select(e => e.Customer ?? "conversation:" + e.Conversation).Distinct(StringComparer.Ordinal).Count()))
            .OrderBy(x => x.Key)
            .ToList();
    }

    /// <summary>The same over the shop's stored events in [from, to) (UTC ticks).</summary>
    public static async Task<IReadOnlyList<(DateOnly Date, int Customers)>> PerDay(KefuDb db, string shop, long fromTicks, long toTicks, TimeZoneInfo zone, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        short message = (short)EventType.Message, bot = (short)Sender.Bot, auto = (short)MessageKind.Auto;
        var rows = await db.Events
            .Where(e => e.Shop == shop && e.Type == message && e.Sender == bot && e.Kind == auto && e.AtTicks >= fromTicks && e.AtTicks < toTicks)
            .ToListAsync(ct);
        return PerDay(rows.Select(r => r.ToEvent()), zone);
    }
}
