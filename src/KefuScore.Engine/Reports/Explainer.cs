using System.Runtime.InteropServices;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;

namespace KefuScore.Engine.Reports;

/// <summary>A conversation as one metric saw it: every customer message, whether it counted, its reply and why.</summary>
public sealed record Explanation(string Shop, string Conversation, MetricDefinition Metric, IReadOnlyList<ExplainRow> Rows);

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
            var analysis = new ConversationAnalysis(profile, new LocalClock(profile.Zone));
            var rows = new List<ExplainRow>();
            var facts = new List<MetricFact>();
            foreach (var stretch in Stretches.Split(CollectionsMarshal.AsSpan(list), profile.Profile.IdleClose.Ticks))
                analysis.Analyse(shop.Key, CollectionsMarshal.AsSpan(list).Slice(stretch.Start, stretch.Length), facts, index, rows, presence);
            result.Add(new Explanation(shop.Key, conversation, metric, rows));
        }
        return result;
    }
}
