using System.Text.Json;
using KefuScore.Engine.Live;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Text;

namespace KefuScore.App.Live;

/// <summary>
/// A shop's alert rules as JSON, the same shape in the <c>alert_rules</c> table and in <c>GET/PUT …/alert-rules</c>:
/// <c>{"quiet_hours": "23:00-08:00" | null, "rules": [{"id", "kind", "threshold", "metric", "enabled"}]}</c>.
/// </summary>
public static class AlertRulesJson
{
    public static string Write(AlertRuleSet set)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (set.QuietHours is { } q) w.WriteString("quiet_hours", q.ToString());
            else w.WriteNull("quiet_hours");
            w.WriteStartArray("rules");
            foreach (var r in set.Rules)
            {
                w.WriteStartObject();
                w.WriteString("id", r.Id);
                w.WriteString("kind", AlertRule.KindName(r.Kind));
                w.WriteNumber("threshold", r.Threshold);
                if (r.Metric is null) w.WriteNull("metric");
                else w.WriteString("metric", r.Metric);
                w.WriteBoolean("enabled", r.Enabled);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads and checks a rule set against the shop's profile; errors name the field and the reason.</summary>
    public static (AlertRuleSet? Set, IReadOnlyList<AlertRuleError> Errors) Read(string json, CompiledProfile profile)
    {
        var errors = new List<AlertRuleError>();
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            return (null, [new AlertRuleError("", new Msg(Codes.AlertNotJson, e.Message))]);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, [new AlertRuleError("", new Msg(Codes.AlertExpectedObject))]);
            AssessmentHours? quiet = null;
            if (root.TryGetProperty("quiet_hours", out var q) && q.ValueKind != JsonValueKind.Null)
            {
                if (q.ValueKind != JsonValueKind.String) errors.Add(new("quiet_hours", new Msg(Codes.AlertQuietHoursText)));
                else if (!AssessmentHours.TryParse(q.GetString()!, out var hours, out var why)) errors.Add(new("quiet_hours", why!));
                else quiet = hours;
            }
            if (!root.TryGetProperty("rules", out var list) || list.ValueKind != JsonValueKind.Array)
                return (null, [.. errors, new AlertRuleError("rules", new Msg(Codes.AlertExpectedRules))]);
            var rules = new List<AlertRule>();
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                var at = $"rules[{i++}]";
                if (item.ValueKind != JsonValueKind.Object) { errors.Add(new(at, new Msg(Codes.AlertExpectedRule))); continue; }
                var kindText = Text(item, "kind");
                if (!AlertRule.TryParseKind(kindText, out var kind))
                {
                    errors.Add(new($"{at}.kind", new Msg(Codes.AlertKind, kindText ?? "")));
                    continue;
                }
                var threshold = 0.0;
                if (item.TryGetProperty("threshold", out var t) && t.ValueKind != JsonValueKind.Null && !t.TryGetDouble(out threshold))
                    errors.Add(new($"{at}.threshold", new Msg(Codes.AlertNotNumber)));
                var enabled = !item.TryGetProperty("enabled", out var en) || en.ValueKind != JsonValueKind.False;
                rules.Add(new AlertRule(Text(item, "id") ?? AlertRule.KindName(kind), kind, threshold, Text(item, "metric"), enabled));
            }
            var set = new AlertRuleSet(rules, quiet);
            errors.AddRange(set.Validate(profile));
            return errors.Count > 0 ? (null, errors) : (set, errors);
        }
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
