using KefuScore.Engine.Profiles;
using YamlDotNet.RepresentationModel;
using KefuScore.Engine.Text;

namespace KefuScore.App.Profiles;

public static partial class ProfileLoader
{
    private static readonly string[] MetricKeys =
    [
        "id", "names", "kind", "unit", "hours", "within", "first_only", "session_rule", "accept_assist", "exclude_bot_only",
        "close_at_day_end", "per_account", "cap", "unanswered_as", "levels", "of", "reason", "exclude_leave_messages",
        "rated_by",
    ];

    private static readonly string[] ComparisonKeys = ["below", "at_most", "above", "at_least"];

    private static MetricKind? KindOf(string s) => s switch
    {
        "reply_within" => MetricKind.ReplyWithin, "reply_time" => MetricKind.ReplyTime, "unanswered" => MetricKind.Unanswered,
        "consultations" => MetricKind.Consultations, "not_served" => MetricKind.NotServed, "rating_share" => MetricKind.RatingShare,
        "leave_message" => MetricKind.LeaveMessage, "complaint_rate" => MetricKind.ComplaintRate,
        _ => null,
    };

    private static Comparison? OpOf(string s) => s switch
    {
        "below" => Comparison.Below, "at_most" => Comparison.AtMost, "above" => Comparison.Above, "at_least" => Comparison.AtLeast,
        _ => null,
    };

    private static MetricDefinition? ReadMetric(Reader r, List<ProfileError> errors, YamlMappingNode m, string path)
    {
        r.Known(m, path, MetricKeys);
        var id = r.String(m, path, "id", required: true);
        var kindText = r.String(m, path, "kind", required: true);
        var kind = kindText is null ? null : KindOf(kindText);
        if (kindText is not null && kind is null)
            errors.Add(new ProfileError($"{path}.kind", new Msg(Codes.InputNotOneOf, kindText, new Literal("reply_within, reply_time, unanswered, consultations, not_served, rating_share, leave_message, complaint_rate"))));
        var unitText = r.String(m, path, "unit");
        CountingUnit? unit = unitText switch
        {
            null or "message" => CountingUnit.Message, "round" => CountingUnit.Round, "session" => CountingUnit.Session, "buyer" => CountingUnit.Buyer,
            _ => null,
        };
        if (unit is null) errors.Add(new ProfileError($"{path}.unit", new Msg(Codes.InputNotOneOf, unitText ?? "", new Literal("message, round, session, buyer"))));
        var hours = AssessmentHours.AllDay;
        if (r.String(m, path, "hours") is { } hoursText && !AssessmentHours.TryParse(hoursText, out hours, out var hoursError))
            errors.Add(new ProfileError($"{path}.hours", hoursError!));
        var ruleText = r.String(m, path, "session_rule");
        SessionRule? rule = ruleText switch
        {
            null or "average_round_wait" => SessionRule.AverageRoundWait, "every_round" => SessionRule.EveryRound, "first_round" => SessionRule.FirstRound,
            _ => null,
        };
        if (rule is null) errors.Add(new ProfileError($"{path}.session_rule", new Msg(Codes.InputNotOneOf, ruleText ?? "", new Literal("average_round_wait, every_round, first_round"))));
        var ratedByText = r.String(m, path, "rated_by");
        RatedBy? ratedBy = ratedByText switch
        {
            null or "any" => RatedBy.Any, "stars" => RatedBy.Stars, "satisfaction" => RatedBy.Satisfaction,
            _ => null,
        };
        if (ratedBy is null) errors.Add(new ProfileError($"{path}.rated_by", new Msg(Codes.InputNotOneOf, ratedByText ?? "", new Literal("any, stars, satisfaction"))));
        if (id is null || kind is null) return null;
        return new MetricDefinition
        {
            Id = id, Kind = kind.Value, Names = r.Names(m, path), Unit = unit ?? CountingUnit.Message, Hours = hours,
            WithinSeconds = r.Duration(m, path, "within")?.TotalSeconds ?? 0, FirstOnly = r.Bool(m, path, "first_only"),
            SessionRule = rule ?? SessionRule.AverageRoundWait, AcceptAssist = r.Bool(m, path, "accept_assist"),
            ExcludeBotOnly = r.Bool(m, path, "exclude_bot_only"), CloseAtDayEnd = r.Bool(m, path, "close_at_day_end"),
            PerAccount = r.Bool(m, path, "per_account"), CapSeconds = r.Duration(m, path, "cap")?.TotalSeconds,
            UnansweredAsSeconds = r.Duration(m, path, "unanswered_as")?.TotalSeconds,
            Levels = r.Levels(m, path, "levels"), Of = r.Levels(m, path, "of"), Reason = r.String(m, path, "reason"),
            ExcludeLeaveMessages = r.Bool(m, path, "exclude_leave_messages"), RatedBy = ratedBy ?? RatedBy.Any, Path = path,
        };
    }

    /// <summary><c>roles: { reply: reply_rate_3min, … }</c>: which metric plays each role (MetricRoles).</summary>
    private static Dictionary<MetricRole, string> ReadRoles(Reader r, YamlMappingNode root)
    {
        var roles = new Dictionary<MetricRole, string>();
        if (r.Mapping(root, "", "roles") is not { } map) return roles;
        r.Known(map, "roles", [.. MetricRoles.All.Select(x => x.Key)]);
        foreach (var (role, key, _) in MetricRoles.All)
            if (r.String(map, "roles", key) is { } id) roles[role] = id;
        return roles;
    }

    private static SessionRules ReadSessions(Reader r, YamlMappingNode root)
    {
        if (r.Mapping(root, "", "sessions") is not { } s) return SessionRules.None;
        r.Known(s, "sessions", "continue_within", "close_after_agent_silence", "close_after_customer_silence");
        return new SessionRules
        {
            ContinueWithin = r.Duration(s, "sessions", "continue_within"),
            CloseAfterAgentSilence = r.Duration(s, "sessions", "close_after_agent_silence"),
            CloseAfterCustomerSilence = r.Duration(s, "sessions", "close_after_customer_silence"),
        };
    }

    private static Condition? ReadCondition(Reader r, List<ProfileError> errors, YamlMappingNode c, string path)
    {
        r.Known(c, path, "metric", "below", "at_most", "above", "at_least");
        var metric = r.String(c, path, "metric", required: true);
        var ops = ComparisonKeys.Where(k => r.Node(c, k) is not null).ToList();
        if (ops.Count != 1)
        {
            errors.Add(new ProfileError(path, new Msg(Codes.ProfileConditionOne)));
            return null;
        }
        var value = r.Number(c, path, ops[0]);
        if (metric is null || value is null) return null;
        return new Condition(metric, OpOf(ops[0])!.Value, value.Value) { Path = $"{path}.metric" };
    }

    private static IReadOnlyList<Condition> ReadConditions(Reader r, List<ProfileError> errors, YamlMappingNode map, string path, string key) =>
        r.List(map, path, key, (c, p) => ReadCondition(r, errors, c, p));

    private static AssessmentRule? ReadAssessment(Reader r, List<ProfileError> errors, YamlMappingNode a, string path)
    {
        r.Known(a, path, "id", "names", "period", "days", "fail_when", "pass_when", "consecutive", "consequence");
        var id = r.String(a, path, "id", required: true);
        var consequences = new List<Consequence>();
        switch (r.Node(a, "consequence"))
        {
            case YamlMappingNode one:
                if (ReadConsequence(r, errors, one, $"{path}.consequence") is { } c1) consequences.Add(c1);
                break;
            case YamlSequenceNode many:
                consequences.AddRange(r.List(a, path, "consequence", (c, p) => ReadConsequence(r, errors, c, p)));
                break;
            case YamlScalarNode { Value: null or "" or "null" or "~" }:
            case null:
                break;
            case { } other:
                errors.Add(new ProfileError($"{path}.consequence (line {other.Start.Line})", new Msg(Codes.ProfileConsequenceShape)));
                break;
        }
        if (id is null) return null;
        return new AssessmentRule
        {
            Id = id, Names = r.Names(a, path), Period = r.Period(a, path, "period") ?? PeriodKind.Day, Days = r.Int(a, path, "days") ?? 1,
            FailWhen = ReadConditions(r, errors, a, path, "fail_when"), PassWhen = ReadConditions(r, errors, a, path, "pass_when"),
            Consecutive = r.Int(a, path, "consecutive") ?? 1, Consequences = consequences, Path = path,
        };
    }

    private static Consequence? ReadConsequence(Reader r, List<ProfileError> errors, YamlMappingNode c, string path)
    {
        r.Known(c, path, "kind", "amount", "points", "when");
        var kind = r.String(c, path, "kind", required: true);
        var when = r.Mapping(c, path, "when") is { } w ? ReadCondition(r, errors, w, $"{path}.when") : null;
        var amount = r.Number(c, path, "amount");
        return kind is null ? null : new Consequence { Kind = kind, Amount = amount is null ? null : (decimal)amount.Value, Points = r.Int(c, path, "points"), When = when };
    }

    private static SpecialPeriod? ReadSpecialPeriod(Reader r, List<ProfileError> errors, YamlMappingNode s, string path)
    {
        r.Known(s, path, "id", "names", "from", "to", "overrides", "exempt");
        var id = r.String(s, path, "id", required: true);
        var from = r.Date(s, path, "from", required: true);
        var to = r.Date(s, path, "to", required: true);
        var overrides = new Dictionary<string, IReadOnlyList<Condition>>(StringComparer.Ordinal);
        if (r.Mapping(s, path, "overrides") is { } o)
            foreach (var (k, _) in o.Children)
                if (k is YamlScalarNode { Value: { } rule })
                    overrides[rule] = ReadConditions(r, errors, o, $"{path}.overrides", rule);
        var exempt = r.Node(s, "exempt") is YamlSequenceNode seq ? seq.Children.OfType<YamlScalarNode>().Select(x => x.Value ?? "").ToList() : [];
        if (id is null || from is null || to is null) return null;
        return new SpecialPeriod { Id = id, Names = r.Names(s, path), From = from.Value, To = to.Value, Overrides = overrides, Exempt = exempt };
    }

    private static ProfileVersion? ReadVersion(Reader r, List<ProfileError> errors, YamlMappingNode v, string path)
    {
        r.Known(v, path, "effective_from", "metrics", "assessments", "remove_metrics", "remove_assessments");
        var from = r.Date(v, path, "effective_from", required: true);
        static IReadOnlyList<string> Names(YamlNode? n) => n is YamlSequenceNode seq ? seq.Children.OfType<YamlScalarNode>().Select(x => x.Value ?? "").ToList() : [];
        var version = new ProfileVersion
        {
            EffectiveFrom = from ?? DateOnly.MinValue,
            Metrics = r.List(v, path, "metrics", (m, p) => ReadMetric(r, errors, m, p)),
            Assessments = r.List(v, path, "assessments", (a, p) => ReadAssessment(r, errors, a, p)),
            RemoveMetrics = Names(r.Node(v, "remove_metrics")),
            RemoveAssessments = Names(r.Node(v, "remove_assessments")),
        };
        return from is null ? null : version;
    }
}
