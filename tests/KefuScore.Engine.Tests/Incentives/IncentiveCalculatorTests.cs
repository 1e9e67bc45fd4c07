using KefuScore.Engine.Incentives;

namespace KefuScore.Engine.Tests.Incentives;

/// <summary>
/// Grades gold (satisfaction ≥ 0.95 and 3-minute rate ≥ 0.9), silver (satisfaction ≥ 0.9), else improve; base 800 /
/// 500 / 0, 20 per point of satisfaction above 0.9, −100 per breached complaint, cap 950 before the prize; a contest on satisfaction
/// (≥ 30 messages answered), ties by the 3-minute rate, then by lower average reply time; prizes 500, 300.
/// </summary>
public sealed class IncentiveCalculatorTests
{
    private static readonly IncentiveRules Rules = new(
        [
            new Grade("gold", "金牌客服", [new Condition("satisfaction_rate", ">=", 0.95), new Condition("reply_rate_3min", ">=", 0.9)]),
            new Grade("silver", "银牌客服", [new Condition("satisfaction_rate", ">=", 0.9)]),
            new Grade("improve", "待提升", []),
        ],
        new RewardRules(new Dictionary<string, double> { ["gold"] = 800, ["silver"] = 500 }, [new Bonus("satisfaction_rate", 0.9, 20)], -100, 950),
        new Contest("月度服务之星", "satisfaction_rate", true, [new Condition("messages_answered", ">=", 30)],
            ["reply_rate_3min", "avg_reply_seconds"], [true, false], [500, 300]));

    private static AgentFigures A(string agent, double? satisfaction, double? rate3 = 0.95, double answered = 100, double breached = 0, double? avg = 40)
    {
        var v = new Dictionary<string, double> { ["messages_answered"] = answered, ["complaints_breached"] = breached };
        if (satisfaction is { } s) v["satisfaction_rate"] = s;
        if (rate3 is { } r) v["reply_rate_3min"] = r;
        if (avg is { } a) v["avg_reply_seconds"] = a;
        return new AgentFigures(agent, v);
    }

    [Theory]
    [InlineData(0.95, 0.90, "gold")]      // both exactly at the threshold
    [InlineData(0.95, 0.8999, "silver")]  // gold misses on the 3-minute rate
    [InlineData(0.90, 0.99, "silver")]
    [InlineData(0.8999, 0.99, "improve")]
    public void The_first_grade_whose_conditions_all_hold(double satisfaction, double rate3, string grade) =>
        Assert.Equal(grade, IncentiveCalculator.GradeOf(Rules, A("a1", satisfaction, rate3)).Id);

    [Fact]
    public void A_missing_figure_meets_no_condition()
    {
        Assert.Equal("improve", IncentiveCalculator.GradeOf(Rules, A("a1", satisfaction: null)).Id);
    }

    [Fact]
    public void Reward_is_base_plus_bonus_minus_deductions_within_the_cap_plus_the_prize()
    {
        var standings = IncentiveCalculator.Evaluate(Rules, [A("gold", 0.97), A("capped", 0.99, answered: 10), A("late", 0.92, breached: 2), A("low", 0.5, breached: 1)]);
        var by = standings.ToDictionary(s => s.Agent);

        // 800 + (0.97 − 0.90) × 100 points × 20 = 940; first in the contest: + 500.
        Assert.Equal(("gold", 1, 800.0, 140.0, 0.0, 500.0, 1440.0), (by["gold"].Grade.Id, by["gold"].Rank, by["gold"].Base, by["gold"].Bonus, by["gold"].Deduction, by["gold"].Prize, by["gold"].Reward));
        // 800 + 180 = 980, capped at 950; 10 messages answered do not qualify for the contest.
        Assert.Equal(("gold", (int?)null, 950.0), (by["capped"].Grade.Id, by["capped"].Rank, by["capped"].Reward));
        // 500 + 40 − 2 × 100 = 340; second: + 300.
        Assert.Equal(("silver", 2, -200.0, 640.0), (by["late"].Grade.Id, by["late"].Rank, by["late"].Deduction, by["late"].Reward));
        // 0 − 100 is floored at 0; third: no prize left.
        Assert.Equal(("improve", 3, 0.0), (by["low"].Grade.Id, by["low"].Rank, by["low"].Reward));
        Assert.Equal(["capped", "gold", "late", "low"], standings.Select(s => s.Agent));
    }

    [Fact]
    public void Ties_are_broken_by_the_3_minute_rate_then_by_the_lower_reply_time_and_equal_agents_share_a_rank()
    {
        var ranks = IncentiveCalculator.Ranks(Rules.Contest!,
        [
            A("a", 0.96, rate3: 0.95, avg: 30),
            A("b", 0.96, rate3: 0.97, avg: 60),
            A("c", 0.96, rate3: 0.95, avg: 40),
            A("d", 0.96, rate3: 0.95, avg: 40),
            A("e", 0.90),
            A("f", satisfaction: null),
        ]);

        Assert.Equal(new Dictionary<string, int> { ["b"] = 1, ["a"] = 2, ["c"] = 3, ["d"] = 3, ["e"] = 5 }, ranks);
    }
}
