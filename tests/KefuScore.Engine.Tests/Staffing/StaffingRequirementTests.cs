using FsCheck;
using FsCheck.Xunit;
using KefuScore.Engine.Staffing;

namespace KefuScore.Engine.Tests.Staffing;

public sealed class StaffingRequirementTests
{
    private static readonly Workload Example = new(Arrivals: 100, IntervalSeconds: 1800, HandleSeconds: 180);

    [Fact]
    public void Worked_example_needs_14_agents_and_20_after_30_percent_shrinkage()
    {
        var plan = StaffingRequirement.For(Example, new StaffingTarget { WithinSeconds = 20, ServiceLevel = 0.8, Shrinkage = 0.3 });
        Assert.Equal(10.0, plan.Erlangs, 12);
        Assert.Equal(14, plan.RawAgents);
        Assert.Equal(20, plan.Agents);
        Assert.Equal(14, plan.Servers);
        Assert.Equal(0.88835, plan.Outcome.ServiceLevel, 5);
        Assert.Equal(7.84, plan.Outcome.AsaSeconds, 2);
        Assert.Equal(0.714, plan.Outcome.Occupancy, 3);
        Assert.Equal(0.174, plan.Outcome.WaitProbability, 3);
        Assert.Null(plan.Outcome.AbandonProbability);
    }

    [Fact]
    public void Without_shrinkage_scheduled_agents_are_the_raw_agents() =>
        Assert.Equal(14, StaffingRequirement.For(Example, new StaffingTarget { WithinSeconds = 20, ServiceLevel = 0.8 }).Agents);

    [Fact]
    public void Occupancy_cap_adds_agents_until_occupancy_is_under_it()
    {
        // 14 agents run at 71.4%; a 70% cap needs 15 (66.7%).
        var plan = StaffingRequirement.For(Example, new StaffingTarget { WithinSeconds = 20, ServiceLevel = 0.8, MaxOccupancy = 0.7 });
        Assert.Equal(15, plan.RawAgents);
        Assert.Equal(0.6667, plan.Outcome.Occupancy, 4);
    }

    [Fact]
    public void Chat_concurrency_makes_each_agent_several_servers()
    {
        // The same 10 Erlangs served by agents who each hold 3 chats: 14 servers → ⌈14/3⌉ = 5 agents = 15 servers.
        var plan = StaffingRequirement.For(Example, new StaffingTarget { WithinSeconds = 20, ServiceLevel = 0.8, Concurrency = 3 });
        Assert.Equal(5, plan.RawAgents);
        Assert.Equal(15, plan.Servers);
        Assert.Equal(ErlangC.ServiceLevel(15, 10, 180, 20), plan.Outcome.ServiceLevel, 12);
        Assert.Equal(10.0 / 15, plan.Outcome.Occupancy, 12);
    }

    [Fact]
    public void With_patience_the_plan_uses_Erlang_A_and_reports_abandonment()
    {
        var plan = StaffingRequirement.For(Example, new StaffingTarget { WithinSeconds = 20, ServiceLevel = 0.8, PatienceSeconds = 120 });
        Assert.NotNull(plan.Outcome.AbandonProbability);
        Assert.True(plan.Outcome.ServiceLevel >= 0.8);
        var fewer = ErlangA.Evaluate(plan.RawAgents - 1, 100.0 / 1800, 180, 120, 20);
        Assert.True(fewer.ServiceLevel < 0.8);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.2)]
    [InlineData(double.NaN)]
    public void A_target_outside_zero_to_one_is_refused(double level) =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            StaffingRequirement.For(Example, new StaffingTarget { WithinSeconds = 20, ServiceLevel = level }));

    [Fact]
    public void No_arrivals_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            StaffingRequirement.For(Example with { Arrivals = 0 }, new StaffingTarget { WithinSeconds = 20, ServiceLevel = 0.8 }));

    [Property]
    public bool Plan_is_the_fewest_agents_meeting_the_target(PositiveInt arrivals, PositiveInt handle, PositiveInt percent)
    {
        var workload = new Workload(arrivals.Get % 2000 + 1, 1800, handle.Get % 900 + 10);
        var target = new StaffingTarget { WithinSeconds = 30, ServiceLevel = percent.Get % 98 / 100.0 + 0.01 };
        var plan = StaffingRequirement.For(workload, target);
        var n = plan.RawAgents;
        return plan.Outcome.ServiceLevel >= target.ServiceLevel && n > workload.Erlangs
            && (n - 1 <= workload.Erlangs || ErlangC.ServiceLevel(n - 1, workload.Erlangs, workload.HandleSeconds, 30) < target.ServiceLevel);
    }
}
