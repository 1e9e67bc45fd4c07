namespace KefuScore.Engine.Profiles;

/// <summary>What a metric measures; each kind has its own arithmetic (SPEC §4).</summary>
public enum MetricKind
{
    /// <summary>Rate: counted items answered by a valid reply within <see cref="MetricDefinition.WithinSeconds"/>.</summary>
    ReplyWithin,
    /// <summary>Average reply time of counted items (sum and count), with optional cap.</summary>
    ReplyTime,
    /// <summary>Count of counted items that never got a valid reply.</summary>
    Unanswered,
    /// <summary>Count of conversations with a customer message that day (咨询量).</summary>
    Consultations,
    /// <summary>Rate: consultations that got no valid reply at all (不服务).</summary>
    NotServed,
    /// <summary>Rate: ratings at the given levels ÷ ratings at the base levels.</summary>
    RatingShare,
    /// <summary>Rate: sessions left as messages (留言, no valid reply before the session closed) ÷ sessions (JD 留言率).</summary>
    LeaveMessage,
    /// <summary>Rate: buyers who complained that day ÷ buyers who consulted that day (拼多多 投诉率).</summary>
    ComplaintRate,
}

/// <summary>What one counted item is (SPEC §4 counting units).</summary>
public enum CountingUnit { Message, Round, Session, Buyer }

/// <summary>When a session counts as answered in time, for the session unit.</summary>
public enum SessionRule
{
    /// <summary>The average wait of its rounds (抖店 会话口径).</summary>
    AverageRoundWait,
    /// <summary>Its longest round wait.</summary>
    EveryRound,
    /// <summary>Only its first round is measured (京东 首次响应: the first consultation of a session).</summary>
    FirstRound,
}

/// <summary>One metric of a profile, as written in its YAML.</summary>
public sealed record MetricDefinition
{
    public required string Id { get; init; }
    public required MetricKind Kind { get; init; }
    public IReadOnlyDictionary<string, string> Names { get; init; } = new Dictionary<string, string>();
    public CountingUnit Unit { get; init; } = CountingUnit.Message;
    /// <summary>考核时间: local time-of-day window in which items count (by their first message).</summary>
    public AssessmentHours Hours { get; init; } = AssessmentHours.AllDay;
    public double WithinSeconds { get; init; }
    /// <summary>Only the first counted item of each conversation and day (首次回复).</summary>
    public bool FirstOnly { get; init; }
    public SessionRule SessionRule { get; init; } = SessionRule.AverageRoundWait;
    /// <summary>Bot replies in assist mode (<c>kind: assist</c>) count as valid replies.</summary>
    public bool AcceptAssist { get; init; }
    /// <summary>Conversations handled entirely by bots are left out of both sides.</summary>
    public bool ExcludeBotOnly { get; init; }
    /// <summary>Items close at the end of their local day: a reply on a later day does not count.</summary>
    public bool CloseAtDayEnd { get; init; }
    /// <summary>Each agent account counts separately: a transfer without a reply leaves the round unanswered with the first account.</summary>
    public bool PerAccount { get; init; }
    /// <summary>Reply times above this are counted as this (seconds).</summary>
    public double? CapSeconds { get; init; }
    /// <summary>For averages: an unanswered item counts as this many seconds (null: left out of the average).</summary>
    public double? UnansweredAsSeconds { get; init; }
    /// <summary>For rating shares: the levels counted in the numerator.</summary>
    public IReadOnlyList<Events.Satisfaction> Levels { get; init; } = [];
    /// <summary>For rating shares: the levels making up the denominator (empty: all).</summary>
    public IReadOnlyList<Events.Satisfaction> Of { get; init; } = [];
    /// <summary>
    /// For rating shares: which ratings count at all. Kuaishou's good-review rate is a share of 1–5-star ratings, so a
    /// rating given only as a satisfaction level is no part of it (SPEC §5.2).
    /// </summary>
    public RatedBy RatedBy { get; init; } = RatedBy.Any;
    /// <summary>For rating shares: only ratings whose reason is this count in the numerator.</summary>
    public string? Reason { get; init; }
    /// <summary>Sessions that were left as messages (留言) are left out of both sides (JD: they go to the leave-message rate).</summary>
    public bool ExcludeLeaveMessages { get; init; }
    /// <summary>Where in the profile this was defined (e.g. <c>metrics[2]</c>), for errors.</summary>
    public string Path { get; init; } = "";

    public string Name(string culture) => Names.TryGetValue(culture, out var n) ? n : Id;

    /// <summary>Whether the metric is a share between 0 and 1 (a rate), not a duration or a count.</summary>
    public bool IsShare => Kind is MetricKind.ReplyWithin or MetricKind.NotServed or MetricKind.RatingShare or MetricKind.LeaveMessage or MetricKind.ComplaintRate;

    /// <summary>How the report shows it: a rate, an average or a count.</summary>
    public MetricShape Shape => Kind switch
    {
        MetricKind.ReplyWithin or MetricKind.NotServed or MetricKind.RatingShare or MetricKind.LeaveMessage or MetricKind.ComplaintRate => MetricShape.Rate,
        MetricKind.ReplyTime => MetricShape.Average,
        _ => MetricShape.Count,
    };
}

public enum MetricShape { Rate, Average, Count }

/// <summary>The ratings a rating share reads: any, only those given in stars, or only those given as a level.</summary>
public enum RatedBy { Any, Stars, Satisfaction }
