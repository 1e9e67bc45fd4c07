using KefuScore.App.Learning;
using KefuScore.Engine.Events;
using KefuScore.Engine.Quality;

namespace KefuScore.App.Quality;

/// <summary>
/// How one rule did on labelled messages. Precision is null when the rule flagged nothing, recall when no message
/// carries the label, F1 when either is null or both are 0.
/// </summary>
public sealed record RuleFigures(string Rule, int Messages, int Positives, int TruePositives, int FalsePositives, int FalseNegatives)
{
    public double? Precision => TruePositives + FalsePositives == 0 ? null : TruePositives / (double)(TruePositives + FalsePositives);
    public double? Recall => Positives == 0 ? null : TruePositives / (double)Positives;
    public double? F1 => Precision is { } p && Recall is { } r && p + r > 0 ? 2 * p * r / (p + r) : null;
}

/// <summary>
/// The figures of <c>kefu inspect --evaluate</c>: per rule, and the share of polite first replies (first replies
/// without the <c>no_polite_address</c> label) that were flagged anyway.
/// </summary>
public sealed record InspectionFigures(int Messages, IReadOnlyList<RuleFigures> Rules, int PoliteFirstReplies, int PoliteFirstRepliesFlagged,
    IReadOnlyList<(LabelledMessage Message, IReadOnlySet<string> Found)> Errors)
{
    public double? PoliteFlaggedRate => PoliteFirstReplies == 0 ? null : PoliteFirstRepliesFlagged / (double)PoliteFirstReplies;
}

/// <summary>
/// Measures inspection on labelled messages through the real <see cref="Inspector"/>: each message is put in a small
/// conversation of its own and the findings on it are compared with its labels. A first reply opens its
/// conversation (after a welcome message when <see cref="LabelledMessage.Ongoing"/>), its turn's messages 2 s apart;
/// any other message comes after a polite greeting and a customer's question, with no follow-up (so a vague answer
/// stays vague). <c>no_polite_address</c> is counted on first replies only; the other rules on every message (a
/// finding on any message of a turn counts for the record).
/// </summary>
public static class InspectionEvaluation
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(8));

    public static InspectionFigures Evaluate(Inspector inspector, IReadOnlyList<LabelledMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(inspector);
        ArgumentNullException.ThrowIfNull(messages);
        var counts = LabelledMessages.Rules.ToDictionary(r => r, _ => new int[4], StringComparer.Ordinal); // messages, tp, fp, fn
        var positives = LabelledMessages.Rules.ToDictionary(r => r, _ => 0, StringComparer.Ordinal);
        int polite = 0, politeFlagged = 0;
        var errors = new List<(LabelledMessage, IReadOnlySet<string>)>();
        foreach (var m in messages)
        {
            var found = Found(inspector, m);
            var wrong = false;
            foreach (var rule in LabelledMessages.Rules)
            {
                if (rule == RuleIds.NoPoliteAddress && !m.FirstReply) continue;
                var c = counts[rule];
                c[0]++;
                bool truth = m.Labels.Contains(rule), said = found.Contains(rule);
                if (truth) positives[rule]++;
                if (truth && said) c[1]++;
                else if (said) c[2]++;
                else if (truth) c[3]++;
                wrong |= truth != said;
            }
            if (m.FirstReply && !m.Labels.Contains(RuleIds.NoPoliteAddress))
            {
                polite++;
                if (found.Contains(RuleIds.NoPoliteAddress)) politeFlagged++;
            }
            if (wrong) errors.Add((m, found));
        }
        var rules = LabelledMessages.Rules.Select(r => new RuleFigures(r, counts[r][0], positives[r], counts[r][1], counts[r][2], counts[r][3])).ToList();
        return new InspectionFigures(messages.Count, rules, polite, politeFlagged, errors);
    }

    /// <summary>The figures of several evaluations together (the folds of a cross-validation).</summary>
    public static InspectionFigures Sum(IReadOnlyList<InspectionFigures> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var rules = LabelledMessages.Rules.Select(r =>
        {
            var all = parts.Select(p => p.Rules.Single(x => x.Rule == r)).ToList();
            return new RuleFigures(r, all.Sum(x => x.Messages), all.Sum(x => x.Positives), all.Sum(x => x.TruePositives), all.Sum(x => x.FalsePositives), all.Sum(x => x.FalseNegatives));
        }).ToList();
        return new InspectionFigures(parts.Sum(p => p.Messages), rules, parts.Sum(p => p.PoliteFirstReplies), parts.Sum(p => p.PoliteFirstRepliesFlagged), [.. parts.SelectMany(p => p.Errors)]);
    }

    /// <summary>The rules the inspector finds on the record's own messages.</summary>
    public static IReadOnlySet<string> Found(Inspector inspector, LabelledMessage m)
    {
        ArgumentNullException.ThrowIfNull(inspector);
        ArgumentNullException.ThrowIfNull(m);
        var events = new List<ChatEvent>();
        var t = Start;
        ChatEvent Message(string id, Sender sender, string text, MessageKind kind = MessageKind.Text) => new()
        {
            Type = EventType.Message, Id = id, Shop = "eval", Conversation = "c", At = t, Customer = "u",
            Sender = sender, Agent = sender == Sender.Agent ? "a" : null, Kind = kind, Text = text,
        };
        if (m.FirstReply)
        {
            if (m.Ongoing) events.Add(Message("welcome", Sender.Agent, "欢迎光临", MessageKind.Welcome));
            t = t.AddSeconds(1);
            events.Add(Message("question", Sender.Customer, "在吗"));
        }
        else
        {
            events.Add(Message("hello", Sender.Customer, "在吗"));
            t = t.AddSeconds(2);
            events.Add(Message("greeting", Sender.Agent, "亲，在的，请问有什么可以帮您"));
            t = t.AddSeconds(8);
            events.Add(Message("question", Sender.Customer, "问一下"));
        }
        var own = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < m.Messages.Count; i++)
        {
            t = t.AddSeconds(2);
            var id = $"m{i}";
            own.Add(id);
            events.Add(Message(id, Sender.Agent, m.Messages[i]));
        }
        return inspector.InspectConversation(events).Where(f => own.Contains(f.Message)).Select(f => f.Rule).ToHashSet(StringComparer.Ordinal);
    }
}

/// <summary>The JSON of <c>kefu inspect --evaluate</c>.</summary>
public static class InspectionFiguresJson
{
    /// <summary>
    /// Writes the figures; with <paramref name="deals"/> (cross-validation over several deals, the figures being their
    /// sum) also each deal's counts per rule, so the spread between deals is seen beside the sum (decisions.md §92).
    /// </summary>
    public static void Write(Stream output, InspectionFigures figures, IReadOnlyList<InspectionFigures>? deals = null)
    {
        ArgumentNullException.ThrowIfNull(figures);
        using var w = new System.Text.Json.Utf8JsonWriter(output, new System.Text.Json.JsonWriterOptions { Encoder = Reports.ReportJson.Options.Encoder });
        w.WriteStartObject();
        w.WriteNumber("messages", figures.Messages);
        w.WriteStartObject("rules");
        foreach (var r in figures.Rules) WriteRule(w, r);
        w.WriteEndObject();
        w.WriteNumber("polite_first_replies", figures.PoliteFirstReplies);
        w.WriteNumber("polite_first_replies_flagged", figures.PoliteFirstRepliesFlagged);
        Number(w, "polite_flagged_rate", figures.PoliteFlaggedRate);
        if (deals is not null)
        {
            w.WriteStartArray("deals");
            foreach (var deal in deals)
            {
                w.WriteStartObject();
                w.WriteStartObject("rules");
                foreach (var r in deal.Rules) WriteRule(w, r);
                w.WriteEndObject();
                w.WriteNumber("polite_first_replies_flagged", deal.PoliteFirstRepliesFlagged);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteStartArray("errors");
        foreach (var (m, found) in figures.Errors)
        {
            w.WriteStartObject();
            w.WriteNumber("line", m.Line);
            w.WriteString("id", m.Id);
            w.WriteString("text", m.Text);
            w.WriteStartArray("labelled");
            foreach (var l in m.Labels.Order(StringComparer.Ordinal)) w.WriteStringValue(l);
            w.WriteEndArray();
            w.WriteStartArray("found");
            foreach (var l in found.Order(StringComparer.Ordinal)) w.WriteStringValue(l);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteRule(System.Text.Json.Utf8JsonWriter w, RuleFigures r)
    {
        w.WriteStartObject(r.Rule);
        w.WriteNumber("messages", r.Messages);
        w.WriteNumber("labelled", r.Positives);
        w.WriteNumber("true_positives", r.TruePositives);
        w.WriteNumber("false_positives", r.FalsePositives);
        w.WriteNumber("false_negatives", r.FalseNegatives);
        Number(w, "precision", r.Precision);
        Number(w, "recall", r.Recall);
        Number(w, "f1", r.F1);
        w.WriteEndObject();
    }

    private static void Number(System.Text.Json.Utf8JsonWriter w, string name, double? v)
    {
        if (v is { } x) w.WriteNumber(name, Math.Round(x, 4));
        else w.WriteNull(name);
    }
}
