namespace KefuScore.Engine.Staffing;

/// <summary>
/// How many agents an interval needs (排班需求). <see cref="RawAgents"/> are agents answering the queue: the
/// fewest that meet the service level (and, for Erlang C, keep the queue stable) with occupancy at most the cap;
/// <see cref="Agents"/> are the agents to schedule once shrinkage takes its share,
/// ⌈raw ÷ (1 − shrinkage)⌉. <see cref="Servers"/> = raw agents × concurrency; <see cref="Outcome"/> is what the
/// raw agents deliver.
/// </summary>
public sealed record StaffingRequirement(int RawAgents, int Agents, int Servers, double Erlangs, QueueOutcome Outcome)
{
    /// <summary>More servers than this is not a staffing question any more.</summary>
    public const int MaxServers = 1_000_000;

    public static StaffingRequirement For(Workload workload, StaffingTarget target)
    {
        workload.Validate();
        target.Validate();
        var erlangs = workload.Erlangs;
        var c = target.Concurrency;

        QueueOutcome Evaluate(int agents) => target.PatienceSeconds is { } patience
            ? ErlangA.Evaluate(agents * c, workload.ArrivalRate, workload.HandleSeconds, patience, target.WithinSeconds)
            : ErlangC.Evaluate(agents * c, erlangs, workload.HandleSeconds, target.WithinSeconds);

        bool Meets(int agents)
        {
            if (target.PatienceSeconds is null && agents * (double)c <= erlangs) return false;
            var outcome = Evaluate(agents);
            return outcome.ServiceLevel >= target.ServiceLevel && outcome.Occupancy <= target.MaxOccupancy;
        }

        // Service level rises and occupancy falls with every agent, so Meets is monotone: double, then bisect.
        // No agents never meets; ⌊A/c⌋ agents, where the search starts, never meet Erlang C (N·c ≤ A).
        var low = 0;
        var high = Math.Max(1, (int)Math.Floor(erlangs / c));
        while (!Meets(high))
        {
            low = high;
            high *= 2;
            if ((long)high * c > MaxServers)
                throw new ArgumentOutOfRangeException(nameof(workload), workload.Erlangs, $"needs more than {MaxServers:N0} servers");
        }
        while (high - low > 1)
        {
            var mid = low + (high - low) / 2;
            if (Meets(mid)) high = mid;
            else low = mid;
        }
        var raw = high;
        var scheduled = (int)Math.Ceiling(raw / (1 - target.Shrinkage) - 1e-9); // 14 ÷ 0.7 is 20, not 20.000…01
        return new StaffingRequirement(raw, Math.Max(raw, scheduled), raw * c, erlangs, Evaluate(raw));
    }
}
