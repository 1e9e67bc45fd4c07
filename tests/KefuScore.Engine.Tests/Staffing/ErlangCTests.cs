using FsCheck;
using FsCheck.Xunit;
using KefuScore.Engine.Staffing;

namespace KefuScore.Engine.Tests.Staffing;

public sealed class ErlangCTests
{
    // The published worked example (callcentrehelper.com, "Erlang C formula – made simple"): 100 contacts in
    // 30 minutes, 180 s handling → A = 10 Erlangs; 80% within 20 s.
    private const double Erlangs = 10;
    private const double Handle = 180;
    private const double Within = 20;

    [Fact]
    public void Worked_example_14_agents_answer_88_83_percent_within_20_seconds()
    {
        var sl = ErlangC.ServiceLevel(14, Erlangs, Handle, Within);
        // The exact value is 0.888350019…: the published 88.83% is it cut to four decimals (rounding gives 0.8884).
        Assert.Equal(0.8883, Math.Floor(sl * 10_000) / 10_000);
        Assert.Equal(0.88835, sl, 5);
    }

    [Fact]
    public void Worked_example_wait_probability_is_17_4_percent_and_asa_7_84_seconds()
    {
        Assert.Equal(0.1741, ErlangC.WaitProbability(14, Erlangs), 4);
        Assert.Equal(7.84, ErlangC.AverageSpeedOfAnswer(14, Erlangs, Handle), 2);
        Assert.Equal(0.714, ErlangC.Evaluate(14, Erlangs, Handle, Within).Occupancy, 3);
    }

    [Theory]
    [InlineData(11, 0.3896)]
    [InlineData(12, 0.6402)]
    [InlineData(13, 0.7956)] // one agent short of 80%
    [InlineData(14, 0.8884)]
    [InlineData(15, 0.9415)]
    public void Worked_example_service_level_by_agents(int agents, double expected) =>
        Assert.Equal(expected, ErlangC.ServiceLevel(agents, Erlangs, Handle, Within), 4);

    // Erlang B tables at 1% grade of service: the offered load N trunks carry with 1% blocked.
    [Theory]
    [InlineData(5, 1.361)]
    [InlineData(10, 4.461)]
    [InlineData(20, 12.031)]
    [InlineData(50, 37.901)]
    [InlineData(100, 84.064)]
    public void Erlang_B_matches_the_published_one_percent_table(int trunks, double erlangs) =>
        Assert.InRange(ErlangC.ErlangB(trunks, erlangs), 0.00999, 0.01001);

    [Fact]
    public void Thousands_of_servers_stay_finite()
    {
        var c = ErlangC.WaitProbability(5_000, 4_900);
        Assert.InRange(c, 0.0, 1.0);
        Assert.True(double.IsFinite(ErlangC.AverageSpeedOfAnswer(5_000, 4_900, 180)));
    }

    [Fact]
    public void No_more_servers_than_load_means_everyone_waits_forever()
    {
        Assert.Equal(1.0, ErlangC.WaitProbability(10, 10));
        Assert.Equal(0.0, ErlangC.ServiceLevel(9, 10, 180, 20));
        Assert.Equal(double.PositiveInfinity, ErlangC.AverageSpeedOfAnswer(10, 10, 180));
    }

    [Property]
    public bool Service_level_rises_and_wait_falls_with_each_server(PositiveInt arrivals, PositiveInt extra)
    {
        var erlangs = arrivals.Get % 500 * 0.37 + 0.1;
        var n = (int)Math.Floor(erlangs) + 1 + extra.Get % 50;
        var now = ErlangC.Evaluate(n, erlangs, 180, 20);
        var more = ErlangC.Evaluate(n + 1, erlangs, 180, 20);
        return more.ServiceLevel >= now.ServiceLevel && more.AsaSeconds <= now.AsaSeconds
            && more.WaitProbability <= now.WaitProbability && more.Occupancy < now.Occupancy;
    }
}
