using KefuScore.Engine.Events;
using KefuScore.Engine.Profiles;

namespace KefuScore.Engine.Metrics;

public sealed partial class ConversationAnalysis
{
    /// <summary>reply_within, reply_time and unanswered: one item per message, round or session.</summary>
    private void ReplyItems(ReadOnlySpan<SlimEvent> events, in MetricContext ctx, List<MetricFact> facts)
    {
        var m = ctx.Metric;
        var next = Next(events, m.AcceptAssist, m.PerAccount);
        var holders = m.PerAccount ? Holders(events) : null;
        var botOnly = m.ExcludeBotOnly && BotOnly(events, m.AcceptAssist);
        var lastCountedDay = int.MinValue;
        var sessions = m.Unit == CountingUnit.Session ? Sessions(events) : null;
        var (starts, count) = m.PerAccount ? AccountStarts(events, next) : (_customers, _customerCount);

        var k = 0;
        while (k < count)
        {
            // An item spans starts[k..end): one message, one round (same next reply) or one session.
            var end = k + 1;
            if (m.Unit == CountingUnit.Round)
                while (end < count && next[starts[end]] == next[starts[k]]) end++;
            else if (m.Unit == CountingUnit.Session)
                while (end < count && sessions![starts[end]] == sessions[starts[k]]) end++;

            var start = starts[k];
            var reason = ExplainReason.Within;
            var counted = true;
            if (botOnly) { counted = false; reason = ExplainReason.BotOnly; }
            else if (!m.Hours.Contains(TimeOfDay(start))) { counted = false; reason = ExplainReason.OutsideHours; }
            else if (!InVersion(ctx, _local[start])) { counted = false; reason = ExplainReason.NotInVersion; }
            else if (m.FirstOnly && LocalDay(start) == lastCountedDay) { counted = false; reason = ExplainReason.NotFirstOfDay; }
            else if (m.ExcludeLeaveMessages && sessions is not null && IsLeaveMessage(events, start)) { counted = false; reason = ExplainReason.LeaveMessage; }

            var (answered, wait, reply) = m.Unit == CountingUnit.Session
                ? SessionWait(events, next, starts, k, end, m, _sessionClose[sessions![start]])
                : RoundWait(events, next[start], start, m);
            string? agent = answered ? events[reply].Agent
                : holders is not null && holders[start] >= 0 ? events[holders[start]].Agent : null;

            if (counted)
            {
                lastCountedDay = LocalDay(start);
                var within = answered && wait <= (long)Math.Round(m.WithinSeconds * TimeSpan.TicksPerSecond);
                reason = CountedReason(m, answered, within);
                Emit(ctx, start, agent, answered, wait, within, facts);
            }

            if (ctx.Explain is { } rows)
            {
                for (var j = k; j < end; j++)
                {
                    var c = starts[j];
                    var r = m.Unit == CountingUnit.Message ? next[c] : reply;
                    var first = j == k;
                    var (ignored, why) = IgnoredReply(events, c, r);
                    var rowAnswered = r != NoReply && (first ? answered : next[c] != NoReply);
                    rows.Add(new ExplainRow(
                        events[c].Id, events[c].At, events[c].Text, counted && first,
                        first ? reason : ExplainReason.MergedIntoRound,
                        rowAnswered ? events[r].Id : null, rowAnswered ? events[r].At : null, rowAnswered ? events[r].Agent : null,
                        rowAnswered ? (events[r].Ticks - events[c].Ticks) / (double)TimeSpan.TicksPerSecond : null,
                        first ? null : events[start].Id, ignored, why, agent));
                }
            }
            k = end;
        }
    }

    /// <summary>Why a counted item counted as it did (explain), shared with <see cref="ConversationState"/>.</summary>
    internal static ExplainReason CountedReason(MetricDefinition m, bool answered, bool within) =>
        !answered ? ExplainReason.Unanswered : m.Kind == MetricKind.ReplyWithin && !within ? ExplainReason.Late : ExplainReason.Within;

    private void Emit(in MetricContext ctx, int start, string? agent, bool answered, long wait, bool within, List<MetricFact> facts) =>
        EmitItem(ctx.Metric, ctx.Shop, ctx.Index, LocalHour(start), agent, answered, wait, within, facts);

    /// <summary>The fact of one counted reply item (message, round, session or buyer-day), shared with <see cref="ConversationState"/>.</summary>
    internal static void EmitItem(MetricDefinition m, string shop, int index, int hour, string? agent, bool answered, long wait, bool within, List<MetricFact> facts)
    {
        switch (m.Kind)
        {
            case MetricKind.ReplyWithin:
                facts.Add(new MetricFact(shop, agent, hour, index, within ? 1 : 0, 1, 0, 0, -1));
                break;
            case MetricKind.ReplyTime when answered:
                var capped = m.CapSeconds is { } cap ? Math.Min(wait, (long)(cap * TimeSpan.TicksPerSecond)) : wait;
                facts.Add(new MetricFact(shop, agent, hour, index, 0, 0, capped, 1, ReplyBuckets.Of(wait)));
                break;
            case MetricKind.ReplyTime when m.UnansweredAsSeconds is { } unanswered:
                facts.Add(new MetricFact(shop, agent, hour, index, 0, 0, (long)(unanswered * TimeSpan.TicksPerSecond), 1, -1));
                break;
            case MetricKind.Unanswered when !answered:
                facts.Add(new MetricFact(shop, agent, hour, index, 0, 0, 0, 1, -1));
                break;
        }
    }

    /// <summary>A message or round: answered when a valid reply follows (on the same day where the profile closes items at day end).</summary>
    private (bool Answered, long Wait, int Reply) RoundWait(ReadOnlySpan<SlimEvent> events, int reply, int start, MetricDefinition m)
    {
        if (reply == NoReply) return (false, 0, NoReply);
        if (m.CloseAtDayEnd && LocalDay(reply) != LocalDay(start)) return (false, 0, NoReply);
        return (true, events[reply].Ticks - events[start].Ticks, reply);
    }

    /// <summary>A session: answered when every round is; its wait is the rounds' average (or the longest, by rule).</summary>
    private (bool Answered, long Wait, int Reply) SessionWait(ReadOnlySpan<SlimEvent> events, int[] next, int[] starts, int from, int to, MetricDefinition m, long closeTicks)
    {
        long sum = 0, max = 0;
        var rounds = 0;
        var firstReply = NoReply;
        var j = from;
        while (j < to)
        {
            var start = starts[j];
            var (answered, wait, reply) = RoundWait(events, next[start], start, m);
            // A reply after the session closed (e.g. Kuaishou's 6 h) no longer answers it.
            if (!answered || events[reply].Ticks > closeTicks) return (false, 0, NoReply);
            if (firstReply == NoReply) firstReply = reply;
            if (m.SessionRule == SessionRule.FirstRound) return (true, wait, reply);
            sum += wait;
            max = Math.Max(max, wait);
            rounds++;
            while (j < to && next[starts[j]] == next[start]) j++;
        }
        return (true, m.SessionRule == SessionRule.EveryRound ? max : sum / rounds, firstReply);
    }

    /// <summary>
    /// Item starts when each agent account counts separately: customer messages, plus every transfer that hands
    /// over a customer still waiting. The waiting round stays unanswered with the first account (the transfer
    /// cut its reply path) and a new round starts for the receiving account at the transfer.
    /// </summary>
    private (int[] Starts, int Count) AccountStarts(ReadOnlySpan<SlimEvent> events, int[] next)
    {
        if (_accountStarts.Length < events.Length) _accountStarts = new int[Math.Max(events.Length, _local.Length)];
        var count = 0;
        var waiting = false;
        for (var i = 0; i < events.Length; i++)
        {
            ref readonly var e = ref events[i];
            if (e.IsCustomerMessage) { _accountStarts[count++] = i; waiting = next[i] != i; }
            else if (e.Type == EventType.Session && e.IsTransfer && waiting) _accountStarts[count++] = i;
            if (next[i] == i) waiting = false;
        }
        return (_accountStarts, count);
    }

    private int[] _accountStarts = [];

    /// <summary>The first reply after a message that did not count, and why (bot, auto-reply, welcome).</summary>
    private static (string? Id, string? Why) IgnoredReply(ReadOnlySpan<SlimEvent> events, int from, int until)
    {
        var end = until == NoReply ? events.Length : until;
        for (var i = from + 1; i < end; i++)
        {
            var why = IgnoredWhy(events[i]);
            if (why is not null) return (events[i].Id, why);
        }
        return (null, null);
    }

    /// <summary>Why a message is no valid reply that a reader might take for one (bot, auto-reply, welcome); null for the rest.</summary>
    internal static string? IgnoredWhy(in SlimEvent e) =>
        e.Type != EventType.Message || e.Sender == Sender.Customer ? null
        : e.Kind == MessageKind.Welcome ? "welcome message"
        : e.Sender == Sender.Bot ? (e.Kind == MessageKind.Assist ? "assist-mode bot reply not accepted by this profile" : "bot reply")
        : e.Sender == Sender.System ? "system message"
        : e.Kind == MessageKind.Auto ? "auto-reply" : null;
}
