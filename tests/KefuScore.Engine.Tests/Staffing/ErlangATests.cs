using FsCheck;
using FsCheck.Xunit;
using KefuScore.Engine.Staffing;

namespace KefuScore.Engine.Tests.Staffing;

public sealed class ErlangATests
{
    private const double Rate = 100.0 / 1800; // the worked example: 10 Erlangs at 180 s handling

    [Theory]
    [InlineData(11)]
    [InlineData(14)]
    [InlineData(20)]
    public void Endless_patience_gives_Erlang_C(int servers)
    {
        var a = ErlangA.Evaluate(servers, Rate, 180, 1e9, 20);
        var c = ErlangC.Evaluate(servers, 10, 180, 20);
        Assert.Equal(c.WaitProbability, a.WaitProbability, 5);
        Assert.Equal(c.ServiceLevel, a.ServiceLevel, 5);
        Assert.Equal(c.AsaSeconds, a.AsaSeconds, 2);
        Assert.Equal(0.0, a.AbandonProbability!.Value, 5);
    }

    [Fact]
    public void Abandonment_equals_patience_rate_times_mean_queue_over_arrival_rate()
    {
        // Each waiting customer leaves at rate θ, so λ·P(abandon) = θ·E[queue]: an identity the code does not use.
        const int n = 9;
        var outcome = ErlangA.Evaluate(n, Rate, 180, 120, 20);
        var mu = 1 / 180.0;
        var theta = 1 / 120.0;
        var p = new List<double> { 1 };
        for (var k = 1; k < 400; k++) p.Add(p[^1] * Rate / (Math.Min(k, n) * mu + Math.Max(k - n, 0) * theta));
        var total = p.Sum();
        var queue = p.Select((x, k) => x / total * Math.Max(k - n, 0)).Sum();
        Assert.Equal(theta * queue / Rate, outcome.AbandonProbability!.Value, 10);
    }

    [Fact]
    public void An_overloaded_queue_is_stable_because_customers_leave()
    {
        var outcome = ErlangA.Evaluate(5, Rate, 180, 60, 20); // 10 Erlangs on 5 servers
        Assert.InRange(outcome.AbandonProbability!.Value, 0.4, 0.6);
        Assert.True(outcome.Occupancy is > 0.9 and <= 1.0);
        Assert.True(double.IsFinite(outcome.AsaSeconds));
    }

    [Fact]
    public void Within_zero_seconds_counts_only_those_answered_at_once()
    {
        var outcome = ErlangA.Evaluate(14, Rate, 180, 120, 0);
        Assert.Equal(1 - outcome.WaitProbability, outcome.ServiceLevel, 12);
    }

    [Property]
    public bool More_servers_answer_more_sooner_and_lose_fewer(PositiveInt load, PositiveInt servers, PositiveInt patience)
    {
        var rate = (load.Get % 300 + 1) / 1800.0;
        var n = servers.Get % 60 + 1;
        var p = patience.Get % 600 + 5;
        var now = ErlangA.Evaluate(n, rate, 180, p, 30);
        var more = ErlangA.Evaluate(n + 1, rate, 180, p, 30);
        return more.ServiceLevel >= now.ServiceLevel - 1e-12 && more.AsaSeconds <= now.AsaSeconds + 1e-9
            && more.AbandonProbability <= now.AbandonProbability + 1e-12;
    }

    [Property]
    public bool Less_patience_loses_more_customers(PositiveInt servers)
    {
        var n = servers.Get % 20 + 5;
        var patient = ErlangA.Evaluate(n, Rate, 180, 300, 20).AbandonProbability!.Value;
        var impatient = ErlangA.Evaluate(n, Rate, 180, 60, 20).AbandonProbability!.Value;
        return impatient >= patient;
    }
}
