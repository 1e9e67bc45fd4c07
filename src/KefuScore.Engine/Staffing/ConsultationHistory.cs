using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;

namespace KefuScore.Engine.Staffing;

/// <summary>
/// What a staffing plan learns from a shop's past: consultations (咨询: a customer's conversation, or its return
/// after more than <see cref="DefaultSessionGap"/> of silence) per local 15-minute interval and day, and the handling
/// facts the queue model needs. A consultation is counted at its first customer message: that is the contact that
/// waits for an agent's slot. Later messages of it are served by the agent already on it.
/// </summary>
public sealed class ConsultationHistory
{
    public const int IntervalsPerDay = 96;
    public const double IntervalSeconds = 900;

    private readonly SortedDictionary<DateOnly, double[]> _days = [];

    /// <summary>Consultations per interval (0 = 00:00–00:15 local) for every local date with at least one.</summary>
    public IReadOnlyDictionary<DateOnly, double[]> Days => _days;

    /// <summary>Local dates with consultations, ascending.</summary>
    public IEnumerable<DateOnly> Dates => _days.Keys;

    /// <summary>The shops whose consultations were counted.</summary>
    public IReadOnlySet<string> Shops => _shops;

    private readonly SortedSet<string> _shops = new(StringComparer.Ordinal);

    /// <summary>Conversations with a customer message and a human reply, the ones the handling facts come from.</summary>
    public long AnsweredConversations { get; private set; }

    /// <summary>
    /// Mean wall-clock time from a conversation's first customer message to its last human reply, over answered
    /// conversations: how long the conversation holds one of the agent's chat slots. It includes the wait for the
    /// first reply, so it errs long (more agents) when the history was understaffed.
    /// </summary>
    public double MeanHandleSeconds { get; private set; }

    /// <summary>Mean customer messages per consultation.</summary>
    public double MessagesPerConsultation { get; private set; }

    /// <summary>
    /// Median time from a later (not the first) customer message to the next human reply in the same conversation:
    /// how quickly an agent already on the conversation answers follow-ups. Null when the history has none.
    /// </summary>
    public double? FollowUpReplySeconds { get; private set; }

    /// <summary>Adds consultations by hand (tests, generated histories).</summary>
    public void Add(DateOnly date, int interval, double count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(interval);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(interval, IntervalsPerDay);
        if (!(count >= 0)) throw new ArgumentOutOfRangeException(nameof(count), count, "must be 0 or more");
        if (!_days.TryGetValue(date, out var day)) _days[date] = day = new double[IntervalsPerDay];
        day[interval] += count;
    }

    /// <summary>Sets the handling facts (tests, or histories built by hand).</summary>
    public void SetHandling(double meanHandleSeconds, double messagesPerConsultation, double? followUpReplySeconds, long answeredConversations)
    {
        MeanHandleSeconds = meanHandleSeconds;
        MessagesPerConsultation = messagesPerConsultation;
        FollowUpReplySeconds = followUpReplySeconds;
        AnsweredConversations = answeredConversations;
    }

    /// <summary>Consultations on a date (0 when the date has none).</summary>
    public double Total(DateOnly date) => _days.TryGetValue(date, out var d) ? d.Sum() : 0;

    /// <summary>
    /// Silence after which a customer's next message in the same conversation is a new consultation: it waits for an
    /// agent again (the platforms close an idle session and queue the customer anew), and event files that reuse
    /// conversation ids on other days do not merge into one.
    /// </summary>
    public static TimeSpan DefaultSessionGap { get; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Counts the message events of one shop (or all, when <paramref name="shop"/> is null) by local time in
    /// <paramref name="zone"/>. Order of the events does not matter.
    /// </summary>
    public static ConsultationHistory From(IEnumerable<ChatEvent> events, TimeZoneInfo zone, string? shop = null, TimeSpan? sessionGap = null)
    {
        var history = new ConsultationHistory();
        var conversations = new Dictionary<(string Shop, string Conversation), List<(long Ticks, bool Customer)>>();
        foreach (var e in events)
        {
            if (e.Type != EventType.Message || e.Conversation is null) continue;
            if (shop is not null && e.Shop != shop) continue;
            var customer = e.IsCustomerMessage;
            if (!customer && !e.IsHumanReply) continue;
            var key = (e.Shop, e.Conversation);
            if (customer) history._shops.Add(e.Shop);
            if (!conversations.TryGetValue(key, out var list)) conversations[key] = list = [];
            list.Add((e.Ticks, customer));
        }

        var clock = new LocalClock(zone);
        double handleSum = 0, messages = 0;
        long consultations = 0, answered = 0;
        var followUps = new List<double>();
        var gapTicks = (sessionGap ?? DefaultSessionGap).Ticks;
        foreach (var list in conversations.Values)
        {
            // Customer before agent at the same instant: a reply cannot precede the message it answers.
            list.Sort((a, b) => a.Ticks != b.Ticks ? a.Ticks.CompareTo(b.Ticks) : b.Customer.CompareTo(a.Customer));
            var i = list.FindIndex(x => x.Customer);
            while (i >= 0 && i < list.Count)
            {
                // One consultation: from a customer message to the next customer message after a silence of more
                // than the session gap (or the end), which waits for an agent again.
                var first = list[i].Ticks;
                var local = clock.ToLocalTicks(first);
                history.Add(DateOnly.FromDayNumber((int)(local / TimeSpan.TicksPerDay)), (int)(local % TimeSpan.TicksPerDay / (TimeSpan.TicksPerMinute * 15)), 1);
                consultations++;
                long? lastReply = null, pending = null;
                var seenCustomer = 0;
                var previous = first;
                for (; i < list.Count; i++)
                {
                    var (ticks, isCustomer) = list[i];
                    if (isCustomer && seenCustomer > 0 && ticks - previous > gapTicks) break;
                    previous = ticks;
                    if (isCustomer)
                    {
                        messages++;
                        seenCustomer++;
                        if (seenCustomer > 1) pending ??= ticks;
                        continue;
                    }
                    lastReply = ticks;
                    if (pending is { } p) followUps.Add((ticks - p) / (double)TimeSpan.TicksPerSecond);
                    pending = null;
                }
                if (lastReply is { } last)
                {
                    answered++;
                    handleSum += (last - first) / (double)TimeSpan.TicksPerSecond;
                }
            }
        }
        followUps.Sort();
        history.SetHandling(
            answered == 0 ? 0 : handleSum / answered,
            consultations == 0 ? 0 : messages / consultations,
            followUps.Count == 0 ? null : followUps[followUps.Count / 2],
            answered);
        return history;
    }
}
