using Google.OrTools.Sat;
using KefuScore.Engine.Staffing;
using KefuScore.Engine.Text;

namespace KefuScore.App.Staffing;

/// <summary>The shift templates give no roster for the day; an InvalidOperationException so earlier callers still catch it.</summary>
public sealed class RosterException : InvalidOperationException
{
    public RosterException() : base("no roster") => Text = new Msg(Codes.PlanSolver, "");

    public RosterException(string message) : base(message) => Text = new Msg(Codes.Untranslated, message);

    public RosterException(string message, Exception inner) : base(message, inner) => Text = new Msg(Codes.Untranslated, message);

    public RosterException(Msg text) : base(EnglishText.Render(text)) => Text = text;

    /// <summary>The reason as a message for the reader's language.</summary>
    public Msg Text { get; }
}

/// <summary>
/// Covers a requirement of agents per 15-minute interval with shifts (排班) using OR-Tools CP-SAT, in two steps:
/// first the smallest total gap (agent-intervals short) the templates allow, then, holding that gap, the fewest
/// agent-hours (whole shifts, breaks included). An integer variable per template × start × break placement counts
/// the agents working it. One worker and a fixed seed, so the same requirement gives the same roster.
/// Lives here, not in the engine, because the engine takes no packages (docs/decisions.md).
/// </summary>
public static class RosterSolver
{
    /// <summary>Time allowed to each of the two solves; the best roster found so far is used after it.</summary>
    public const double SecondsPerStep = 10;

    public static ShiftRoster Solve(IReadOnlyList<int> requirement, IReadOnlyList<ShiftTemplate> templates)
    {
        ArgumentNullException.ThrowIfNull(requirement);
        ArgumentNullException.ThrowIfNull(templates);
        if (requirement.Count != ShiftRoster.IntervalsPerDay) throw new ArgumentException($"needs {ShiftRoster.IntervalsPerDay} intervals", nameof(requirement));
        if (requirement.Any(r => r < 0)) throw new ArgumentException("requirements must be 0 or more", nameof(requirement));
        foreach (var t in templates)
            // A nullable element: FirstOrDefault of value tuples would give (null, null) for a template without problems.
            if (t.Problems().Select(p => ((string Field, Msg Reason)?)p).FirstOrDefault() is { } problem) throw new ArgumentException($"shift '{t.Id}': {problem.Field}: {EnglishText.Render(problem.Reason)}", nameof(templates));

        var peak = requirement.Max();
        var model = new CpModel();
        var options = new List<(RosterShift Shape, IntVar Agents)>();
        foreach (var t in templates)
        {
            var upper = Math.Max(t.MaxAgents ?? peak, t.MinAgents);
            var own = new List<IntVar>();
            foreach (var start in t.Starts)
                foreach (var offset in t.BreakOffsets())
                {
                    var shape = new RosterShift(t.Id, start, t.LengthMinutes, t.BreakMinutes > 0 ? start + offset : null, t.BreakMinutes, 0);
                    var x = model.NewIntVar(0, upper, $"{t.Id}@{start}+{offset}");
                    options.Add((shape, x));
                    own.Add(x);
                }
            var total = LinearExpr.Sum(own);
            model.Add(total >= t.MinAgents);
            if (t.MaxAgents is { } max) model.Add(total <= max);
        }

        var gaps = new List<IntVar>();
        for (var i = 0; i < ShiftRoster.IntervalsPerDay; i++)
        {
            if (requirement[i] == 0) continue;
            var covering = options.Where(o => o.Shape.Covers(i)).Select(o => o.Agents).ToList();
            var gap = model.NewIntVar(0, requirement[i], $"gap{i}");
            gaps.Add(gap);
            model.Add(LinearExpr.Sum(covering) + gap >= requirement[i]);
        }
        var totalGap = LinearExpr.Sum(gaps);
        // Agent-hours first; among rosters of equal agent-hours, the fewest intervals on shift where nobody is needed
        // (a 4-hour shift at 15:00–19:00 rather than 17:30–21:30 when the need ends at 19:00). An agent-interval
        // weighs more than the idle intervals of any one shift can, so the tie-break never buys idle time.
        var cost = LinearExpr.WeightedSum(options.Select(o => o.Agents), options.Select(o => IdleWeight * (o.Shape.LengthMinutes / ShiftRoster.IntervalMinutes) + Idle(o.Shape, requirement)));

        var solver = new CpSolver { StringParameters = $"max_time_in_seconds:{SecondsPerStep.ToString(System.Globalization.CultureInfo.InvariantCulture)} num_workers:1 random_seed:1" };
        model.Minimize(totalGap);
        var first = solver.Solve(model);
        if (first is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible))
            throw new RosterException(new Msg(Codes.PlanShifts, first.ToString()));
        var bestGap = (long)solver.ObjectiveValue;
        model.Add(totalGap <= bestGap);
        model.Minimize(cost);
        var second = solver.Solve(model);
        if (second is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible))
            throw new RosterException(new Msg(Codes.PlanSolver, second.ToString()));

        var shifts = options
            .Select(o => o.Shape with { Agents = (int)solver.Value(o.Agents) })
            .Where(s => s.Agents > 0)
            .OrderBy(s => s.StartMinute).ThenBy(s => s.Template, StringComparer.Ordinal).ThenBy(s => s.BreakStartMinute)
            .ToList();
        var status = first == CpSolverStatus.Optimal && second == CpSolverStatus.Optimal ? RosterStatus.Optimal : RosterStatus.Feasible;
        return new ShiftRoster(shifts, [.. requirement], status);
    }

    private const long IdleWeight = ShiftRoster.IntervalsPerDay + 1;

    /// <summary>Intervals this shift is on the floor where the requirement is 0.</summary>
    private static long Idle(RosterShift shape, IReadOnlyList<int> requirement) =>
        Enumerable.Range(0, ShiftRoster.IntervalsPerDay).Count(i => requirement[i] == 0 && shape.Covers(i));
}
