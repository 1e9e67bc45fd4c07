namespace KefuScore.Engine.Live;

/// <summary>
/// A conversation in which a customer waits for a valid reply: since its oldest unanswered message
/// (<see cref="MessageId"/>, <see cref="Since"/>, <see cref="Seconds"/> at the state's instant), how many customer
/// messages wait, and since when the reply metric counts the wait: the first waiting message sent inside its
/// assessment hours (by the message unit), or the round's first message when that one is inside them (other units).
/// <see cref="CountedSince"/> is null when the wait counts for nothing (all of it outside 09:00–19:00 for douyin).
/// </summary>
public sealed record WaitingCustomer(string Conversation, string? Customer, string MessageId, DateTimeOffset Since, double Seconds, int Messages, DateTimeOffset? CountedSince)
{
    /// <summary>True when the platform does not count this wait (sent outside the assessment hours).</summary>
    public bool OutsideHours => CountedSince is null;
}

/// <summary>An agent's presence and load: concurrent conversations ÷ capacity (0 when no capacity is known).</summary>
public sealed record AgentLoad(string Agent, string Status, int Active, int Capacity, double Saturation)
{
    /// <summary>Takes new consultations: online and below capacity (a capacity of 0 means unknown, not full).</summary>
    public bool Receiving => Status == "online" && (Capacity == 0 || Active < Capacity);
}

/// <summary>Today's running value of one metric and where the day ends at this pace (null: no value yet).</summary>
public sealed record MetricToday(string Metric, double? Value, double? Projected, long Numerator, long Denominator);

/// <summary>Whether an alert is delivered (<c>open</c>) or held back by quiet hours (<c>quiet</c>).</summary>
public enum AlertState { Open, Quiet }

/// <summary>
/// One alert: a rule and its cause. <see cref="Cause"/> tells causes apart (the message a customer waits since, a
/// rating's id, an agent), so the same rule fires again for a new cause and never twice for the same one.
/// </summary>
public sealed record LiveAlert(
    string Rule, AlertKind Kind, string Cause, DateTimeOffset Since, AlertState State,
    string? Conversation = null, string? Agent = null, string? Metric = null, double? Value = null, DateTimeOffset? Due = null)
{
    /// <summary>The instant the alert became due (a waiting customer: since + threshold), for delivery latency.</summary>
    public DateTimeOffset DueAt => Due ?? Since;

    public string Key => $"{Rule}\u001f{Cause}";
}

/// <summary>An alert that opened or cleared at an instant.</summary>
public sealed record AlertTransition(LiveAlert Alert, bool Opened, DateTimeOffset At);

/// <summary>A shop's live picture at one instant.</summary>
public sealed record LiveState(
    string Shop,
    DateTimeOffset At,
    DateOnly Today,
    IReadOnlyList<WaitingCustomer> Waiting,
    IReadOnlyList<AgentLoad> Agents,
    /// <summary>Waiting conversations no agent can take now (nobody online, or everyone at capacity): heading for not-served.</summary>
    IReadOnlyList<string> HeadingForNotServed,
    IReadOnlyList<MetricToday> TodayMetrics,
    IReadOnlyList<LiveAlert> Alerts);
