using KefuScore.Engine.Events;
using KefuScore.Engine.Profiles;

namespace KefuScore.Engine.Metrics;

public sealed partial class ConversationAnalysis
{
    private int[] _sessionIds = [];
    /// <summary>Per session number: the UTC ticks at which it closed (explicitly or by the profile's rules), or MaxValue.</summary>
    private long[] _sessionClose = [];
    private bool _sessionsReady;

    /// <summary>
    /// Session numbers per event. Explicit <c>opened</c>/<c>closed</c> events cut sessions; the profile's
    /// <see cref="SessionRules"/> add automatic closes (customer left unanswered, customer silent after a reply) and
    /// let a customer who returns soon after a close continue the same session. Without rules the stretch is one session.
    /// </summary>
    private int[] Sessions(ReadOnlySpan<SlimEvent> events)
    {
        if (_sessionsReady) return _sessionIds;
        var n = events.Length;
        if (_sessionIds.Length < n) _sessionIds = new int[Math.Max(n, _local.Length)];
        if (_sessionClose.Length < n + 1) _sessionClose = new long[Math.Max(n + 1, _local.Length + 1)];
        var rules = Profile.Profile.Sessions;
        var agentSilence = rules.CloseAfterAgentSilence?.Ticks;
        var customerSilence = rules.CloseAfterCustomerSilence?.Ticks;
        var continueWithin = rules.ContinueWithin?.Ticks;

        var current = 0;
        var used = false;
        var closedAt = long.MinValue;     // the current session's close, once known
        var waitingSince = long.MinValue; // first customer message not yet answered by a human
        var lastReply = long.MinValue;    // last human reply not yet followed by a customer message
        _sessionClose[0] = long.MaxValue;

        void StartNew()
        {
            _sessionClose[current] = closedAt == long.MinValue ? long.MaxValue : closedAt;
            current++;
            _sessionClose[current] = long.MaxValue;
            used = false;
            closedAt = waitingSince = lastReply = long.MinValue;
        }

        for (var i = 0; i < n; i++)
        {
            ref readonly var e = ref events[i];
            var t = e.Ticks;
            if (used && closedAt == long.MinValue)
            {
                if (agentSilence is { } a && waitingSince != long.MinValue && t - waitingSince >= a) closedAt = waitingSince + a;
                else if (customerSilence is { } c && lastReply != long.MinValue && t - lastReply >= c) closedAt = lastReply + c;
            }
            if (e.IsCustomerMessage && closedAt != long.MinValue)
            {
                // JD: a buyer back within 10 minutes of the close is still in the same session.
                if (continueWithin is { } w && t - closedAt < w) closedAt = long.MinValue;
                else StartNew();
            }
            if (e.Type == EventType.Session && e.IsOpened && used) StartNew();
            _sessionIds[i] = current;
            if (e.IsCustomerMessage)
            {
                used = true;
                lastReply = long.MinValue;
                if (waitingSince == long.MinValue) waitingSince = t;
            }
            else if (e.IsHumanReply && closedAt == long.MinValue)
            {
                waitingSince = long.MinValue;
                lastReply = t;
            }
            if (e.Type == EventType.Session && e.IsClosed && used && closedAt == long.MinValue) closedAt = t;
        }
        _sessionClose[current] = closedAt == long.MinValue ? long.MaxValue : closedAt;
        _sessionsReady = true;
        return _sessionIds;
    }

    /// <summary>
    /// 留言 (SPEC §5.3): the session's first customer message arrived while no agent of the shop was online by its
    /// <c>agent_status</c> events. A shop that sends no statuses has no leave-messages; how the session ended does not
    /// matter (an unanswered session is an unanswered session, not a message left).
    /// </summary>
    private bool IsLeaveMessage(ReadOnlySpan<SlimEvent> events, int start) =>
        _presence is { } p && p.NobodyOnline(events[start].Ticks);

    /// <summary>leave_message: one item per session (by its first customer message in the hours).</summary>
    private void LeaveMessages(ReadOnlySpan<SlimEvent> events, in MetricContext ctx, List<MetricFact> facts)
    {
        var m = ctx.Metric;
        var sessions = Sessions(events);
        var last = -1;
        for (var k = 0; k < _customerCount; k++)
        {
            var c = _customers[k];
            if (sessions[c] == last) continue;
            last = sessions[c];
            if (!m.Hours.Contains(TimeOfDay(c)) || !InVersion(ctx, _local[c])) continue;
            var leave = IsLeaveMessage(events, c);
            facts.Add(new MetricFact(ctx.Shop, null, LocalHour(c), ctx.Index, leave ? 1 : 0, 1, 0, 0, -1));
        }
    }

    /// <summary>consultations with the session unit: one per session, at its first customer message in the hours (咨询量 by session).</summary>
    private void ConsultingSessions(ReadOnlySpan<SlimEvent> events, in MetricContext ctx, List<MetricFact> facts)
    {
        var m = ctx.Metric;
        var sessions = Sessions(events);
        var last = -1;
        for (var k = 0; k < _customerCount; k++)
        {
            var c = _customers[k];
            if (sessions[c] == last) continue;
            last = sessions[c];
            if (!m.Hours.Contains(TimeOfDay(c)) || !InVersion(ctx, _local[c])) continue;
            facts.Add(new MetricFact(ctx.Shop, null, LocalHour(c), ctx.Index, 0, 0, 0, 1, -1));
        }
    }
}
