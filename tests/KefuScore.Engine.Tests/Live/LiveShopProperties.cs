using FsCheck.Xunit;
using KefuScore.Engine.Live;
using KefuScore.Engine.Metrics;

namespace KefuScore.Engine.Tests.Live;

public sealed class LiveShopProperties
{
    /// <summary>Any arrival order gives the same picture and the same alerts at the same instants.</summary>
    [Property(MaxTest = 40)]
    public void Arrival_order_does_not_change_the_live_picture(int seed)
    {
        var events = RandomChats.Generate(seed, conversations: 30, days: 1).Where(e => e.Shop == "s0").ToList();
        var shuffled = events.OrderBy(e => (e.Id.GetHashCode(StringComparison.Ordinal) ^ seed) & 0xFFFF).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
        var profile = TestProfiles.Everything();
        var a = new LiveShop("s0", profile);
        var b = new LiveShop("s0", profile);
        foreach (var e in events) a.Apply(e);
        foreach (var e in shuffled) b.Apply(e);

        var start = new DateTimeOffset(2026, 11, 19, 8, 0, 0, TimeSpan.FromHours(8));
        for (var hour = 0; hour < 30; hour += 3)
        {
            var at = start.AddHours(hour).AddMinutes(seed & 31);
            var sa = a.State(at);
            var sb = b.State(at);
            Assert.Equal(sa.Waiting, sb.Waiting);
            Assert.Equal(sa.Agents, sb.Agents);
            Assert.Equal(sa.TodayMetrics, sb.TodayMetrics);
            Assert.Equal(a.Evaluate(at).Select(t => (t.Alert.Key, t.Opened)), b.Evaluate(at).Select(t => (t.Alert.Key, t.Opened)));
        }
    }

    /// <summary>Once nothing is undecided, today's values are the fold's for that local day.</summary>
    [Property(MaxTest = 40)]
    public void Today_equals_the_fold_once_nothing_is_pending(int seed)
    {
        var events = RandomChats.Generate(seed, conversations: 30, days: 2).Where(e => e.Shop == "s1").ToList();
        if (events.Count == 0) return;
        var profile = TestProfiles.Everything();
        var live = new LiveShop("s1", profile);
        foreach (var e in events) live.Apply(e);
        var at = events.Max(e => e.At).AddSeconds(181);

        var rollup = Run.Fold(profile, events);
        var clock = new LocalClock(profile.Zone);
        var day = clock.LocalDate(at.UtcTicks);
        var cells = new MetricCell[profile.Metrics.Count];
        foreach (var (key, row) in rollup.Rows)
            if (key.Shop == "s1" && LocalClock.DateOfHour(key.Hour) == day)
                for (var i = 0; i < row.Length; i++) cells[i].Add(row[i]);

        foreach (var m in live.State(at).TodayMetrics)
        {
            var i = profile.MetricIndex[m.Metric];
            double? expected = profile.Metrics[i].Shape switch
            {
                KefuScore.Engine.Profiles.MetricShape.Rate => cells[i].Rate,
                KefuScore.Engine.Profiles.MetricShape.Average => cells[i].Average,
                _ => cells[i].Count,
            };
            Assert.Equal(expected, m.Value);
        }
    }
}
