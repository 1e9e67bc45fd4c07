using KefuScore.Engine.Staffing;

namespace KefuScore.Engine.Tests.Staffing;

/// <summary>
/// The simulation against the formulas over 1,000,000 counted arrivals (after 10,000 of warm-up): service level and
/// wait probability within 0.01, abandonment within 0.005, ASA within 10%. Waits of neighbouring customers are
/// correlated, so a run is worth far fewer independent samples than its length: at 200,000 arrivals the service
/// level of 14 agents spreads with a standard deviation of 0.004 between seeds, at 1,000,000 of 0.0015
/// (30 seeds each; docs/staffing.md has the table). The tolerances are several standard deviations wide.
/// </summary>
public sealed class QueueSimulationTests
{
    private const long Long = 1_000_000;
    private static readonly Workload Example = new(Arrivals: 100, IntervalSeconds: 1800, HandleSeconds: 180);

    [Theory]
    [InlineData(13, 1UL)]
    [InlineData(14, 2UL)]
    [InlineData(15, 3UL)]
    public void Agrees_with_Erlang_C(int agents, ulong seed)
    {
        var run = QueueSimulation.Run(new QueueSimulationOptions { Workload = Example, Agents = agents, WithinSeconds = 20, Arrivals = Long, Seed = seed });
        var formula = ErlangC.Evaluate(agents, 10, 180, 20);
        Assert.Equal(Long, run.Answered);
        Assert.InRange(run.ServiceLevel - formula.ServiceLevel, -0.01, 0.01);
        Assert.InRange(run.WaitProbability - formula.WaitProbability, -0.01, 0.01);
        Assert.InRange(run.AsaSeconds / formula.AsaSeconds, 0.9, 1.1);
    }

    [Fact]
    public void Agrees_with_Erlang_C_for_agents_holding_three_chats()
    {
        var run = QueueSimulation.Run(new QueueSimulationOptions { Workload = Example, Agents = 5, Concurrency = 3, WithinSeconds = 20, Arrivals = Long, Seed = 4 });
        var formula = ErlangC.Evaluate(15, 10, 180, 20);
        Assert.InRange(run.ServiceLevel - formula.ServiceLevel, -0.01, 0.01);
    }

    [Theory]
    [InlineData(8, 120.0, 5UL)]
    [InlineData(10, 120.0, 6UL)]
    [InlineData(12, 60.0, 7UL)]
    public void Agrees_with_Erlang_A(int agents, double patience, ulong seed)
    {
        var run = QueueSimulation.Run(new QueueSimulationOptions
        {
            Workload = Example, Agents = agents, WithinSeconds = 20, PatienceSeconds = patience, Arrivals = Long, Seed = seed,
        });
        var formula = ErlangA.Evaluate(agents, Example.ArrivalRate, 180, patience, 20);
        Assert.Equal(Long, run.Answered + run.Abandoned);
        Assert.InRange(run.AbandonProbability - formula.AbandonProbability!.Value, -0.005, 0.005);
        Assert.InRange(run.ServiceLevel - formula.ServiceLevel, -0.01, 0.01);
        Assert.InRange(run.WaitProbability - formula.WaitProbability, -0.01, 0.01);
        Assert.InRange(run.AsaSeconds / formula.AsaSeconds, 0.9, 1.1);
    }

    [Fact]
    public void Same_seed_gives_the_same_run()
    {
        var options = new QueueSimulationOptions { Workload = Example, Agents = 13, WithinSeconds = 20, Arrivals = 5_000, PatienceSeconds = 90, Seed = 42 };
        Assert.Equal(QueueSimulation.Run(options), QueueSimulation.Run(options));
        Assert.NotEqual(QueueSimulation.Run(options), QueueSimulation.Run(options with { Seed = 43 }));
    }
}
