using KefuScore.Engine.Text;
namespace KefuScore.Engine.Profiles;

/// <summary>A problem in a profile: where (path in the document) and what, as a code with arguments.</summary>
public sealed record ProfileError(string Path, Msg Reason)
{
    /// <summary>The reason in the command line's English (the CLI, the API's <c>problem</c>).</summary>
    public string Problem => EnglishText.Render(Reason);

    public override string ToString() => $"{Path}: {Problem}";
}

/// <summary>Thrown when a profile cannot be used; carries every problem found, not just the first.</summary>
public sealed class ProfileException(string source, IReadOnlyList<ProfileError> errors)
    : Exception($"{source}: {string.Join("; ", errors)}")
{
    public string ProfileSource { get; } = source;
    public IReadOnlyList<ProfileError> Errors { get; } = errors;
}

/// <summary>The rules of one version of a profile, with metrics resolved to their report index.</summary>
public sealed record ProfileVersionRules(DateOnly From, IReadOnlyList<MetricDefinition> Metrics, IReadOnlyList<int> MetricIndexes, IReadOnlyList<AssessmentRule> Assessments);

/// <summary>
/// A checked profile ready for the engine: every version resolved, metric ids numbered across versions
/// (rollups store cells by that number), the time zone handed in by the caller.
/// </summary>
public sealed class CompiledProfile
{
    private CompiledProfile(Profile profile, TimeZoneInfo zone, IReadOnlyList<MetricDefinition> metrics, IReadOnlyList<ProfileVersionRules> versions)
    {
        Profile = profile;
        Zone = zone;
        Metrics = metrics;
        Versions = versions;
        MetricIndex = metrics.Select((m, i) => (m.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        Roles = MetricRoles.Resolve(profile.Roles, metrics);
        AsksPresence = versions.SelectMany(v => v.Metrics).Any(m => m.Kind == MetricKind.LeaveMessage || m.ExcludeLeaveMessages);
    }

    /// <summary>The metric of each role (the reply rate, reply time, satisfied, dissatisfied, unanswered).</summary>
    public MetricRoles Roles { get; }

    /// <summary>Some metric asks whether any agent was online (leave-messages): hosts hand the analysis the shop's presence.</summary>
    public bool AsksPresence { get; }

    public Profile Profile { get; }
    public string Id => Profile.Id;
    public TimeZoneInfo Zone { get; }
    /// <summary>Every metric id across versions, in first-seen order; the latest definition of each.</summary>
    public IReadOnlyList<MetricDefinition> Metrics { get; }
    public IReadOnlyDictionary<string, int> MetricIndex { get; }
    public IReadOnlyList<ProfileVersionRules> Versions { get; }

    public ProfileVersionRules VersionOn(DateOnly date)
    {
        for (var i = Versions.Count - 1; i > 0; i--)
            if (date >= Versions[i].From) return Versions[i];
        return Versions[0];
    }

    public static CompiledProfile Compile(Profile profile, TimeZoneInfo zone)
    {
        var errors = Validate(profile);
        if (errors.Count > 0) throw new ProfileException(profile.Source.Length > 0 ? profile.Source : profile.Id, errors);

        var all = new List<MetricDefinition>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        void Register(MetricDefinition m)
        {
            if (index.TryGetValue(m.Id, out var i)) all[i] = m;
            else { index[m.Id] = all.Count; all.Add(m); }
        }

        var versions = new List<ProfileVersionRules>();
        var metrics = profile.Metrics.ToList();
        var rules = profile.Assessments.ToList();
        foreach (var m in metrics) Register(m);
        versions.Add(new ProfileVersionRules(DateOnly.MinValue, metrics, metrics.Select(m => index[m.Id]).ToArray(), rules));
        foreach (var v in profile.Versions.OrderBy(v => v.EffectiveFrom))
        {
            metrics = Merge(metrics, v.Metrics, v.RemoveMetrics, m => m.Id);
            rules = Merge(rules, v.Assessments, v.RemoveAssessments, r => r.Id);
            foreach (var m in metrics) Register(m);
            versions.Add(new ProfileVersionRules(v.EffectiveFrom, metrics, metrics.Select(m => index[m.Id]).ToArray(), rules));
        }
        return new CompiledProfile(profile, zone, all, versions);
    }

    private static List<T> Merge<T>(List<T> current, IReadOnlyList<T> replace, IReadOnlyList<string> remove, Func<T, string> id)
    {
        var result = current.Where(x => !remove.Contains(id(x))).ToList();
        foreach (var r in replace)
        {
            var at = result.FindIndex(x => id(x) == id(r));
            if (at >= 0) result[at] = r; else result.Add(r);
        }
        return result;
    }

    private static string KindName(MetricKind kind) => kind switch
    {
        MetricKind.ReplyWithin => "reply_within", MetricKind.ReplyTime => "reply_time", MetricKind.RatingShare => "rating_share",
        MetricKind.Unanswered => "unanswered", _ => kind.ToString(),
    };

    /// <summary>Checks what the loader cannot: references between metrics and rules, lines that make sense.</summary>
    public static IReadOnlyList<ProfileError> Validate(Profile profile)
    {
        var errors = new List<ProfileError>();
        if (string.IsNullOrWhiteSpace(profile.Id)) errors.Add(new("id", new Msg(Codes.InputRequired)));
        var allMetrics = profile.Metrics.Concat(profile.Versions.SelectMany(v => v.Metrics)).ToList();
        var ids = new HashSet<string>(allMetrics.Select(m => m.Id), StringComparer.Ordinal);
        CheckUnique(profile.Metrics.Select(m => (m.Id, m.Path)), Codes.ProfileMetricTwice, errors);
        foreach (var (role, key, kind) in MetricRoles.All)
        {
            if (!profile.Roles.TryGetValue(role, out var id)) continue;
            var metric = allMetrics.FirstOrDefault(m => m.Id == id);
            if (metric is null) errors.Add(new($"roles.{key}", new Msg(Codes.ProfileRoleNoMetric, id)));
            else if (metric.Kind != kind) errors.Add(new($"roles.{key}", new Msg(Codes.ProfileRoleKind, id, KindName(kind))));
        }
        CheckUnique(profile.Assessments.Select(a => (a.Id, a.Path)), Codes.ProfileAssessmentTwice, errors);
        foreach (var group in allMetrics.GroupBy(m => m.Id).Where(g => g.Select(m => m.Shape).Distinct().Count() > 1))
            errors.Add(new(group.Last().Path, new Msg(Codes.ProfileMetricShape, group.Key)));

        foreach (var m in allMetrics)
        {
            if (m.Kind == MetricKind.ReplyWithin && m.WithinSeconds <= 0)
                errors.Add(new($"{m.Path}.within", new Msg(Codes.ProfileWithin)));
            if (m.Kind == MetricKind.RatingShare && m.Levels.Count == 0)
                errors.Add(new($"{m.Path}.levels", new Msg(Codes.ProfileLevels)));
            if (m.CapSeconds is <= 0) errors.Add(new($"{m.Path}.cap", new Msg(Codes.InputAboveZero)));
            if (m.Unit == CountingUnit.Buyer && m.Kind is not (MetricKind.ReplyWithin or MetricKind.Consultations or MetricKind.ComplaintRate))
                errors.Add(new($"{m.Path}.unit", new Msg(Codes.ProfileBuyerUnit)));
            if (m.Kind == MetricKind.ComplaintRate && m.Unit != CountingUnit.Buyer)
                errors.Add(new($"{m.Path}.unit", new Msg(Codes.ProfileComplaintBuyer)));
            if (m.SessionRule == SessionRule.FirstRound && m.Unit != CountingUnit.Session)
                errors.Add(new($"{m.Path}.session_rule", new Msg(Codes.ProfileFirstRound)));
            if (m.ExcludeLeaveMessages && m.Unit != CountingUnit.Session)
                errors.Add(new($"{m.Path}.exclude_leave_messages", new Msg(Codes.ProfileNeedsSession)));
        }

        var rules = profile.Assessments.Concat(profile.Versions.SelectMany(v => v.Assessments)).ToList();
        foreach (var r in rules)
        {
            if (r.FailWhen.Count == 0 && r.PassWhen.Count == 0)
                errors.Add(new(r.Path, new Msg(Codes.ProfileNoCondition, r.Id)));
            if (r.FailWhen.Count > 0 && r.PassWhen.Count > 0)
                errors.Add(new(r.Path, new Msg(Codes.ProfileBothConditions, r.Id)));
            if (r.Consecutive < 1) errors.Add(new($"{r.Path}.consecutive", new Msg(Codes.InputAtLeastOne)));
            if (r.Period == PeriodKind.Rolling && r.Days < 1) errors.Add(new($"{r.Path}.days", new Msg(Codes.ProfileRollingDays)));
            foreach (var c in r.FailWhen.Concat(r.PassWhen).Concat(r.Consequences.Where(c => c.When is not null).Select(c => c.When!)))
                if (!ids.Contains(c.Metric)) errors.Add(new(c.Path, new Msg(Codes.ProfileUnknownMetric, c.Metric, string.Join(", ", ids))));
            foreach (var c in r.Consequences)
                if (c.Kind is not ("campaign_ban" or "fine" or "points" or "restriction" or "badge" or "warning"))
                    errors.Add(new(r.Path + ".consequence", new Msg(Codes.ProfileConsequenceKind, c.Kind)));
        }

        var sessions = profile.Sessions;
        foreach (var (value, key) in new[] { (sessions.ContinueWithin, "continue_within"), (sessions.CloseAfterAgentSilence, "close_after_agent_silence"), (sessions.CloseAfterCustomerSilence, "close_after_customer_silence") })
            if (value is { } v && v <= TimeSpan.Zero) errors.Add(new($"sessions.{key}", new Msg(Codes.InputAboveZero)));
        if (sessions.CloseAfterCustomerSilence is { } cs && cs > profile.IdleClose || sessions.CloseAfterAgentSilence is { } ag && ag > profile.IdleClose)
            errors.Add(new("sessions", new Msg(Codes.ProfileSessionLonger)));

        foreach (var i in profile.Score?.Indicators ?? [])
            if (i.Source == Score.IndicatorSource.Metric && !ids.Contains(i.From))
                errors.Add(new($"{i.Path}.metric", new Msg(Codes.ProfileUnknownMetric, i.From, string.Join(", ", ids))));

        var ruleIds = new HashSet<string>(rules.Select(r => r.Id), StringComparer.Ordinal);
        foreach (var (sp, i) in profile.SpecialPeriods.Select((s, i) => (s, i)))
        {
            if (sp.To < sp.From) errors.Add(new($"special_periods[{i}]", new Msg(Codes.ProfilePeriodBackwards, sp.Id, sp.To, sp.From)));
            foreach (var id in sp.Overrides.Keys.Concat(sp.Exempt))
                if (!ruleIds.Contains(id)) errors.Add(new($"special_periods[{i}]", new Msg(Codes.ProfileUnknownAssessment, id)));
            foreach (var c in sp.Overrides.Values.SelectMany(x => x))
                if (!ids.Contains(c.Metric)) errors.Add(new(c.Path, new Msg(Codes.ProfileUnknownMetric, c.Metric, string.Join(", ", ids))));
        }
        return errors;
    }

    private static void CheckUnique(IEnumerable<(string Id, string Path)> items, string code, List<ProfileError> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, path) in items)
            if (!seen.Add(id)) errors.Add(new(path, new Msg(code, id)));
    }
}
