using FsCheck.Xunit;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;

namespace KefuScore.Engine.Tests.Metrics;

/// <summary>
/// The incremental conversation state against the batch analysis it replaces in the fold: the same facts for any
/// conversation, and the fold's order promises kept on the incremental path.
/// </summary>
public sealed class ConversationStateProperties
{
    private static readonly CompiledProfile Profile = TestProfiles.Incremental();
    /// <summary>A 2-hour idle close, so random conversations are cut into several stretches.</summary>
    private static readonly CompiledProfile ShortIdle = TestProfiles.Incremental(TimeSpan.FromHours(2));

    [Property(MaxTest = 100)]
    public bool The_incremental_state_gives_the_batch_analysis_facts(int seed, bool shortIdle)
    {
        var profile = shortIdle ? ShortIdle : Profile;
        var events = RandomChats.Generate(seed, conversations: 30, days: 3);
        var rules = IncrementalRules.For(profile)!;
        var clock = new LocalClock(profile.Zone);
        var analysis = new ConversationAnalysis(profile, new LocalClock(profile.Zone));
        var (batch, incremental) = (new List<MetricFact>(), new List<MetricFact>());
        foreach (var (shop, sorted) in Conversations(events))
        {
            foreach (var stretch in Stretches.Split<SlimEvent>(sorted, profile.Profile.IdleClose.Ticks))
                analysis.Analyse(shop, sorted.AsSpan(stretch.Start, stretch.Length), batch);
            var state = new ConversationState(rules, clock, shop);
            foreach (var e in sorted) state.Apply(e, incremental);
            state.Finish(incremental);
        }
        return batch.Count > 0 && Text(batch).SequenceEqual(Text(incremental));
    }

    [Property(MaxTest = 40)]
    public bool Streaming_shuffled_within_10_minute_blocks_equals_the_batch_analysis(int seed)
    {
        var events = RandomChats.Generate(seed, conversations: 80);
        var blocks = RandomChats.ShuffleWithinBlocks(events, TimeSpan.FromMinutes(10), seed);
        var streamed = Run.Fold(Profile, blocks, FoldOptions.Streaming, out var fold);
        return fold.TooLate == 0 && streamed.RowCount > 0 && streamed.SameAs(Batch(Profile, events));
    }

    [Property(MaxTest = 40)]
    public bool Shuffled_input_without_a_watermark_equals_the_batch_analysis(int seed)
    {
        var events = RandomChats.Generate(seed);
        var shuffled = Run.Fold(Profile, RandomChats.Shuffle(events, seed + 1), FoldOptions.Unbounded);
        return shuffled.SameAs(Batch(Profile, events));
    }

    [Fact]
    public void A_conversation_past_a_short_idle_close_with_events_still_buffered_is_kept_open_not_closed()
    {
        // A 10-second idle close, and one stretch of c whose last reply (21:10:02, so nobody waits) is still in the
        // reorder buffer when d's event at 22:10:20 scans with the watermark at 21:10:20: c is past its idle close, but
        // the minute 21:10 is not yet released. Closing c there would finish it with the 21:09:58 message unanswered,
        // and apply its buffered reply to e, which takes c's slot.
        var profile = TestProfiles.Incremental(TimeSpan.FromSeconds(10));
        var events = Chat.On("2026-11-20", conversation: "c").Customer("21:09:45").Agent("21:09:52", agent: "a1").Customer("21:09:58").Agent("21:10:02", agent: "a1").Events
            .Concat(Chat.On("2026-11-20", conversation: "d").Customer("22:10:20").Events)
            .Concat(Chat.On("2026-11-20", conversation: "e").Customer("22:10:25").Events).ToList();
        var streamed = Run.Fold(profile, events, FoldOptions.Streaming, out var fold);
        Assert.Equal((0L, 3), (fold.TooLate, fold.PeakOpenConversations));
        var unanswered = profile.MetricIndex["unanswered"];
        Assert.Equal(2, streamed.Rows.Sum(r => r.Value[unanswered].Count)); // d's and e's, not c's
        Assert.True(streamed.SameAs(Batch(profile, events)));
    }

    [Fact]
    public void Profiles_whose_metrics_need_a_whole_stretch_keep_the_buffered_analysis()
    {
        Assert.NotNull(IncrementalRules.For(Profile));
        Assert.Null(IncrementalRules.For(TestProfiles.Everything()));
    }

    [Fact]
    public void A_state_keeps_the_waiting_messages_and_answers_them_two_days_later_with_the_full_delay()
    {
        var rules = IncrementalRules.For(Profile)!;
        var state = new ConversationState(rules, new LocalClock(Profile.Zone), "s1");
        var facts = new List<MetricFact>();
        foreach (var e in Chat.On("2026-11-19").Customer("09:30:00").Customer("09:31:00").Events) state.Apply(new SlimEvent(e), facts);
        // The consultation is final at once; the replies wait.
        Assert.Equal([Profile.MetricIndex["consultations"]], facts.Select(f => f.Metric));
        facts.Clear();
        foreach (var e in Chat.On("2026-11-21").Agent("09:30:00", agent: "a1").Events) state.Apply(new SlimEvent(e), facts);
        var avgMsg = facts.Where(f => f.Metric == Profile.MetricIndex["avg_msg"]).Select(f => f.SumTicks / TimeSpan.TicksPerSecond).Order();
        Assert.Equal([172_740L, 172_800L], avgMsg);
        // The round closes at day end (this profile's rule): unanswered, counted against the shop, not the agent.
        var round = facts.Single(f => f.Metric == Profile.MetricIndex["round"]);
        Assert.Equal((0L, 1L, (string?)null), (round.Numerator, round.Denominator, round.Agent));
        facts.Clear();
        state.Finish(facts);
        Assert.Empty(facts);
    }

    /// <summary>Each conversation's events, duplicates dropped as the fold drops them, in the engine's order.</summary>
    private static IEnumerable<(string Shop, SlimEvent[] Sorted)> Conversations(List<ChatEvent> events) =>
        events.DistinctBy(e => (e.Shop, e.Id)).GroupBy(e => (e.Shop, e.Conversation!))
            .Select(g => (g.Key.Shop, g.Select(e => new SlimEvent(e)).Order(EventOrder.Instance).ToArray()));

    /// <summary>The batch analysis of the whole input: every conversation sorted, cut into stretches and analysed.</summary>
    private static Rollup Batch(CompiledProfile profile, List<ChatEvent> events)
    {
        var analysis = new ConversationAnalysis(profile, new LocalClock(profile.Zone));
        var facts = new List<MetricFact>();
        foreach (var (shop, sorted) in Conversations(events))
            foreach (var stretch in Stretches.Split<SlimEvent>(sorted, profile.Profile.IdleClose.Ticks))
                analysis.Analyse(shop, sorted.AsSpan(stretch.Start, stretch.Length), facts);
        var rollup = new Rollup(profile.Metrics.Count);
        rollup.AddRange(facts);
        return rollup;
    }

    private static IEnumerable<string> Text(List<MetricFact> facts) => facts.Select(f => f.ToString()).Order(StringComparer.Ordinal);
}
