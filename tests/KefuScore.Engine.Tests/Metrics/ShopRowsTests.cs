using FsCheck.Xunit;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;

namespace KefuScore.Engine.Tests.Metrics;

/// <summary>
/// A rollup kept per shop only (<see cref="Rollup.Agents"/> false, decisions §109): every fact lands in its shop's row, so
/// a report without agents reads the same figures from fewer rows.
/// </summary>
public sealed class ShopRowsTests
{
    private const int Metrics = 2;
    // 2026-11-20 10:00 and 15:00 local, as facts carry an hour (local hours since 0001-01-01).
    private static readonly int Ten = (int)(new DateTime(2026, 11, 20, 10, 0, 0).Ticks / TimeSpan.TicksPerHour);
    private static readonly int Fifteen = Ten + 5;

    private static MetricFact Reply(string shop, string? agent, int hour, long seconds, sbyte bucket, bool inTime) =>
        new(shop, agent, hour, 0, inTime ? 1 : 0, 1, seconds * TimeSpan.TicksPerSecond, 1, bucket);

    /// <summary>Two agents' replies and a fact no agent earned in s1, one reply in s2: per shop, two rows whose cells add up.</summary>
    private static readonly MetricFact[] Facts =
    [
        Reply("s1", "a1", Ten, 30, 2, inTime: true),
        Reply("s1", "a2", Fifteen, 200, 5, inTime: false),
        new("s1", null, Ten, 1, 0, 0, 0, 1, -1), // a count: one consultation
        Reply("s2", "a1", Ten, 45, 3, inTime: true),
    ];

    /// <summary><paramref name="rollup"/> with <see cref="Facts"/> added.</summary>
    private static Rollup Of(Rollup rollup)
    {
        rollup.AddRange(Facts);
        return rollup;
    }

    [Fact]
    public void Facts_of_several_agents_land_in_their_shops_day_row()
    {
        var byShop = Of(Rollup.Daily(Metrics, agents: false));
        var byAgent = Of(Rollup.Daily(Metrics));

        Assert.Equal(4, byAgent.RowCount); // s1/a1, s1/a2, s1/"", s2/a1
        Assert.Equal(2, byShop.RowCount);
        var s1 = byShop.Rows.Single(r => r.Key.Shop == "s1");
        Assert.Equal("", s1.Key.Agent);
        Assert.Equal(Ten - Ten % 24, s1.Key.Hour);
        var reply = s1.Value[0];
        Assert.Equal((1L, 2L, 230 * TimeSpan.TicksPerSecond, 2L), (reply.Numerator, reply.Denominator, reply.SumTicks, reply.Count));
        Assert.Equal(1, reply.Buckets![2]);
        Assert.Equal(1, reply.Buckets[5]);
        Assert.Equal(1, s1.Value[1].Count);
    }

    [Fact]
    public void Sums_kept_per_shop_give_the_shop_rollup_and_cannot_fill_one_kept_per_agent()
    {
        var sums = new FactSums(Metrics, agents: false);
        foreach (var f in Facts) sums.Add(f);
        var rollup = Of(Rollup.Daily(Metrics, agents: false));
        var added = Rollup.Daily(Metrics, agents: false);
        sums.AddTo(added);
        Assert.True(added.SameAs(rollup));
        Assert.Equal(2, added.RowCount);

        var short1 = Assert.Throws<ArgumentException>(() => new FactSums(Metrics, agents: false).AddTo(Rollup.Daily(Metrics)));
        Assert.Contains("per shop", short1.Message, StringComparison.Ordinal);
        var short2 = Assert.Throws<ArgumentException>(() => Rollup.Daily(Metrics).Merge(rollup));
        Assert.Contains("per shop", short2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rollup_kept_per_agent_merges_into_one_kept_per_shop_as_its_facts_would()
    {
        var byAgent = Of(Rollup.Daily(Metrics));
        var direct = Of(Rollup.Daily(Metrics, agents: false));
        var merged = Rollup.Daily(Metrics, agents: false);
        merged.Merge(byAgent);
        Assert.True(merged.SameAs(direct));
        Assert.Equal(2, merged.RowCount);
    }

    [Fact]
    public void Agents_asked_of_a_rollup_kept_per_shop_is_an_error_not_an_empty_list()
    {
        var profile = TestProfiles.Everything();
        var rollup = Rollup.Daily(profile.Metrics.Count, agents: false);
        var error = Assert.Throws<ArgumentException>(() => ReportBuilder.Build(profile, rollup, new ReportRequest(By: PeriodKind.Day, Agents: true)));
        Assert.Contains("per shop only", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Random chats under a profile with every kind of metric and rule: the report without agents from the rollup kept per
    /// shop, from sums kept per shop, and from the rollup kept per agent are the same, figure for figure and verdict for verdict.
    /// </summary>
    [Property(MaxTest = 30)]
    public bool Kept_per_shop_or_per_agent_the_shops_report_is_the_same(int seed, bool weekly)
    {
        var profile = TestProfiles.Everything();
        var fold = new MetricFold(profile, FoldOptions.Streaming);
        var byAgent = Rollup.Daily(profile.Metrics.Count);
        var byShop = Rollup.Daily(profile.Metrics.Count, agents: false);
        var sums = new FactSums(profile.Metrics.Count, agents: false);
        var facts = new List<MetricFact>();
        void Take()
        {
            foreach (var f in facts)
            {
                byAgent.Add(f);
                byShop.Add(f);
                sums.Add(f);
            }
            facts.Clear();
        }
        foreach (var e in RandomChats.Generate(seed, conversations: 80))
        {
            fold.Apply(e, facts);
            Take();
        }
        fold.Finish(facts);
        Take();
        var fromSums = Rollup.Daily(profile.Metrics.Count, agents: false);
        sums.AddTo(fromSums);

        var request = new ReportRequest(By: weekly ? PeriodKind.Week : PeriodKind.Day);
        var expected = ReportText.Of(ReportBuilder.Build(profile, byAgent, request));
        return expected.Length > 0 && byAgent.Rows.Any(r => r.Key.Agent.Length > 0) && byShop.Rows.All(r => r.Key.Agent.Length == 0)
            && byShop.RowCount < byAgent.RowCount && fromSums.SameAs(byShop)
            && ReportText.Of(ReportBuilder.Build(profile, byShop, request)) == expected && ReportText.Of(ReportBuilder.Build(profile, fromSums, request)) == expected;
    }
}
