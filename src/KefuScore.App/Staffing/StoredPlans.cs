using KefuScore.App.Profiles;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Engine.Staffing;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Staffing;

/// <summary>
/// A staffing plan from a shop's stored messages: what <c>GET /api/v1/shops/{shop}/plan</c> and the dashboard call.
/// Reads only message rows of the 400 days before the date (enough for last year's festival and the 4 weeks before
/// it), and only the columns the history needs.
/// </summary>
public static class StoredPlans
{
    public const int HistoryDays = 400;

    /// <summary>The plan, or null when the shop is not known. Bad input throws <see cref="PlanException"/>.</summary>
    public static async Task<StaffingPlan?> Plan(KefuDb db, string shop, string? profileId, PlanRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var shopProfile = await db.Shops.Where(s => s.Id == shop).Select(s => s.Profile).SingleOrDefaultAsync(ct);
        if (shopProfile is null) return null;
        var profile = await StoredProfiles.Compile(db, profileId ?? shopProfile, ct);

        // A day either side of the local range is enough for any zone's offset.
        var from = request.Date.AddDays(-HistoryDays - 1).ToDateTime(TimeOnly.MinValue).Ticks;
        var to = request.Date.AddDays(1).ToDateTime(TimeOnly.MinValue).Ticks;
        var message = (short)EventType.Message;
        var rows = await db.Events.AsNoTracking()
            .Where(e => e.Shop == shop && e.Type == message && e.AtTicks >= from && e.AtTicks < to)
            .Select(e => new { e.Conversation, e.AtTicks, e.Sender, e.Kind, e.Agent })
            .ToListAsync(ct);
        var events = rows.Select(r => new ChatEvent
        {
            Type = EventType.Message, Id = "", Shop = shop, At = new DateTimeOffset(r.AtTicks, TimeSpan.Zero),
            Conversation = r.Conversation.Length == 0 ? null : r.Conversation, Sender = (Sender)r.Sender, Kind = (MessageKind)r.Kind, Agent = r.Agent,
        });
        var history = ConsultationHistory.From(events, profile.Zone, shop);
        // Only days before the planned date are history; the date itself may already have started.
        var past = new ConsultationHistory();
        foreach (var (date, counts) in history.Days)
            if (date < request.Date)
                for (var i = 0; i < counts.Length; i++)
                    if (counts[i] > 0) past.Add(date, i, counts[i]);
        past.SetHandling(history.MeanHandleSeconds, history.MessagesPerConsultation, history.FollowUpReplySeconds, history.AnsweredConversations, history.ObservedConcurrency);
        return StaffingPlanner.Plan(past, profile, request, shop);
    }
}
