using KefuScore.Engine.Text;

namespace KefuScore.Engine.Staffing;

/// <summary>
/// A kind of shift agents can work (班次模板): its length, an optional break placed within a window after the start,
/// the start times allowed, and how many agents may work it. Minutes are multiples of 15 (the plan's interval);
/// shifts stay within the day (start + length ≤ 24:00).
/// </summary>
public sealed record ShiftTemplate
{
    public required string Id { get; init; }
    public required int LengthMinutes { get; init; }
    public int BreakMinutes { get; init; }

    /// <summary>Earliest break start, minutes after the shift starts.</summary>
    public int BreakEarliestMinutes { get; init; }

    /// <summary>Latest break start, minutes after the shift starts.</summary>
    public int BreakLatestMinutes { get; init; }

    /// <summary>Allowed start times, minutes after local midnight.</summary>
    public required IReadOnlyList<int> Starts { get; init; }

    public int MinAgents { get; init; }
    public int? MaxAgents { get; init; }

    /// <summary>Break starts (minutes after the shift starts) the template allows; [0] with no break.</summary>
    public IEnumerable<int> BreakOffsets()
    {
        if (BreakMinutes == 0)
        {
            yield return 0;
            yield break;
        }
        for (var b = BreakEarliestMinutes; b <= BreakLatestMinutes && b + BreakMinutes <= LengthMinutes; b += ShiftRoster.IntervalMinutes) yield return b;
    }

    /// <summary>What is wrong with the template, empty when nothing is.</summary>
    public IEnumerable<(string Field, Msg Reason)> Problems()
    {
        const int q = ShiftRoster.IntervalMinutes;
        if (LengthMinutes <= 0 || LengthMinutes % q != 0 || LengthMinutes > 1440) yield return ("length", new Msg(Codes.ShiftsLength));
        if (BreakMinutes < 0 || BreakMinutes % q != 0 || (BreakMinutes > 0 && BreakMinutes >= LengthMinutes)) yield return ("break", new Msg(Codes.ShiftsBreak));
        if (BreakMinutes > 0)
        {
            if (BreakEarliestMinutes < 0 || BreakEarliestMinutes % q != 0 || BreakLatestMinutes % q != 0 || BreakLatestMinutes < BreakEarliestMinutes)
                yield return ("break_after/break_before", new Msg(Codes.ShiftsBreakWindow));
            else if (BreakEarliestMinutes + BreakMinutes > LengthMinutes) yield return ("break_after", new Msg(Codes.ShiftsBreakEnd));
        }
        if (Starts.Count == 0) yield return ("starts", new Msg(Codes.ShiftsNoStart));
        foreach (var s in Starts)
            if (s < 0 || s % q != 0 || s + LengthMinutes > 1440) yield return ("starts", new Msg(Codes.ShiftsStart, $"{s / 60:00}:{s % 60:00}"));
        if (MinAgents < 0) yield return ("min_agents", new Msg(Codes.ShiftsMinAgents));
        if (MaxAgents is { } max && max < MinAgents) yield return ("max_agents", new Msg(Codes.ShiftsMaxAgents));
    }
}

/// <summary><see cref="Agents"/> agents working a template from a start, with their break at a given offset.</summary>
public sealed record RosterShift(string Template, int StartMinute, int LengthMinutes, int? BreakStartMinute, int BreakMinutes, int Agents)
{
    /// <summary>Whether these agents are on the floor (on shift and not on break) during interval <paramref name="interval"/>.</summary>
    public bool Covers(int interval)
    {
        var minute = interval * ShiftRoster.IntervalMinutes;
        if (minute < StartMinute || minute >= StartMinute + LengthMinutes) return false;
        return BreakStartMinute is not { } b || minute < b || minute >= b + BreakMinutes;
    }

    public double AgentHours => Agents * LengthMinutes / 60.0;
}

/// <summary>How a roster was found.</summary>
public enum RosterStatus { Optimal, Feasible, Greedy }

/// <summary>
/// The shifts that cover a requirement of agents per 15-minute interval, and what they leave uncovered.
/// <see cref="Coverage"/> is recomputed from the shifts, never taken from the solver.
/// </summary>
public sealed record ShiftRoster(IReadOnlyList<RosterShift> Shifts, IReadOnlyList<int> Requirement, RosterStatus Status)
{
    public const int IntervalMinutes = 15;
    public const int IntervalsPerDay = 96;

    public IReadOnlyList<int> Coverage { get; } = CoverageOf(Shifts);

    /// <summary>Agents short per interval: max(0, requirement − coverage).</summary>
    public IReadOnlyList<int> Gap => [.. Requirement.Select((r, i) => Math.Max(0, r - Coverage[i]))];

    public double AgentHours => Shifts.Sum(s => s.AgentHours);

    public static int[] CoverageOf(IEnumerable<RosterShift> shifts)
    {
        var coverage = new int[IntervalsPerDay];
        foreach (var s in shifts)
            for (var i = 0; i < IntervalsPerDay; i++)
                if (s.Covers(i)) coverage[i] += s.Agents;
        return coverage;
    }
}
