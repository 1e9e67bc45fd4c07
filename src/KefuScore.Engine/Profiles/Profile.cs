namespace KefuScore.Engine.Profiles;

/// <summary>
/// 规则配置: one platform's reading of its customer-service rules, as data (SPEC §5).
/// Built by the YAML loader in KefuScore.App, checked and compiled by <see cref="CompiledProfile"/>.
/// </summary>
public sealed record Profile
{
    public required string Id { get; init; }
    public required IReadOnlyDictionary<string, string> Names { get; init; }
    public string? Description { get; init; }
    /// <summary>IANA zone in which days, weeks and hours are taken.</summary>
    public string TimeZone { get; init; } = "Asia/Shanghai";
    /// <summary>The report's default grouping: day, week or month.</summary>
    public PeriodKind Period { get; init; } = PeriodKind.Day;
    /// <summary>A conversation silent this long with nobody waiting in it starts afresh (docs/decisions.md §2).</summary>
    public TimeSpan IdleClose { get; init; } = TimeSpan.FromHours(24);
    /// <summary>How the platform opens and closes sessions inside a conversation (JD, Kuaishou 2021).</summary>
    public SessionRules Sessions { get; init; } = SessionRules.None;
    /// <summary>How 1–5 stars map to levels; a rating given as a level is taken as it is.</summary>
    public IReadOnlyDictionary<int, Events.Satisfaction> Stars { get; init; } = DefaultStars;
    public required IReadOnlyList<MetricDefinition> Metrics { get; init; }
    /// <summary>The metrics the profile names for each role (<c>roles:</c>); unnamed roles are found by <see cref="MetricRoles"/>.</summary>
    public IReadOnlyDictionary<MetricRole, string> Roles { get; init; } = new Dictionary<MetricRole, string>();
    public IReadOnlyList<AssessmentRule> Assessments { get; init; } = [];
    public IReadOnlyList<SpecialPeriod> SpecialPeriods { get; init; } = [];
    /// <summary>Later versions of the rules, each from its effective date; history is computed under the version in force.</summary>
    public IReadOnlyList<ProfileVersion> Versions { get; init; } = [];
    /// <summary>The experience-score model (体验分, SPEC §5.4), where the platform has one.</summary>
    public Score.ScoreModel? Score { get; init; }
    /// <summary>Where the profile came from (file path or "built-in"), for error messages.</summary>
    public string Source { get; init; } = "";

    public static IReadOnlyDictionary<int, Events.Satisfaction> DefaultStars { get; } = new Dictionary<int, Events.Satisfaction>
    {
        [5] = Events.Satisfaction.Satisfied, [4] = Events.Satisfaction.Satisfied, [3] = Events.Satisfaction.Neutral,
        [2] = Events.Satisfaction.Dissatisfied, [1] = Events.Satisfaction.Dissatisfied,
    };

    public string Name(string culture) =>
        Names.TryGetValue(culture, out var n) ? n : Names.TryGetValue("en", out var en) ? en : Id;
}

/// <summary>A later version of a profile: metrics and assessments given here replace those with the same id.</summary>
public sealed record ProfileVersion
{
    public required DateOnly EffectiveFrom { get; init; }
    public IReadOnlyList<MetricDefinition> Metrics { get; init; } = [];
    public IReadOnlyList<AssessmentRule> Assessments { get; init; } = [];
    public IReadOnlyList<string> RemoveMetrics { get; init; } = [];
    public IReadOnlyList<string> RemoveAssessments { get; init; } = [];
}

public enum PeriodKind { Day, Week, Month, Rolling }

/// <summary>Festival and other special periods (e.g. Spring Festival ±7 days): other lines or no verdict at all.</summary>
public sealed record SpecialPeriod
{
    public required string Id { get; init; }
    /// <summary>zh-CN and en names (2026春节(±7天)), shown where the day's line is explained.</summary>
    public IReadOnlyDictionary<string, string> Names { get; init; } = new Dictionary<string, string>();
    public required DateOnly From { get; init; }
    public required DateOnly To { get; init; }
    /// <summary>Per assessment id: the conditions that replace the rule's own in this period.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Condition>> Overrides { get; init; } = new Dictionary<string, IReadOnlyList<Condition>>();
    /// <summary>Assessments not judged at all in this period.</summary>
    public IReadOnlyList<string> Exempt { get; init; } = [];

    public bool Contains(DateOnly date) => date >= From && date <= To;
}

/// <summary>
/// 会话规则: how a platform cuts a conversation into sessions beyond explicit <c>session</c> events.
/// Kuaishou closes a session 6 h after an unanswered buyer message or N minutes after the agent's last message
/// when the buyer stays silent; JD lets a buyer who returns within 10 minutes of a close continue that session.
/// </summary>
public sealed record SessionRules
{
    public static SessionRules None { get; } = new();
    /// <summary>A customer message this soon after a session closed continues that session (strictly less).</summary>
    public TimeSpan? ContinueWithin { get; init; }
    /// <summary>A customer message left without a human reply this long closes the session (at that instant).</summary>
    public TimeSpan? CloseAfterAgentSilence { get; init; }
    /// <summary>An agent reply followed by this long without a customer message closes the session.</summary>
    public TimeSpan? CloseAfterCustomerSilence { get; init; }

    public bool IsNone => ContinueWithin is null && CloseAfterAgentSilence is null && CloseAfterCustomerSilence is null;
}
