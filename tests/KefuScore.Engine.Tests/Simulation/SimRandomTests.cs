using FsCheck.Xunit;
using KefuScore.Engine.Simulation;

namespace KefuScore.Engine.Tests.Simulation;

public sealed class SimRandomTests
{
    [Fact]
    public void Same_seed_gives_the_same_stream()
    {
        var a = new SimRandom(42);
        var b = new SimRandom(42);
        for (var i = 0; i < 1000; i++) Assert.Equal(a.NextUInt64(), b.NextUInt64());
    }

    [Fact]
    public void Derived_streams_differ_by_every_part()
    {
        var baseline = SimRandom.Derive(1, 2, 3, 4).NextUInt64();
        Assert.NotEqual(baseline, SimRandom.Derive(2, 2, 3, 4).NextUInt64());
        Assert.NotEqual(baseline, SimRandom.Derive(1, 3, 3, 4).NextUInt64());
        Assert.NotEqual(baseline, SimRandom.Derive(1, 2, 4, 4).NextUInt64());
        Assert.NotEqual(baseline, SimRandom.Derive(1, 2, 3, 5).NextUInt64());
    }

    [Property]
    public bool Next_stays_in_range(ulong seed, FsCheck.PositiveInt max)
    {
        var random = new SimRandom(seed);
        for (var i = 0; i < 20; i++)
        {
            var x = random.Next(max.Get);
            if (x < 0 || x >= max.Get) return false;
            var d = random.NextDouble();
            if (d is < 0 or >= 1) return false;
        }
        return true;
    }

    [Fact]
    public void Log_normal_has_the_asked_median_and_a_tail()
    {
        var random = new SimRandom(7);
        var values = Enumerable.Range(0, 20_000).Select(_ => random.LogNormal(40, 1.0)).Order().ToArray();
        var median = values[values.Length / 2];
        Assert.InRange(median, 37, 43);
        var beyond180 = values.Count(v => v > 180) / (double)values.Length;
        Assert.InRange(beyond180, 0.05, 0.09); // P(Z > ln 4.5) ≈ 6.6 %
    }

    [Fact]
    public void Poisson_and_exponential_have_the_asked_means()
    {
        var random = new SimRandom(11);
        Assert.InRange(Enumerable.Range(0, 20_000).Average(_ => random.Poisson(3.5)), 3.4, 3.6);
        Assert.InRange(Enumerable.Range(0, 20_000).Average(_ => random.Poisson(200)), 198, 202);
        Assert.InRange(Enumerable.Range(0, 20_000).Average(_ => random.Exponential(60)), 58, 62);
    }

    [Fact]
    public void Normal_is_standard()
    {
        var random = new SimRandom(3);
        var values = Enumerable.Range(0, 20_000).Select(_ => random.NextNormal()).ToArray();
        var mean = values.Average();
        var variance = values.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(variance, 0.95, 1.05);
    }
}
