using System.Text;
using System.Text.Json;
using KefuScore.Engine.Quality;

namespace KefuScore.App.Quality;

/// <summary>
/// One labelled agent message (issue 18): its text, the rules it breaks (empty: a clean message), and for an agent's
/// first turn in a conversation the quick messages that follow (<see cref="Turn"/>) and whether the customer was
/// already being served (<see cref="Ongoing"/>: a welcome message, a bot or another agent spoke before).
/// </summary>
public sealed record LabelledMessage(int Line, string Id, string Text, IReadOnlySet<string> Labels, IReadOnlyList<string> Turn, bool FirstReply, bool Ongoing, string? Register = null, string? Group = null)
{
    /// <summary>Every message of the record: the text, then the rest of the turn.</summary>
    public IReadOnlyList<string> Messages => [Text, .. Turn];
}

/// <summary>A labelled-data file that cannot be used: every problem with its line and field.</summary>
public sealed class LabelsException : Exception
{
    public LabelsException() : base("the labelled file cannot be used") { }

    public LabelsException(string message) : base(message) { }

    public LabelsException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Training per rule: the rule whose own labels the problem is in, so a caller names its own option for it.</summary>
    public string? Rule { get; init; }

    /// <summary>With <see cref="Rule"/>: its labels have no example of both kinds (else its stack reads a rule that was not learned).</summary>
    public bool NoExamples { get; init; }

    /// <summary>Training per rule: the cue given two different pattern lists.</summary>
    public string? Cue { get; init; }

    public LabelsException(string source, IReadOnlyList<string> problems)
        : base($"{source}: " + string.Join("; ", problems.Take(20)) + (problems.Count > 20 ? $" (and {problems.Count - 20} more)" : ""))
    {
        Problems = problems;
    }

    public IReadOnlyList<string> Problems { get; } = [];
}

/// <summary>
/// Reads labelled agent messages: JSON Lines of <c>{"id","text","labels":["rude"],"turn":["…"],"first_reply":true,
/// "ongoing":false,"register":"terse","group":"rude-03"}</c> (only <c>text</c> and <c>labels</c> are required; a
/// group holds the wordings of one thing said, kept together when cross-validating). Labels are the text
/// rules' ids (<c>no_polite_address</c> only on a first reply). Any bad line refuses the whole file.
/// </summary>
public static class LabelledMessages
{
    public static readonly IReadOnlyList<string> Rules = [RuleIds.NoPoliteAddress, RuleIds.AbsoluteClaim, RuleIds.Rude, RuleIds.Vague, RuleIds.Overpromise];

    public static IReadOnlyList<LabelledMessage> Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path, Encoding.UTF8); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LabelsException(path, [$"cannot be read: {e.Message}"]);
        }
        return Parse(text, path);
    }

    public static IReadOnlyList<LabelledMessage> Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var problems = new List<string>();
        var messages = new List<LabelledMessage>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim().TrimStart('\uFEFF');
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var n = i + 1;
            JsonElement o;
            try
            {
                using var doc = JsonDocument.Parse(line);
                o = doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                problems.Add($"line {n}: not JSON: {e.Message}");
                continue;
            }
            if (o.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"line {n}: expected an object");
                continue;
            }
            var before = problems.Count;
            var id = String(o, "id", n, problems) ?? $"line-{n}";
            if (!ids.Add(id)) problems.Add($"line {n}, id: '{id}' appears twice");
            var body = String(o, "text", n, problems);
            if (string.IsNullOrWhiteSpace(body)) problems.Add($"line {n}, text: is missing or empty");
            var first = Bool(o, "first_reply", n, problems);
            var labels = new HashSet<string>(StringComparer.Ordinal);
            if (!o.TryGetProperty("labels", out var ls) || ls.ValueKind != JsonValueKind.Array) problems.Add($"line {n}, labels: expected an array of rule ids ([] for a clean message)");
            else
                foreach (var l in ls.EnumerateArray())
                {
                    var label = l.ValueKind == JsonValueKind.String ? l.GetString()! : l.ToString();
                    if (!Rules.Contains(label)) problems.Add($"line {n}, labels: '{label}' is not a text rule (known: {string.Join(", ", Rules)})");
                    else if (label == RuleIds.NoPoliteAddress && !first) problems.Add($"line {n}, labels: no_polite_address applies to a first reply only (set \"first_reply\": true)");
                    else labels.Add(label);
                }
            var turn = new List<string>();
            if (o.TryGetProperty("turn", out var t))
            {
                if (t.ValueKind != JsonValueKind.Array || t.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(x.GetString())))
                    problems.Add($"line {n}, turn: expected an array of non-empty texts");
                else if (!first) problems.Add($"line {n}, turn: only a first reply has a turn (set \"first_reply\": true)");
                else turn.AddRange(t.EnumerateArray().Select(x => x.GetString()!));
            }
            var ongoing = Bool(o, "ongoing", n, problems);
            var register = String(o, "register", n, problems);
            var group = String(o, "group", n, problems);
            if (problems.Count == before) messages.Add(new LabelledMessage(n, id, body!, labels, turn, first, ongoing, register, group));
        }
        if (problems.Count > 0) throw new LabelsException(source, problems);
        if (messages.Count == 0) throw new LabelsException(source, ["has no labelled messages"]);
        return messages;
    }

    private static string? String(JsonElement o, string key, int line, List<string> problems)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String) return v.GetString();
        problems.Add($"line {line}, {key}: expected a string");
        return null;
    }

    private static bool Bool(JsonElement o, string key, int line, List<string> problems)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return false;
        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False) return v.GetBoolean();
        problems.Add($"line {line}, {key}: expected true or false");
        return false;
    }
}
