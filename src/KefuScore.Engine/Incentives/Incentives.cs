namespace KefuScore.Engine.Incentives;

/// <summary>What an agent earns for a period: grade, contest rank (null when not qualified) and the reward's parts.</summary>
public sealed record Standing(string Agent, Grade Grade, int? Rank, double Base, double Bonus, double Deduction, double Prize, double Reward);

/// <summary>
/// The pure functions from per-agent figures to grade, rank and reward (docs/quality.md, incentives). The dashboard's
/// scorecards and <c>kefu grade</c> both call <see cref="GradeOf"/> and <see cref="Evaluate"/>.
/// </summary>
public static class IncentiveCalculator
{
    /// <summary>The first grade whose conditions all hold; the last grade when none does (it should have no conditions).</summary>
    public static Grade GradeOf(IncentiveRules rules, AgentFigures figures)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return rules.Grades.FirstOrDefault(g => g.When.All(c => c.Holds(figures))) ?? rules.Grades[^1];
    }

    /// <summary>Ranks qualified agents on the contest figure, ties broken in order; equal on all gives equal rank (1, 2, 2, 4).</summary>
    public static IReadOnlyDictionary<string, int> Ranks(Contest contest, IReadOnlyList<AgentFigures> agents)
    {
        ArgumentNullException.ThrowIfNull(contest);
        ArgumentNullException.ThrowIfNull(agents);
        var keys = new List<(string Figure, bool Descending)> { (contest.Figure, contest.Descending) };
        keys.AddRange(contest.TieBreak.Select((f, i) => (f, i < contest.TieBreakDescending.Count ? contest.TieBreakDescending[i] : true)));
        int Compare(AgentFigures a, AgentFigures b)
        {
            foreach (var (figure, descending) in keys)
            {
                // An absent tie-break figure ranks after any value.
                var (x, y) = (a[figure], b[figure]);
                if (x is null && y is null) continue;
                if (x is null) return 1;
                if (y is null) return -1;
                var c = descending ? y.Value.CompareTo(x.Value) : x.Value.CompareTo(y.Value);
                if (c != 0) return c;
            }
            return 0;
        }
        var qualified = agents.Where(a => a[contest.Figure] is not null && contest.Qualify.All(c => c.Holds(a)))
            .OrderBy(a => a, Comparer<AgentFigures>.Create(Compare)).ThenBy(a => a.Agent, StringComparer.Ordinal).ToList();
        var ranks = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < qualified.Count; i++)
            ranks[qualified[i].Agent] = i > 0 && Compare(qualified[i - 1], qualified[i]) == 0 ? ranks[qualified[i - 1].Agent] : i + 1;
        return ranks;
    }

    /// <summary>Every agent's standing, in agent order.</summary>
    public static IReadOnlyList<Standing> Evaluate(IncentiveRules rules, IReadOnlyList<AgentFigures> agents)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(agents);
        var ranks = rules.Contest is { } contest ? Ranks(contest, agents) : new Dictionary<string, int>();
        return agents.OrderBy(a => a.Agent, StringComparer.Ordinal).Select(a =>
        {
            var grade = GradeOf(rules, a);
            var r = rules.Rewards;
            var basePay = r.Base.TryGetValue(grade.Id, out var b) ? b : 0;
            var bonus = r.Bonuses.Sum(x => a[x.Figure] is { } v && v > x.Above ? Math.Round((v - x.Above) * 100 * x.PerPoint, 2) : 0);
            var deduction = a["complaints_breached"] is { } n and > 0 ? n * r.PerComplaintBreached : 0;
            var pay = Math.Max(0, basePay + bonus + deduction);
            if (r.Cap is { } cap) pay = Math.Min(pay, cap);
            int? rank = ranks.TryGetValue(a.Agent, out var k) ? k : null;
            var prize = rank is { } place && rules.Contest is { } c && place <= c.Prizes.Count ? c.Prizes[place - 1] : 0;
            return new Standing(a.Agent, grade, rank, basePay, bonus, deduction, prize, Math.Round(pay + prize, 2));
        }).ToList();
    }
}
