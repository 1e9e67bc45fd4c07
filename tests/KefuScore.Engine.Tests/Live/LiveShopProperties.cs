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

    /// <summary>
    /// What waits live is what the report's own state holds as waiting: at any instant, each live conversation's waiting
    /// messages are the pending ones of a <see cref="ConversationState"/> under the profile's full rules, fed the same events.
    /// </summary>
    [Property(MaxTest = 40)]
    public bool Live_waits_are_the_pending_messages_of_the_reports_state(int seed)
    {
        var profile = TestProfiles.Incremental();
        var events = RandomChats.Generate(seed, conversations: 40, days: 2).Where(e => e.Shop == "s0").ToList();
        if (events.Count == 0) return true;
        var live = new LiveShop("s0", profile);
        foreach (var e in RandomChats.Shuffle(events, seed)) live.Apply(e);
        var at = events[new Random(seed).Next(events.Count)].At.AddSeconds(30);
        var t = at.UtcTicks;
        var shown = live.State(at, withMetrics: false).Waiting.ToDictionary(w => w.Conversation, w => w.Messages);

        var rules = IncrementalRules.For(profile)!;
        var clock = new LocalClock(profile.Zone);
        var acceptAssist = profile.Roles.Reply!.AcceptAssist;
        foreach (var conversation in events.Where(e => e.Ticks <= t).GroupBy(e => e.Conversation!))
        {
            var sorted = conversation.DistinctBy(e => e.Id).Select(e => new SlimEvent(e)).Order(EventOrder.Instance).ToList();
            var state = new ConversationState(rules, clock, "s0");
            var facts = new List<MetricFact>();
            foreach (var e in sorted) state.Apply(e, facts);
            // The live screen drops a conversation silent for longer than the idle close (the generator leaves no such gap inside one).
            var expected = t - sorted[^1].Ticks > profile.Profile.IdleClose.Ticks ? 0 : state.WaitingCount(acceptAssist);
            if (shown.GetValueOrDefault(conversation.Key) != expected) return false;
        }
        return true;
    }
}
