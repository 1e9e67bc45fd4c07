namespace KefuScore.Engine.Staffing;

/// <summary>
/// What a plan must deliver and the facts of the floor: a share of contacts answered within a time (服务水平),
/// the share of paid time agents are away from the queue (shrinkage: breaks, training, meetings), a ceiling on
/// occupancy, how many chats an agent serves at once, and, when customers give up, their mean patience.
/// </summary>
public sealed record StaffingTarget
{
    /// <summary>The answer time the service level counts against, t in seconds (0 = answered without waiting).</summary>
    public required double WithinSeconds { get; init; }

    /// <summary>The share of contacts to answer within <see cref="WithinSeconds"/>, strictly between 0 and 1.</summary>
    public required double ServiceLevel { get; init; }

    /// <summary>Share of scheduled time not available to the queue, in [0, 1).</summary>
    public double Shrinkage { get; init; }

    /// <summary>Highest acceptable occupancy, in (0, 1]; 1 means no cap.</summary>
    public double MaxOccupancy { get; init; } = 1.0;

    /// <summary>Conversations one agent serves at once (chat 并发); each agent is this many servers.</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>Mean patience of a waiting customer in seconds (exponential); null for Erlang C (nobody gives up).</summary>
    public double? PatienceSeconds { get; init; }

    public void Validate()
    {
        if (!(ServiceLevel > 0 && ServiceLevel < 1)) throw new ArgumentOutOfRangeException(nameof(ServiceLevel), ServiceLevel, "must be strictly between 0 and 1");
        if (!(WithinSeconds >= 0) || double.IsInfinity(WithinSeconds)) throw new ArgumentOutOfRangeException(nameof(WithinSeconds), WithinSeconds, "must be a duration of 0 or more");
        if (!(Shrinkage >= 0 && Shrinkage < 1)) throw new ArgumentOutOfRangeException(nameof(Shrinkage), Shrinkage, "must be at least 0 and below 1");
        if (!(MaxOccupancy > 0 && MaxOccupancy <= 1)) throw new ArgumentOutOfRangeException(nameof(MaxOccupancy), MaxOccupancy, "must be above 0 and at most 1");
        if (Concurrency < 1) throw new ArgumentOutOfRangeException(nameof(Concurrency), Concurrency, "must be at least 1");
        if (PatienceSeconds is { } p && (!(p > 0) || double.IsInfinity(p))) throw new ArgumentOutOfRangeException(nameof(PatienceSeconds), p, "must be a positive duration");
    }
}
