using System.Text.Json;
using KefuScore.App.Reading;
using KefuScore.App.Reports;
using KefuScore.Engine.Events;
using KefuScore.Engine.Quality;

namespace KefuScore.App.Quality;

/// <summary>An inspection over read records: what the engine found, and the lines the readers rejected.</summary>
public sealed record InspectionRun(Inspection Inspection, IReadOnlyList<RejectedLine> Rejected);

/// <summary>
/// Runs quality inspection over event files: the readers' records go to <see cref="Inspector"/>, rejected lines are
/// kept for the caller. The engine holds every message of the input (inspection reads whole conversations).
/// </summary>
public static class InspectionRunner
{
    public static InspectionRun Run(InspectionRules rules, IEnumerable<ReadItem> items) => Run(new Inspector(rules), items);

    public static InspectionRun Run(Inspector inspector, IEnumerable<ReadItem> items)
    {
        ArgumentNullException.ThrowIfNull(inspector);
        ArgumentNullException.ThrowIfNull(items);
        var rejected = new List<RejectedLine>();
        var inspection = inspector.Inspect(Events(items, rejected));
        return new InspectionRun(inspection, rejected);
    }

    private static IEnumerable<ChatEvent> Events(IEnumerable<ReadItem> items, List<RejectedLine> rejected)
    {
        foreach (var item in items)
        {
            if (item.Event is { } e) yield return e;
            else if (item.Rejected is { } r) rejected.Add(r);
        }
    }

    /// <summary>
    /// The contract of <c>kefu inspect</c> (issue 7): <c>{"findings": [{shop, conversation, message, agent, rule, evidence}],
    /// "agents": {"a1": {messages, findings, score}}}</c>; findings in time order, agents by id, scores to one decimal.
    /// </summary>
    public static void WriteJson(Stream output, Inspection inspection)
    {
        ArgumentNullException.ThrowIfNull(inspection);
        using var w = new Utf8JsonWriter(output, ReportJson.Options);
        w.WriteStartObject();
        w.WriteStartArray("findings");
        foreach (var f in inspection.Findings)
        {
            w.WriteStartObject();
            w.WriteString("shop", f.Shop);
            w.WriteString("conversation", f.Conversation);
            w.WriteString("message", f.Message);
            w.WriteString("agent", f.Agent);
            w.WriteString("rule", f.Rule);
            w.WriteString("evidence", f.Evidence);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("agents");
        foreach (var (agent, score) in inspection.Agents.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject(agent);
            w.WriteNumber("messages", score.Messages);
            w.WriteNumber("findings", score.Findings);
            w.WriteNumber("score", Math.Round(score.Score, 1, MidpointRounding.AwayFromZero));
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
