using System.Runtime.InteropServices;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Text;

namespace KefuScore.Engine.Reports;

/// <summary>A conversation as one metric saw it: every customer message, whether it counted, its reply and why.</summary>
public sealed record Explanation(string Shop, string Conversation, MetricDefinition Metric, IReadOnlyList<ExplainRow> Rows)
{
    /// <summary>
    /// Why a row counted as it did: the reason, then the reply that did not count, if any. Only a reply-within
    /// metric has a limit to compare with; for reply times and unanswered counts an answer is just an answer.
    /// </summary>
    public IReadOnlyList<Msg> Why(ExplainRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var agent = row.ReplyAgent ?? "?";
        var seconds = new Num(row.ReplySeconds ?? 0, NumKind.Seconds);
        var limit = new Num(Metric.WithinSeconds, NumKind.Seconds);
        var reason = row.Reason switch
        {
            ExplainReason.Within when Metric.Kind != MetricKind.ReplyWithin => new Msg(Codes.ExplainAnswered, agent, seconds),
            ExplainReason.Within => new Msg(Codes.ExplainWithin, agent, seconds, limit),
            ExplainReason.Late => new Msg(Codes.ExplainLate, agent, seconds, limit),
            ExplainReason.Unanswered => new Msg(Codes.ExplainUnanswered),
            ExplainReason.OutsideHours => new Msg(Codes.ExplainOutsideHours, Metric.Hours.ToString()),
            ExplainReason.MergedIntoRound => new Msg(Codes.ExplainMerged, Metric.Unit.ToString().ToLowerInvariant(), row.RoundStartId ?? ""),
            ExplainReason.NotFirstOfDay => new Msg(Codes.ExplainNotFirst),
            ExplainReason.BotOnly => new Msg(Codes.ExplainBotOnly),
            ExplainReason.LeaveMessage => new Msg(Codes.ExplainLeaveMessage),
            _ => new Msg(Codes.ExplainNotInVersion),
        };
        if (row.IgnoredReplyId is not { } ignored) return [reason];
        var code = row.IgnoredReplyWhy switch
        {
            "welcome message" => Codes.IgnoredWelcome,
            "system message" => Codes.IgnoredSystem,
            "auto-reply" => Codes.IgnoredAuto,
            { } w when w.StartsWith("assist", StringComparison.Ordinal) => Codes.IgnoredAssist,
            _ => Codes.IgnoredBot,
        };
        return [reason, new Msg(code, ignored)];
    }
}

/// <summary>Traces a number back to the messages behind it (<c>kefu explain</c>).</summary>
public static class Explainer
{
    /// <summary>The profile's reply role (else its reply time, else its unanswered count): the one managers ask about.</summary>
    public static MetricDefinition DefaultMetric(CompiledProfile profile) =>
        profile.Roles.Reply ?? profile.Roles.ReplyTime ?? profile.Roles.Unanswered
        ?? throw new ArgumentException($"profile '{profile.Id}' has no reply metric to explain");

    /// <summary>Explains one conversation from its events (any order; duplicates are ignored as the fold ignores them).</summary>
    public static IReadOnlyList<Explanation> Explain(CompiledProfile profile, IEnumerable<ChatEvent> events, string conversation, string? metricId = null)
    {
        var metric = metricId is null ? DefaultMetric(profile)
            : profile.MetricIndex.TryGetValue(metricId, out var mi) ? profile.Metrics[mi]
            : throw new ArgumentException($"profile '{profile.Id}' has no metric '{metricId}'");
        if (metric.Kind is not (MetricKind.ReplyWithin or MetricKind.ReplyTime or MetricKind.Unanswered))
            throw new ArgumentException($"metric '{metric.Id}' is not about reply times; explain one of: {string.Join(", ", profile.Metrics.Where(m => m.Kind is MetricKind.ReplyWithin or MetricKind.ReplyTime or MetricKind.Unanswered).Select(m => m.Id))}");
        var index = profile.MetricIndex[metric.Id];
        var result = new List<Explanation>();
        foreach (var shop in events.Where(e => e.Conversation == conversation).GroupBy(e => e.Shop, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var list = shop.DistinctBy(e => e.Id, StringComparer.Ordinal).ToList();
            ShopPresence? presence = null;
            if (profile.AsksPresence)
            {
                presence = new ShopPresence();
                foreach (var e in events)
                    if (e.Type == EventType.AgentStatus && e.Shop == shop.Key) presence.Add(e);
            }
            list.Sort(EventOrder.Instance);
            result.Add(new Explanation(shop.Key, conversation, metric, Rows(profile, shop.Key, list, index, presence, IncrementalRules.For(profile))));
        }
        return result;
    }

    /// <summary>
    /// The decisions behind one metric of a sorted conversation. Where the report runs the profile on
    /// <see cref="ConversationState"/> (<see cref="IncrementalRules.For"/>), explain reads the decisions that state records;
    /// other profiles are analysed by stretch as the report analyses them.
    /// </summary>
    internal static List<ExplainRow> Rows(CompiledProfile profile, string shop, List<ChatEvent> sorted, int metric, ShopPresence? presence, IncrementalRules? rules)
    {
        var clock = new LocalClock(profile.Zone);
        var facts = new List<MetricFact>();
        if (rules is not null)
        {
            var decisions = new ConversationDecisions(rules, clock, metric);
            var state = new ConversationState(rules, clock, shop) { Decisions = decisions };
            foreach (var e in sorted) state.Apply(new SlimEvent(e, keepSource: true), facts);
            state.Finish(facts);
            return [.. decisions.Rows];
        }
        var analysis = new ConversationAnalysis(profile, clock);
        var rows = new List<ExplainRow>();
        var events = CollectionsMarshal.AsSpan(sorted);
        foreach (var stretch in Stretches.Split(events, profile.Profile.IdleClose.Ticks))
            analysis.Analyse(shop, events.Slice(stretch.Start, stretch.Length), facts, metric, rows, presence);
        return rows;
    }
}
