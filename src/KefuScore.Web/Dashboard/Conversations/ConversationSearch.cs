using KefuScore.App.Storage;
using KefuScore.Engine.Events;

namespace KefuScore.Web.Dashboard.Conversations;

/// <summary>
/// What was typed in the conversations' search box (<c>?q=</c>): trimmed, empty meaning no search, at most
/// <see cref="MaxLength"/> characters. The term is matched literally as a substring (<c>%</c>, <c>_</c> and quotes are
/// characters like any other), case as typed.
/// </summary>
public sealed record ConversationSearch(string Term)
{
    /// <summary>Long enough for an order number, a sentence fragment or a name; short enough that a scan stays cheap.</summary>
    public const int MaxLength = 50;

    /// <summary>The search of <paramref name="q"/>: null when it is empty or only spaces; <paramref name="tooLong"/> when it is over the bound (then no search either).</summary>
    public static ConversationSearch? Parse(string? q, out bool tooLong)
    {
        tooLong = false;
        var term = q?.Trim();
        if (string.IsNullOrEmpty(term)) return null;
        // Control characters cannot be typed in the box; a link carrying them is read without them.
        if (term.Any(char.IsControl)) term = new string(term.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (term.Length == 0) return null;
        if (term.Length > MaxLength)
        {
            tooLong = true;
            return null;
        }
        return new ConversationSearch(term);
    }

    /// <summary>
    /// The conversations of <paramref name="events"/> (one shop's, already cut to a time window) with a customer id or a
    /// message text containing the term: a query for the database, never read whole into memory.
    /// </summary>
    public IQueryable<string> InEvents(IQueryable<StoredEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var term = Term;
        const short message = (short)EventType.Message;
        return events.Where(e => e.Conversation != ""
                && ((e.Customer != null && e.Customer.Contains(term)) || (e.Type == message && e.Text != null && e.Text.Contains(term))))
            .Select(e => e.Conversation);
    }
}
