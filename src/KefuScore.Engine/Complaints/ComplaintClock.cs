using KefuScore.Engine.Calendars;

namespace KefuScore.Engine.Complaints;

/// <summary>
/// One deadline at an instant: <see cref="Due"/>; business time left (<see cref="Left"/>, negative once overdue);
/// whether it is breached; and, once the step it waits for happened (<see cref="Done"/>), the countdown stops there.
/// </summary>
public sealed record Deadline(DateTimeOffset Due, TimeSpan Left, bool Breached, DateTimeOffset? Done)
{
    /// <summary>
    /// The deadline <paramref name="limit"/> of business time after <paramref name="start"/>, seen at
    /// <paramref name="now"/> (or at <paramref name="done"/> when the step was done before now). Breached means the
    /// step came, or has not come by now, strictly after the due instant: done exactly at the deadline is in time.
    /// </summary>
    public static Deadline Of(BusinessCalendar calendar, DateTimeOffset start, TimeSpan limit, DateTimeOffset? done, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var due = calendar.Due(start, limit);
        var at = done is { } d && d <= now ? d : now;
        var left = at <= due ? calendar.Between(at, due) : -calendar.Between(due, at);
        return new Deadline(due, left, at > due, done is { } x && x <= now ? x : null);
    }
}

/// <summary>
/// 投诉倒计时: a complaint's deadlines and escalation at an instant. Pure: the calendar, the policy and the instant are
/// handed in. <see cref="Escalation"/> is 0 until the response deadline is breached, then 1, 2 … as the breach grows
/// past the policy's steps (business time); a complaint taken up late stays at the level it had reached then.
/// </summary>
public sealed record ComplaintClock(Deadline Respond, Deadline? Resolve, int Escalation)
{
    public bool Breached => Respond.Breached || Resolve is { Breached: true };

    public static ComplaintClock At(ComplaintTimes times, ComplaintPolicy policy, BusinessCalendar calendar, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(policy);
        var limits = policy.For(times.Category);
        var respond = Deadline.Of(calendar, times.Created, limits.Respond, times.Responded, now);
        var resolve = limits.Resolve is { } r ? Deadline.Of(calendar, times.Created, r, times.Closed, now) : null;
        var level = 0;
        // The worst breach decides: the response (when late) or the resolution (when set and late).
        var over = TimeSpan.Zero;
        var breached = false;
        foreach (var d in new[] { respond, resolve })
            if (d is { Breached: true })
            {
                breached = true;
                if (-d.Left > over) over = -d.Left;
            }
        if (breached)
            for (var i = 0; i < policy.Escalation.Count; i++)
                if (over >= policy.Escalation[i]) level = i + 1;
        return new ComplaintClock(respond, resolve, level);
    }
}
