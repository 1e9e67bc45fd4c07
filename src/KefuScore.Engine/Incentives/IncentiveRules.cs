namespace KefuScore.Engine.Incentives;

/// <summary>
/// One agent's figures for a period, by name: the report's metric ids (<c>reply_rate_3min</c>, <c>satisfaction_rate</c>,
/// <c>consultations</c> …) and the complaint figures (<c>complaints</c>, <c>complaints_breached</c>,
/// <c>complaints_in_time_rate</c>, <c>complaints_per_100</c>). A figure without a value is absent.
/// </summary>
public sealed record AgentFigures(string Agent, IReadOnlyDictionary<string, double> Values)
{
    public double? this[string figure] => Values.TryGetValue(figure, out var v) ? v : null;
}

/// <summary>A threshold on a figure: <c>&gt;= 0.9</c>, <c>&lt;= 2</c>, <c>&gt; 0</c>, <c>&lt; 5</c>. An absent figure never meets it.</summary>
public sealed record Condition(string Figure, string Operator, double Value)
{
    public bool Holds(AgentFigures figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        return figures[Figure] is { } v && Operator switch
        {
            ">=" => v >= Value,
            ">" => v > Value,
            "<=" => v <= Value,
            "<" => v < Value,
            _ => false,
        };
    }

    public override string ToString() => $"{Figure} {Operator} {Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>A grade (客服等级): the first grade, in order, whose conditions all hold is the agent's.</summary>
public sealed record Grade(string Id, string Name, IReadOnlyList<Condition> When);

/// <summary>A bonus of <see cref="PerPoint"/> for every percentage point (0.01) of <see cref="Figure"/> above <see cref="Above"/>.</summary>
public sealed record Bonus(string Figure, double Above, double PerPoint);

/// <summary>
/// 服务奖励: base pay per grade, bonuses per point above a threshold, an amount per complaint whose deadline was
/// breached (negative: a deduction), and a cap; the total is never below 0 or above the cap.
/// </summary>
public sealed record RewardRules(IReadOnlyDictionary<string, double> Base, IReadOnlyList<Bonus> Bonuses, double PerComplaintBreached, double? Cap);

/// <summary>
/// 客服竞赛: a leaderboard on one figure (<see cref="Descending"/>: higher is better), agents that meet
/// <see cref="Qualify"/>, ties broken by <see cref="TieBreak"/> (each in the same direction as its own
/// <see cref="TieBreakDescending"/>), then equal; prizes by rank.
/// </summary>
public sealed record Contest(string Name, string Figure, bool Descending, IReadOnlyList<Condition> Qualify, IReadOnlyList<string> TieBreak,
    IReadOnlyList<bool> TieBreakDescending, IReadOnlyList<double> Prizes);

/// <summary>激励规则: grades (客服评定), rewards (服务奖励) and a contest (客服竞赛), the seeds' three incentive schemes, as data.</summary>
public sealed record IncentiveRules(IReadOnlyList<Grade> Grades, RewardRules Rewards, Contest? Contest, string Source = "");
