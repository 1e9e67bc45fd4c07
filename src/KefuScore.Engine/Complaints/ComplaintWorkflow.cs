namespace KefuScore.Engine.Complaints;

/// <summary>
/// 投诉处理流程: which state changes are allowed. open → investigating → resolved | rejected; an open complaint may
/// also be resolved or rejected at once (a duplicate, an obvious answer), and a closed one reopened to investigating
/// when the customer comes back. Nothing else: a complaint never returns to open.
/// </summary>
public static class ComplaintWorkflow
{
    public static bool CanMove(ComplaintState from, ComplaintState to) => (from, to) switch
    {
        (ComplaintState.Open, ComplaintState.Investigating or ComplaintState.Resolved or ComplaintState.Rejected) => true,
        (ComplaintState.Investigating, ComplaintState.Resolved or ComplaintState.Rejected) => true,
        (ComplaintState.Resolved or ComplaintState.Rejected, ComplaintState.Investigating) => true,
        _ => false,
    };

    public static bool IsClosed(ComplaintState state) => state is ComplaintState.Resolved or ComplaintState.Rejected;

    /// <summary>The states reachable from <paramref name="from"/>, for error messages and the UI.</summary>
    public static IReadOnlyList<ComplaintState> Next(ComplaintState from) =>
        Enum.GetValues<ComplaintState>().Where(to => CanMove(from, to)).ToList();

    /// <summary>
    /// The complaint's times after a move at <paramref name="at"/>: the first move out of open is the response;
    /// reaching resolved or rejected closes it; reopening clears the close (the response stands).
    /// </summary>
    public static ComplaintTimes Apply(ComplaintTimes times, ComplaintState from, ComplaintState to, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(times);
        if (!CanMove(from, to))
            throw new InvalidOperationException($"a complaint cannot move from {from.Id()} to {to.Id()} (allowed: {string.Join(", ", Next(from).Select(s => s.Id()))})");
        return times with
        {
            Responded = times.Responded ?? at,
            Closed = IsClosed(to) ? at : null,
        };
    }
}
