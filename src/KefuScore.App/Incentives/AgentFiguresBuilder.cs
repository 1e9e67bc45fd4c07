using KefuScore.Engine.Complaints;
using KefuScore.Engine.Events;
using KefuScore.Engine.Incentives;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Reports;

namespace KefuScore.App.Incentives;

/// <summary>
/// Turns a report's agent figures and the complaints naming each agent into <see cref="AgentFigures"/> for a period:
/// each metric over the whole period (its additive parts summed over the report's periods), <c>messages_answered</c>
/// (the denominator of the agent's <c>reply_rate_3min</c>), <c>complaints</c>,
/// <c>complaints_per_100</c> (per 100 consultations), and, when the complaints' handling is known,
/// <c>complaints_breached</c> and <c>complaints_in_time_rate</c> (1 when the agent had none).
/// </summary>
public static class AgentFiguresBuilder
{
    /// <summary>A complaint against an agent: whether its deadline was breached (null when unknown, as in an event file).</summary>
    public sealed record AgentComplaint(string Agent, bool? Breached);

    public static IReadOnlyList<AgentFigures> Build(Report report, IEnumerable<AgentComplaint> complaints)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(complaints);
        var byAgent = complaints.GroupBy(c => c.Agent, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var agents = report.Shops.SelectMany(s => s.Agents).GroupBy(a => a.Agent, StringComparer.Ordinal);
        var names = agents.Select(g => g.Key).Union(byAgent.Keys, StringComparer.Ordinal);
        var result = new List<AgentFigures>();
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            var periods = agents.FirstOrDefault(g => g.Key == name)?.SelectMany(a => a.Periods).ToList() ?? [];
            foreach (var metric in periods.SelectMany(p => p.Metrics).GroupBy(m => m.Metric.Id, StringComparer.Ordinal))
            {
                var cell = new MetricCell();
                foreach (var m in metric) cell.Add(m.Cell);
                if (new MetricValue(metric.First().Metric, cell).Value is { } v) values[metric.Key] = v;
                // Agents get no consultations of their own (credit goes to replies, decisions.md §5): how many
                // customer messages an agent answered is the denominator of their reply rate.
                if (metric.Key == "reply_rate_3min") values["messages_answered"] = cell.Denominator;
            }
            var list = byAgent.TryGetValue(name, out var l) ? l : [];
            values["complaints"] = list.Count;
            if (values.TryGetValue("messages_answered", out var answered) && answered > 0) values["complaints_per_100"] = list.Count * 100.0 / answered;
            if (list.All(c => c.Breached is not null))
            {
                var breached = list.Count(c => c.Breached == true);
                values["complaints_breached"] = breached;
                values["complaints_in_time_rate"] = list.Count == 0 ? 1 : (list.Count - breached) / (double)list.Count;
            }
            result.Add(new AgentFigures(name, values));
        }
        return result;
    }

    /// <summary>Complaint events of an event stream, by the agent they name (handling unknown).</summary>
    public static IEnumerable<AgentComplaint> FromEvents(IEnumerable<ChatEvent> events) =>
        events.Where(e => e.Type == EventType.Complaint && e.Agent is not null).DistinctBy(e => (e.Shop, e.Id)).Select(e => new AgentComplaint(e.Agent!, null));

    /// <summary>Stored complaints with their clocks, by agent.</summary>
    public static IEnumerable<AgentComplaint> FromClocks(IEnumerable<(string? Agent, ComplaintClock Clock)> complaints) =>
        complaints.Where(c => c.Agent is not null).Select(c => new AgentComplaint(c.Agent!, c.Clock.Breached));
}
