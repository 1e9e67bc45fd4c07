using KefuScore.Engine.Events;
using KefuScore.Engine.Profiles;

namespace KefuScore.Engine.Metrics;

/// <summary>
/// The metrics a <see cref="ConversationState"/> computes, compiled once per profile: every metric of every version,
/// with the reply policy it matches under. <see cref="For"/> gives null when some metric needs a whole stretch of
/// conversation at once (sessions, buyer-days, per-account transfers, bot-only conversations, leave-messages,
/// complaints): the fold then keeps the events and runs <see cref="ConversationAnalysis"/> as before.
/// </summary>
public sealed class IncrementalRules
{
    internal const int Human = 0, Assist = 1;

    internal readonly record struct Slot(MetricDefinition Metric, int Index, ProfileVersionRules? Version, int Policy, long WithinTicks);

    private IncrementalRules(CompiledProfile profile, Slot[] slots)
    {
        Profile = profile;
        Slots = slots;
        DayOf = new int[slots.Length];
        for (var i = 0; i < slots.Length; i++)
        {
            var m = slots[i].Metric;
            if (m.Kind is MetricKind.ReplyWithin or MetricKind.ReplyTime or MetricKind.Unanswered or MetricKind.NotServed)
                UsesPolicy[slots[i].Policy] = true;
            var once = m.Kind is MetricKind.Consultations or MetricKind.NotServed
                || (m.FirstOnly && m.Kind is MetricKind.ReplyWithin or MetricKind.ReplyTime or MetricKind.Unanswered);
            DayOf[i] = once ? DayCount++ : -1;
        }
    }

    public CompiledProfile Profile { get; }
    internal long IdleCloseTicks => Profile.Profile.IdleClose.Ticks;
    internal Slot[] Slots { get; }
    /// <summary>
    /// By slot: where a state keeps the last local day it counted for the slot's once-a-day rule (consultations,
    /// not-served, first-only items), or -1 for a slot that has none: a state keeps days only for those.
    /// </summary>
    internal int[] DayOf { get; }
    internal int DayCount { get; }
    /// <summary>Which reply policies some metric waits under: only those keep a list of waiting messages.</summary>
    internal bool[] UsesPolicy { get; } = new bool[2];

    public static IncrementalRules? For(CompiledProfile profile)
    {
        var slots = new List<Slot>();
        var single = profile.Versions.Count == 1;
        foreach (var version in profile.Versions)
        {
            for (var k = 0; k < version.Metrics.Count; k++)
            {
                var m = version.Metrics[k];
                if (!Supports(m)) return null;
                slots.Add(new Slot(m, version.MetricIndexes[k], single ? null : version, m.AcceptAssist ? Assist : Human,
                    (long)Math.Round(m.WithinSeconds * TimeSpan.TicksPerSecond)));
            }
        }
        return new IncrementalRules(profile, [.. slots]);
    }

    /// <summary>
    /// Rules that count nothing and keep only the customer messages waiting for a reply under one policy (assist-mode
    /// bots accepted or not): what the live monitor shows as waiting, the same pending items the report's states keep.
    /// </summary>
    public static IncrementalRules Waiting(CompiledProfile profile, bool acceptAssist)
    {
        var rules = new IncrementalRules(profile, []);
        rules.UsesPolicy[acceptAssist ? Assist : Human] = true;
        return rules;
    }

    private static bool Supports(MetricDefinition m) => m.Kind switch
    {
        MetricKind.ReplyWithin or MetricKind.ReplyTime or MetricKind.Unanswered =>
            m.Unit is CountingUnit.Message or CountingUnit.Round && !m.PerAccount && !m.ExcludeBotOnly,
        MetricKind.Consultations => m.Unit is CountingUnit.Message or CountingUnit.Round,
        MetricKind.NotServed or MetricKind.RatingShare => true,
        _ => false,
    };
}

/// <summary>
/// 会话增量状态: one conversation's analysis as a left fold over its events in <see cref="EventOrder"/>. Each fact is
/// emitted as soon as it is final (a consultation or rating when it arrives, a message or round when its valid reply
/// arrives, an unanswered one at <see cref="Finish"/>), and the state keeps only what can still change: the customer
/// messages waiting for a reply (their instants), per metric the last day counted, and the last agent who replied.
/// It gives the same facts as <see cref="ConversationAnalysis"/> over the conversation's stretches (a property test
/// holds them equal), for the metrics <see cref="IncrementalRules"/> supports. The logic is <see cref="ConversationCore"/>'s
/// (the report's fold keeps cores in its slot arrays; this class is one core with its rules, for everyone else).
/// </summary>
public sealed partial class ConversationState
{
    private const int NoDay = ConversationCore.NoDay;
    private readonly IncrementalRules _rules;
    private readonly LocalClock _clock;
    private ConversationCore _core;

    public ConversationState(IncrementalRules rules, LocalClock clock, string shop)
    {
        _rules = rules;
        _clock = clock;
        Shop = shop;
        _core = new ConversationCore(rules);
    }

    public string Shop { get; private set; }

    private Span<int> Days => _core.Days;

    private CoreContext Context => new(_rules, _clock, Shop, Decisions);

    /// <summary>Empties the state for another conversation of the same rules.</summary>
    public void Reset(string shop)
    {
        Shop = shop;
        _core.Reset();
    }

    /// <summary>Where the state records its per-message decisions for one metric (explain); null in the report's runs.</summary>
    public ConversationDecisions? Decisions { get; init; }

    /// <summary>How many customer messages wait for a valid reply under a policy (under a policy no rule waits by: none).</summary>
    public int WaitingCount(bool acceptAssist) => acceptAssist ? _core.AssistCount : _core.HumanCount;

    /// <summary>Applies the conversation's next event (in <see cref="EventOrder"/>); final facts are appended.</summary>
    public void Apply(in SlimEvent e, List<MetricFact> facts) => _core.Apply(e, Context, facts);

    /// <summary>"No further event will come": the waiting messages are unanswered.</summary>
    public void Finish(List<MetricFact> facts) => _core.Finish(Context, facts);

    /// <summary>Whether a reply answers an item begun on <paramref name="day"/>: any reply, unless the metric closes items at day end.</summary>
    internal static bool Answers(MetricDefinition m, bool replied, int replyDay, int day) => replied && !(m.CloseAtDayEnd && replyDay != day);
}
