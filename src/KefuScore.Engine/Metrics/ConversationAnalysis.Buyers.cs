using KefuScore.Engine.Events;
using KefuScore.Engine.Profiles;

namespace KefuScore.Engine.Metrics;

public sealed partial class ConversationAnalysis
{
    /// <summary>One buyer on one local day, as the buyer unit counts them (each buyer once a day).</summary>
    private sealed class BuyerDay(string buyer, int day, int first)
    {
        public string Buyer { get; } = buyer;
        public int Day { get; } = day;
        /// <summary>Index of the buyer's first counted message that day.</summary>
        public int First { get; } = first;
        public bool AllWithin { get; set; } = true;
        public bool AnyAnswered { get; set; }
        public bool Bot { get; set; }
        public int FirstReply { get; set; } = NoReply;
        public bool Complained { get; set; }
        public int ComplaintAt { get; set; } = NoReply;
        public bool Consulted => First != NoReply;
    }

    /// <summary>
    /// The stretch's buyer-days: customer messages grouped by the buyer (<c>customer</c>, else the conversation)
    /// and local day, in the metric's hours. A buyer-day is robot-only when a bot answered and no valid reply did.
    /// </summary>
    private List<BuyerDay> BuyerDays(ReadOnlySpan<SlimEvent> events, in MetricContext ctx, bool complaints)
    {
        var m = ctx.Metric;
        var next = Next(events, m.AcceptAssist, false);
        var days = new List<BuyerDay>(1);
        BuyerDay? lastCounted = null;
        string? lastBuyer = null;
        for (var i = 0; i < events.Length; i++)
        {
            ref readonly var e = ref events[i];
            if (e.IsCustomerMessage)
            {
                lastBuyer = e.Customer ?? "";
                if (!m.Hours.Contains(TimeOfDay(i)) || !InVersion(ctx, _local[i])) { lastCounted = null; continue; }
                var day = Find(days, lastBuyer, LocalDay(i));
                if (day is null) days.Add(day = new BuyerDay(lastBuyer, LocalDay(i), i));
                else if (!day.Consulted) { days.Remove(day); days.Add(day = new BuyerDay(lastBuyer, LocalDay(i), i) { Complained = day.Complained, ComplaintAt = day.ComplaintAt }); }
                lastCounted = day;
                var (answered, wait, reply) = RoundWait(events, next[i], i, m);
                if (answered)
                {
                    day.AnyAnswered = true;
                    if (day.FirstReply == NoReply) day.FirstReply = reply;
                }
                if (!answered || wait > (long)Math.Round(m.WithinSeconds * TimeSpan.TicksPerSecond)) day.AllWithin = false;
            }
            else if (e.Type == EventType.Message && e.Sender == Sender.Bot && lastCounted is not null && LocalDay(i) == lastCounted.Day)
                lastCounted.Bot = true;
            else if (complaints && e.Type == EventType.Complaint)
            {
                // A complaint names no buyer: it is the conversation's buyer's (the last to write, else the first).
                var buyer = lastBuyer ?? FirstBuyer(events);
                var day = Find(days, buyer, LocalDay(i));
                if (day is null) days.Add(day = new BuyerDay(buyer, LocalDay(i), NoReply));
                day.Complained = true;
                if (day.ComplaintAt == NoReply) day.ComplaintAt = i;
            }
        }
        return days;
    }

    private static BuyerDay? Find(List<BuyerDay> days, string buyer, int day)
    {
        foreach (var d in days)
            if (d.Day == day && string.Equals(d.Buyer, buyer, StringComparison.Ordinal)) return d;
        return null;
    }

    private static string FirstBuyer(ReadOnlySpan<SlimEvent> events)
    {
        foreach (var e in events)
            if (e.IsCustomerMessage) return e.Customer ?? "";
        return "";
    }

    /// <summary>reply_within with the buyer unit: a buyer-day passes when every counted message got a valid reply within the threshold.</summary>
    private void BuyerItems(ReadOnlySpan<SlimEvent> events, in MetricContext ctx, List<MetricFact> facts)
    {
        foreach (var d in BuyerDays(events, ctx, complaints: false))
        {
            if (ctx.Metric.ExcludeBotOnly && d.Bot && !d.AnyAnswered) continue; // served by the robot alone: needs no human reply
            var agent = d.FirstReply != NoReply ? events[d.FirstReply].Agent : null;
            facts.Add(new MetricFact(ctx.Shop, agent, LocalHour(d.First), ctx.Index, d.AllWithin ? 1 : 0, 1, 0, 0, -1));
        }
    }

    /// <summary>consultations with the buyer unit: 咨询人数, one per buyer and day.</summary>
    private void ConsultingBuyers(ReadOnlySpan<SlimEvent> events, in MetricContext ctx, List<MetricFact> facts)
    {
        foreach (var d in BuyerDays(events, ctx, complaints: false))
        {
            if (ctx.Metric.ExcludeBotOnly && d.Bot && !d.AnyAnswered) continue;
            facts.Add(new MetricFact(ctx.Shop, null, LocalHour(d.First), ctx.Index, 0, 0, 0, 1, -1));
        }
    }

    /// <summary>complaint_rate: per buyer-day, complained (numerator) and consulted (denominator).</summary>
    private void Complaints(ReadOnlySpan<SlimEvent> events, in MetricContext ctx, List<MetricFact> facts)
    {
        foreach (var d in BuyerDays(events, ctx, complaints: true))
        {
            var at = d.Consulted ? d.First : d.ComplaintAt;
            facts.Add(new MetricFact(ctx.Shop, null, LocalHour(at), ctx.Index, d.Complained ? 1 : 0, d.Consulted ? 1 : 0, 0, 0, -1));
        }
    }
}
