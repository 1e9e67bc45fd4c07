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
    /// <param name="search">
    /// Only conversations whose id, customer id, an agent's id or roster name, or a message's text contains the term.
    /// It narrows the list the grant already allows (an agent's own conversations) and never widens it.
    /// </param>
    public static async Task<IReadOnlyList<ConversationItem>> List(KefuDb db, ApiKeyGrant grant, ShopContext shop, ConversationFilter filter,
        DateOnly from, DateOnly to, int? weekday = null, int? hour = null, int limit = Limit, ConversationSearch? search = null, CancellationToken ct = default)
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
        if (search is not null) ids = Matching(db, shop, facts, ids, search, from, to);

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

    /// <summary>
    /// The conversations of <paramref name="ids"/> the search finds, as one query: by the facts the grant allows
    /// (conversation id, agent id, an agent whose roster name holds the term) or by the shop's events of the window
    /// (customer id, message text). The events are bounded by shop and time (a day either side of the local dates,
    /// whatever the zone); the caller's LIMIT bounds the rows that come back.
    /// </summary>
    private static IQueryable<string> Matching(KefuDb db, ShopContext shop, IQueryable<StoredFact> facts, IQueryable<string> ids, ConversationSearch search,
        DateOnly from, DateOnly to)
    {
        var term = search.Term;
        var named = db.Set<AgentRosterRow>().Where(r => r.Shop == shop.Id && r.Name.Contains(term)).Select(r => r.Agent);
        var byFacts = facts.Where(f => f.Conversation.Contains(term) || f.Agent.Contains(term) || named.Contains(f.Agent)).Select(f => f.Conversation);
        var (lo, hi) = (from.AddDays(-1).ToDateTime(TimeOnly.MinValue).Ticks, to.AddDays(2).ToDateTime(TimeOnly.MinValue).Ticks);
        var byEvents = search.InEvents(db.Events.AsNoTracking().Where(e => e.Shop == shop.Id && e.AtTicks >= lo && e.AtTicks < hi));
        return ids.Where(c => byFacts.Contains(c) || byEvents.Contains(c));
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
