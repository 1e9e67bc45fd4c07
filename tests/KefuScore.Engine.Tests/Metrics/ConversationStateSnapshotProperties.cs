using FsCheck.Xunit;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Tests;

namespace KefuScore.Engine.Tests.Metrics;

/// <summary>
/// A conversation state kept as bytes between events (server ingestion) goes on exactly as the state that never left
/// memory, and its provisional facts are what its finish would say.
/// </summary>
public sealed class ConversationStateSnapshotProperties
{
    private static readonly CompiledProfile Profile = TestProfiles.Incremental();
    private static readonly CompiledProfile ShortIdle = TestProfiles.Incremental(TimeSpan.FromHours(2));

    [Property(MaxTest = 100)]
    public bool A_state_restored_after_any_event_gives_the_facts_of_one_that_never_left(int seed, bool shortIdle)
    {
        var profile = shortIdle ? ShortIdle : Profile;
        var rules = IncrementalRules.For(profile)!;
        var clock = new LocalClock(profile.Zone);
        var random = new Random(seed);
        var compared = 0;
        foreach (var (shop, sorted) in Conversations(RandomChats.Generate(seed, conversations: 20, days: 4)))
        {
            var whole = new ConversationState(rules, clock, shop);
            var kept = new List<MetricFact>();
            foreach (var e in sorted) whole.Apply(e, kept);
            whole.Finish(kept);

            // The same events, the state turned into bytes and back after a random choice of events; at each stop the
            // provisional facts are asked, and must leave the state unchanged.
            var resumed = new List<MetricFact>();
            var bytes = new ConversationState(rules, clock, shop).Snapshot();
            var provisional = new List<MetricFact>();
            foreach (var e in sorted)
            {
                var state = ConversationState.Restore(rules, clock, shop, bytes);
                state.Apply(e, resumed);
                if (random.Next(2) == 0)
                {
                    provisional.Clear();
                    var before = state.Snapshot();
                    state.Provisional(provisional);
                    if (!before.AsSpan().SequenceEqual(state.Snapshot())) return false;
                    var finished = ConversationState.Restore(rules, clock, shop, before);
                    var finish = new List<MetricFact>();
                    finished.Finish(finish);
                    if (!Text(provisional).SequenceEqual(Text(finish))) return false;
                }
                bytes = state.Snapshot();
                if (!bytes.AsSpan().SequenceEqual(ConversationState.Restore(rules, clock, shop, bytes).Snapshot())) return false;
            }
            ConversationState.Restore(rules, clock, shop, bytes).Finish(resumed);
            if (!Text(kept).SequenceEqual(Text(resumed))) return false;
            compared += kept.Count;
        }
        return compared > 0;
    }

    [Fact]
    public void A_waiting_message_is_kept_in_a_few_bytes_and_answered_two_days_later_after_a_restore()
    {
        var rules = IncrementalRules.For(Profile)!;
        var clock = new LocalClock(Profile.Zone);
        var state = new ConversationState(rules, clock, "s1");
        var facts = new List<MetricFact>();
        foreach (var e in Chat.On("2026-11-19").Customer("09:30:00").Events) state.Apply(new SlimEvent(e), facts);
        var bytes = state.Snapshot();
        // A flag byte, the instant (9 bytes), the slot count and one day per slot, two waiting lists of one instant.
        Assert.InRange(bytes.Length, 1, 64);

        var provisional = new List<MetricFact>();
        ConversationState.Restore(rules, clock, "s1", bytes).Provisional(provisional);
        // Unanswered for now: msg (09:30 in its hours), first, round and both reply times.
        Assert.Equal(0, provisional.Where(f => f.Metric == Profile.MetricIndex["msg"]).Sum(f => f.Numerator));
        Assert.Equal(1, provisional.Where(f => f.Metric == Profile.MetricIndex["msg"]).Sum(f => f.Denominator));

        facts.Clear();
        var restored = ConversationState.Restore(rules, clock, "s1", bytes);
        foreach (var e in Chat.On("2026-11-21").Agent("09:30:00", agent: "a1").Events) restored.Apply(new SlimEvent(e), facts);
        var avgMsg = facts.Single(f => f.Metric == Profile.MetricIndex["avg_msg"]);
        Assert.Equal(172_800L, avgMsg.SumTicks / TimeSpan.TicksPerSecond);
        Assert.Equal("a1", avgMsg.Agent);
    }

    [Fact]
    public void Bytes_of_other_rules_or_cut_short_are_refused()
    {
        var rules = IncrementalRules.For(Profile)!;
        var clock = new LocalClock(Profile.Zone);
        var state = new ConversationState(rules, clock, "s1");
        foreach (var e in Chat.On("2026-11-19").Customer("09:30:00").Agent("09:31:00", agent: "a1").Events) state.Apply(new SlimEvent(e), []);
        var bytes = state.Snapshot();
        Assert.Throws<FormatException>(() => ConversationState.Restore(rules, clock, "s1", bytes.AsSpan(0, bytes.Length - 1)));
        var waiting = IncrementalRules.Waiting(Profile, acceptAssist: false); // no slots
        Assert.Throws<FormatException>(() => ConversationState.Restore(waiting, clock, "s1", bytes));
    }

    private static IEnumerable<(string Shop, SlimEvent[] Sorted)> Conversations(List<ChatEvent> events) =>
        events.DistinctBy(e => (e.Shop, e.Id)).GroupBy(e => (e.Shop, e.Conversation!))
            .Select(g => (g.Key.Shop, g.Select(e => new SlimEvent(e)).Order(EventOrder.Instance).ToArray()));

    private static IEnumerable<string> Text(List<MetricFact> facts) => facts.Select(f => f.ToString()).Order(StringComparer.Ordinal);
}
