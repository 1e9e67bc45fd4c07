using FsCheck.Xunit;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;

namespace KefuScore.Engine.Tests.Reports;

/// <summary>
/// Explain reads the decisions the report's <see cref="ConversationState"/> records: the same rows the batch analysis
/// wrote before, and counted decisions that add up to the report's own numbers.
/// </summary>
public sealed class ExplainProperties
{
    private static readonly CompiledProfile Profile = TestProfiles.Incremental();
    private static readonly CompiledProfile ShortIdle = TestProfiles.Incremental(TimeSpan.FromHours(2));

    private static IEnumerable<MetricDefinition> ReplyMetrics(CompiledProfile p) =>
        p.Metrics.Where(m => m.Kind is MetricKind.ReplyWithin or MetricKind.ReplyTime or MetricKind.Unanswered);

    [Property(MaxTest = 60)]
    public bool The_states_decisions_are_the_rows_the_batch_analysis_wrote(int seed, bool shortIdle)
    {
        var profile = shortIdle ? ShortIdle : Profile;
        var rules = IncrementalRules.For(profile)!;
        var rows = 0;
        foreach (var (shop, sorted) in Conversations(Varied(seed)))
        {
            foreach (var m in ReplyMetrics(profile))
            {
                var index = profile.MetricIndex[m.Id];
                var fromState = Explainer.Rows(profile, shop, sorted, index, null, rules);
                var fromAnalysis = Explainer.Rows(profile, shop, sorted, index, null, rules: null);
                if (!fromState.SequenceEqual(fromAnalysis)) return false;
                rows += fromState.Count;
            }
        }
        return rows > 0;
    }

    [Property(MaxTest = 60)]
    public bool Counted_decisions_add_up_to_the_reports_numbers(int seed, bool shortIdle)
    {
        var profile = shortIdle ? ShortIdle : Profile;
        var events = Varied(seed);
        var report = Run.Fold(profile, events);
        foreach (var m in ReplyMetrics(profile))
        {
            var index = profile.MetricIndex[m.Id];
            var cell = new MetricCell();
            foreach (var (_, cells) in report.Rows) cell.Add(cells[index]);
            var counted = Conversations(events)
                .SelectMany(c => Explainer.Explain(profile, c.Sorted, c.Sorted[0].Conversation!, m.Id))
                .SelectMany(x => x.Rows).Where(r => r.Counted).ToList();
            var answered = counted.Where(r => r.Reason is ExplainReason.Within or ExplainReason.Late).ToList();
            var unanswered = counted.Count(r => r.Reason == ExplainReason.Unanswered);
            var cap = m.CapSeconds is { } c ? (long)(c * TimeSpan.TicksPerSecond) : long.MaxValue;
            var ok = m.Kind switch
            {
                MetricKind.ReplyWithin => cell.Denominator == counted.Count && cell.Numerator == counted.Count(r => r.Reason == ExplainReason.Within),
                MetricKind.ReplyTime => cell.Count == answered.Count + (m.UnansweredAsSeconds is null ? 0 : unanswered)
                    && cell.SumTicks == answered.Sum(r => Math.Min(r.ReplyAt!.Value.UtcTicks - r.At.UtcTicks, cap))
                        + unanswered * (long)((m.UnansweredAsSeconds ?? 0) * TimeSpan.TicksPerSecond),
                _ => cell.Count == unanswered,
            };
            if (!ok) return false;
        }
        return report.RowCount > 0;
    }

    [Fact]
    public void A_profile_the_state_does_not_run_is_explained_by_the_batch_analysis()
    {
        var profile = TestProfiles.Everything();
        Assert.Null(IncrementalRules.For(profile));
        var events = Chat.On("2026-11-19").Customer("10:00:00", id: "m1").Agent("10:00:30", "a1", id: "r1").Events;
        var row = Assert.Single(Explainer.Explain(profile, events, "c1", Explainer.DefaultMetric(profile).Id).Single().Rows);
        Assert.Equal(("m1", "r1", 30.0), (row.MessageId, row.ReplyId, row.ReplySeconds));
    }

    /// <summary>Random chats with welcome messages, system messages and texts, which explain reports as ignored replies.</summary>
    private static List<ChatEvent> Varied(int seed)
    {
        var random = new Random(seed);
        return [.. RandomChats.Generate(seed, conversations: 30, days: 3).Select(e => e.Type != EventType.Message ? e : new ChatEvent
        {
            Type = e.Type, Id = e.Id, Shop = e.Shop, At = e.At, Conversation = e.Conversation, Customer = e.Customer, Agent = e.Agent,
            Sender = e.Sender == Sender.Bot && e.Kind == MessageKind.Text && random.Next(2) == 0 ? Sender.System : e.Sender,
            Kind = e.Kind == MessageKind.Auto && random.Next(2) == 0 ? MessageKind.Welcome : e.Kind,
            Text = $"text {e.Id}",
        })];
    }

    /// <summary>Each conversation's events, duplicates dropped, in the engine's order.</summary>
    private static IEnumerable<(string Shop, List<ChatEvent> Sorted)> Conversations(List<ChatEvent> events) =>
        events.DistinctBy(e => (e.Shop, e.Id)).GroupBy(e => (e.Shop, e.Conversation!))
            .Select(g => (g.Key.Shop, g.Order(EventOrder.Instance).ToList()));
}
