using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Engine.Profiles;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.Web.Dashboard.Conversations;

/// <summary>Which conversations a list shows: late replies, unanswered messages, dissatisfied ratings, or all.</summary>
public enum ConversationFilter { All, Late, Unanswered, Dissatisfied }

/// <summary>A conversation in a list: when it started (local), its agent, and what went wrong in it.</summary>
public sealed record ConversationItem(string Conversation, string Agent, DateTime FirstLocal, long Counted, long Late, long Unanswered, long Dissatisfied);

/// <summary>
/// The conversations of a shop from their stored facts (one fact per counted message or rating), newest first:
/// enough to list thousands quickly; the conversation page explains each one from its events.
/// </summary>
public static class ConversationQuery
{
    public const int Limit = 500;

    public static ConversationFilter Parse(string? filter) => filter switch
    {
        "late" => ConversationFilter.Late,
        "unanswered" => ConversationFilter.Unanswered,
        "dissatisfied" => ConversationFilter.Dissatisfied,
        _ => ConversationFilter.All,
    };

    /// <param name="weekday">With <paramref name="hour"/>: only facts in that weekday and local hour (a heatmap cell).</param>
    public static async Task<IReadOnlyList<ConversationItem>> List(KefuDb db, ApiKeyGrant grant, ShopContext shop, ConversationFilter filter,
        DateOnly from, DateOnly to, int? weekday = null, int? hour = null, int limit = Limit, CancellationToken ct = default)
    {
        var profile = shop.Profile;
        var reply = shop.ReplyMetric?.Id ?? "";
        var unanswered = profile.Roles.Unanswered?.Id ?? "";
        var dissatisfied = profile.Roles.Dissatisfied?.Id ?? "";
        var (lo, hi) = (ShopContext.HourOf(from), ShopContext.HourOf(to.AddDays(1)));

        var facts = db.Facts.AsNoTracking().Where(f => f.Profile == shop.Shop.Profile && f.Shop == shop.Id && f.Conversation != "" && f.Hour >= lo && f.Hour < hi);
        if (grant.AgentIn(shop.Id) is { } agent) facts = facts.Where(f => f.Agent == agent);
        var cell = weekday is { } wd && hour is { } h ? HoursOf(from, to, (DayOfWeek)wd, h) : null;

        // Conversations with at least one fact of the kind asked for (in the cell's hours when a cell is given).
        var marked = facts;
        if (cell is not null) marked = marked.Where(f => cell.Contains(f.Hour));
        marked = filter switch
        {
            ConversationFilter.Late => marked.Where(f => f.Metric == reply && f.Numerator < f.Denominator),
            ConversationFilter.Unanswered => marked.Where(f => f.Metric == unanswered && f.Count > 0),
            ConversationFilter.Dissatisfied => marked.Where(f => f.Metric == dissatisfied && f.Numerator > 0),
            _ => marked,
        };
        var ids = marked.Select(f => f.Conversation).Distinct();

        var rows = await facts.Where(f => ids.Contains(f.Conversation))
            .GroupBy(f => f.Conversation)
            .Select(g => new
            {
                Conversation = g.Key,
                Agent = g.Max(f => f.Agent),
                First = g.Min(f => f.Hour),
                Counted = g.Where(f => f.Metric == reply).Sum(f => f.Denominator),
                Late = g.Where(f => f.Metric == reply).Sum(f => f.Denominator - f.Numerator),
                Unanswered = g.Where(f => f.Metric == unanswered).Sum(f => f.Count),
                Dissatisfied = g.Where(f => f.Metric == dissatisfied).Sum(f => f.Numerator),
            })
            .OrderByDescending(r => r.First).ThenBy(r => r.Conversation)
            .Take(limit)
            .ToListAsync(ct);
        return rows.Select(r => new ConversationItem(r.Conversation, r.Agent ?? "", LocalHour(r.First), r.Counted, r.Late, r.Unanswered, r.Dissatisfied)).ToList();
    }

    public static DateTime LocalHour(int hour) => DateOnly.FromDayNumber(hour / 24).ToDateTime(new TimeOnly(hour % 24, 0));

    /// <summary>The local hour keys of one weekday and hour between two dates.</summary>
    public static List<int> HoursOf(DateOnly from, DateOnly to, DayOfWeek weekday, int hour)
    {
        var hours = new List<int>();
        for (var d = from; d <= to; d = d.AddDays(1))
            if (d.DayOfWeek == weekday) hours.Add(ShopContext.HourOf(d) + hour);
        return hours;
    }
}
