using KefuScore.Engine.Profiles;
using KefuScore.Engine.Text;

namespace KefuScore.Engine.Live;

/// <summary>What an alert rule watches (docs/live.md).</summary>
public enum AlertKind
{
    /// <summary>A customer has waited at least <see cref="AlertRule.Threshold"/> seconds for a valid reply.</summary>
    Waiting,
    /// <summary>Customers wait in assessment hours and no agent is online to take them.</summary>
    NoAgentOnline,
    /// <summary>An agent's concurrent conversations ÷ capacity is at or above <see cref="AlertRule.Threshold"/> (0–1+).</summary>
    Saturation,
    /// <summary>Today's projection of <see cref="AlertRule.Metric"/> is under <see cref="AlertRule.Threshold"/>.</summary>
    ProjectionBelow,
    /// <summary>A dissatisfied rating today.</summary>
    Dissatisfied,
    /// <summary>A complaint today.</summary>
    Complaint,
}

/// <summary>One alert rule of a shop: data, edited in the dashboard or through <c>PUT …/alert-rules</c>.</summary>
/// <param name="Id">The rule's name in alerts and webhooks (unique in the shop's set).</param>
/// <param name="Threshold">Seconds for waiting; a share (0.9 = 90%) for saturation and projection_below; unused otherwise.</param>
/// <param name="Metric">For projection_below: the metric whose projection is watched (a rate of the shop's profile).</param>
public sealed record AlertRule(string Id, AlertKind Kind, double Threshold = 0, string? Metric = null, bool Enabled = true)
{
    public static string KindName(AlertKind kind) => kind switch
    {
        AlertKind.Waiting => "waiting",
        AlertKind.NoAgentOnline => "no_agent_online",
        AlertKind.Saturation => "saturation",
        AlertKind.ProjectionBelow => "projection_below",
        AlertKind.Dissatisfied => "dissatisfied",
        AlertKind.Complaint => "complaint",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static bool TryParseKind(string? text, out AlertKind kind)
    {
        foreach (var k in Enum.GetValues<AlertKind>())
        {
            if (string.Equals(KindName(k), text, StringComparison.Ordinal))
            {
                kind = k;
                return true;
            }
        }
        kind = default;
        return false;
    }
}

/// <summary>A problem in a rule set: where (<c>rules[2].threshold</c>) and why.</summary>
public sealed record AlertRuleError(string Field, Msg Text)
{
    /// <summary>The reason in the command line's English (the API's <c>reason</c>).</summary>
    public string Reason => EnglishText.Render(Text);
}

/// <summary>A shop's alert rules and quiet hours (local time in the profile's zone; nothing opens inside them).</summary>
public sealed record AlertRuleSet(IReadOnlyList<AlertRule> Rules, AssessmentHours? QuietHours = null)
{
    /// <summary>
    /// The defaults: a customer waiting 120 s (the platform counts a miss at 180 s; 60 s are left to save it), no agent
    /// online, saturation at 100%, the first reply-rate metric's day projected under its pass line (97% when the
    /// profile names none), any dissatisfied rating, any complaint.
    /// </summary>
    public static AlertRuleSet Defaults(CompiledProfile profile)
    {
        var rules = new List<AlertRule>
        {
            new("waiting", AlertKind.Waiting, 120),
            new("no_agent_online", AlertKind.NoAgentOnline),
            new("saturation", AlertKind.Saturation, 1.0),
        };
        if (LiveShop.PrimaryReplyMetric(profile) is { } primary)
            rules.Add(new("projection_below", AlertKind.ProjectionBelow, DayLines.PassLine(profile, primary.Id, profile.Versions[^1].From) ?? 0.97, primary.Id));
        rules.Add(new("dissatisfied", AlertKind.Dissatisfied));
        rules.Add(new("complaint", AlertKind.Complaint));
        return new AlertRuleSet(rules);
    }

    /// <summary>Every problem with the set against the shop's profile; empty when usable.</summary>
    public IReadOnlyList<AlertRuleError> Validate(CompiledProfile profile)
    {
        var errors = new List<AlertRuleError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Rules.Count; i++)
        {
            var r = Rules[i];
            var at = $"rules[{i}]";
            if (string.IsNullOrWhiteSpace(r.Id) || r.Id.Length > 64) errors.Add(new($"{at}.id", new Msg(Codes.AlertIdRequired)));
            else if (!seen.Add(r.Id)) errors.Add(new($"{at}.id", new Msg(Codes.AlertIdTwice, r.Id)));
            switch (r.Kind)
            {
                case AlertKind.Waiting when r.Threshold is <= 0 or > 86_400 || double.IsNaN(r.Threshold):
                    errors.Add(new($"{at}.threshold", new Msg(Codes.AlertWaitingThreshold)));
                    break;
                case AlertKind.Saturation when r.Threshold is <= 0 or > 10 || double.IsNaN(r.Threshold):
                    errors.Add(new($"{at}.threshold", new Msg(Codes.AlertSaturationThreshold)));
                    break;
                case AlertKind.ProjectionBelow:
                    if (r.Threshold is <= 0 or > 1 || double.IsNaN(r.Threshold))
                        errors.Add(new($"{at}.threshold", new Msg(Codes.AlertProjectionThreshold)));
                    if (r.Metric is null || !profile.MetricIndex.TryGetValue(r.Metric, out var m) || profile.Metrics[m].Shape != MetricShape.Rate)
                        errors.Add(new($"{at}.metric", new Msg(Codes.AlertProjectionMetric, profile.Id, string.Join(", ", profile.Metrics.Where(x => x.Shape == MetricShape.Rate).Select(x => x.Id)))));
                    break;
            }
        }
        return errors;
    }
}
