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
    /// Mean time an agent holds an answered consultation: from its first human reply to its last, plus the time one
    /// reply takes to write (<see cref="FollowUpReplySeconds"/>, 30 s without any). The wait before the first reply is
    /// left out: it is queueing, which the model adds itself, and a night's wait (a message at 23:00 answered at
    /// 09:00) would otherwise count as ten hours of work.
    /// </summary>
    public double MeanHandleSeconds { get; private set; }

    /// <summary>
    /// Conversations one agent holds at once when busy, from the data: each time an agent takes a consultation (their
    /// first reply in it), how many of their consultations are open (first to last reply) at that moment; the 90th
    /// percentile of those counts, at least 1. 1 when the history names no agents.
    /// </summary>
    public int ObservedConcurrency { get; private set; } = 1;

    /// <summary>Reply-writing time assumed when the history has no follow-up replies.</summary>
    public const double DefaultReplySeconds = 30;

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
    public void SetHandling(double meanHandleSeconds, double messagesPerConsultation, double? followUpReplySeconds, long answeredConversations, int observedConcurrency = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(observedConcurrency, 1);
        ObservedConcurrency = observedConcurrency;
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
        var conversations = new Dictionary<(string Shop, string Conversation), List<(long Ticks, bool Customer, string? Agent)>>();
        foreach (var e in events)
        {
            if (e.Type != EventType.Message || e.Conversation is null) continue;
            if (shop is not null && e.Shop != shop) continue;
            var customer = e.IsCustomerMessage;
            if (!customer && !e.IsHumanReply) continue;
            var key = (e.Shop, e.Conversation);
            if (customer) history._shops.Add(e.Shop);
            if (!conversations.TryGetValue(key, out var list)) conversations[key] = list = [];
            list.Add((e.Ticks, customer, customer ? null : e.Agent));
        }

        var clock = new LocalClock(zone);
        double heldSum = 0, messages = 0;
        // Per agent: the spans (first to last reply) of the consultations they replied in.
        var held = new Dictionary<(string Shop, string Agent), List<(long From, long To)>>();
        long consultations = 0, answered = 0;
        var followUps = new List<double>();
        var gapTicks = (sessionGap ?? DefaultSessionGap).Ticks;
        foreach (var ((shopId, _), list) in conversations)
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
                long? firstReply = null, lastReply = null, pending = null;
                var spans = new Dictionary<string, (long From, long To)>(StringComparer.Ordinal);
                var seenCustomer = 0;
                var previous = first;
                for (; i < list.Count; i++)
                {
                    var (ticks, isCustomer, agent) = list[i];
                    if (isCustomer && seenCustomer > 0 && ticks - previous > gapTicks) break;
                    previous = ticks;
                    if (isCustomer)
                    {
                        messages++;
                        seenCustomer++;
                        if (seenCustomer > 1) pending ??= ticks;
                        continue;
                    }
                    firstReply ??= ticks;
                    lastReply = ticks;
                    if (agent is not null) spans[agent] = spans.TryGetValue(agent, out var span) ? (span.From, ticks) : (ticks, ticks);
                    if (pending is { } p) followUps.Add((ticks - p) / (double)TimeSpan.TicksPerSecond);
                    pending = null;
                }
                if (lastReply is { } last && firstReply is { } firstAnswer)
                {
                    answered++;
                    heldSum += (last - firstAnswer) / (double)TimeSpan.TicksPerSecond;
                }
                foreach (var (agent, span) in spans)
                {
                    var key = (shopId, agent);
                    if (!held.TryGetValue(key, out var own)) held[key] = own = [];
                    own.Add(span);
                }
            }
        }
        followUps.Sort();
        double? followUpReply = followUps.Count == 0 ? null : followUps[followUps.Count / 2];
        history.SetHandling(
            answered == 0 ? 0 : heldSum / answered + (followUpReply ?? DefaultReplySeconds),
            consultations == 0 ? 0 : messages / consultations,
            followUpReply,
            answered,
            Concurrency(held.Values));
        return history;
    }

    /// <summary>The 90th percentile, over every moment an agent takes a consultation, of how many they hold then.</summary>
    private static int Concurrency(IEnumerable<List<(long From, long To)>> spansPerAgent)
    {
        var counts = new List<int>();
        foreach (var spans in spansPerAgent)
        {
            spans.Sort((a, b) => a.From.CompareTo(b.From));
            // Ends of the spans taken so far, smallest first: those ended before a new start are no longer held.
            var open = new PriorityQueue<long, long>();
            foreach (var (from, to) in spans)
            {
                while (open.TryPeek(out _, out var end) && end < from) open.Dequeue();
                open.Enqueue(to, to);
                counts.Add(open.Count);
            }
        }
        if (counts.Count == 0) return 1;
        counts.Sort();
        return Math.Max(1, counts[(int)Math.Ceiling(0.9 * counts.Count) - 1]);
    }
}
