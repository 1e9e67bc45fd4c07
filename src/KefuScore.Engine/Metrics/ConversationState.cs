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
        foreach (var s in slots)
        {
            if (s.Metric.Kind is MetricKind.ReplyWithin or MetricKind.ReplyTime or MetricKind.Unanswered or MetricKind.NotServed)
                UsesPolicy[s.Policy] = true;
        }
    }

    public CompiledProfile Profile { get; }
    internal Slot[] Slots { get; }
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
/// holds them equal), for the metrics <see cref="IncrementalRules"/> supports.
/// </summary>
public sealed partial class ConversationState
{
    private const int NoDay = int.MinValue;
    private readonly IncrementalRules _rules;
    private readonly LocalClock _clock;
    private readonly long _idleClose;
    /// <summary>
    /// Per slot: the last local day counted (first-only items, consultations and not-served, once a day). Up to
    /// <see cref="InlineDays"/> slots live inside the state, not in an array of their own: a report holds a state per
    /// open conversation, and one object less each is less for the collector to walk.
    /// </summary>
    private DayList _inlineDays;
    private readonly int[]? _moreDays;
    private readonly int _dayCount;
    private const int InlineDays = 8;

    [System.Runtime.CompilerServices.InlineArray(InlineDays)]
    private struct DayList
    {
        private int _first;
    }

    private Span<int> Days => _moreDays is { } more ? more : ((Span<int>)_inlineDays)[.._dayCount];
    /// <summary>Customer messages (UTC ticks) since the last valid reply, per reply policy (fields, not an array: one object less per conversation).</summary>
    private WaitingList _waitingHuman, _waitingAssist;
    private long _lastTicks = long.MinValue;
    private bool _customerWaiting;
    private string? _lastReplier;

    public ConversationState(IncrementalRules rules, LocalClock clock, string shop)
    {
        _rules = rules;
        _clock = clock;
        Shop = shop;
        _idleClose = rules.Profile.Profile.IdleClose.Ticks;
        _dayCount = rules.Slots.Length;
        if (_dayCount > InlineDays) _moreDays = new int[_dayCount];
        Days.Fill(NoDay);
    }

    public string Shop { get; private set; }

    /// <summary>Empties the state for another conversation of the same rules (the fold reuses closed states).</summary>
    public void Reset(string shop)
    {
        Shop = shop;
        Days.Fill(NoDay);
        _waitingHuman.Clear();
        _waitingAssist.Clear();
        _lastTicks = long.MinValue;
        _customerWaiting = false;
        _lastReplier = null;
    }

    /// <summary>Reads the state's first cache line and its day array, so a fold can bring many states in before applying events to them.</summary>
    internal int Touch() => _dayCount + (int)_lastTicks;

    /// <summary>Where the state records its per-message decisions for one metric (explain); null in the report's runs.</summary>
    public ConversationDecisions? Decisions { get; init; }

    /// <summary>How many customer messages wait for a valid reply under a policy (under a policy no rule waits by: none).</summary>
    public int WaitingCount(bool acceptAssist) => acceptAssist ? _waitingAssist.Count : _waitingHuman.Count;

    /// <summary>Applies the conversation's next event (in <see cref="EventOrder"/>); final facts are appended.</summary>
    public void Apply(in SlimEvent e, List<MetricFact> facts)
    {
        var t = e.Ticks;
        // A silence longer than the idle close with nobody waiting starts a new stretch (Stretches.Split): the
        // once-a-day counts start again. Nothing is waiting there, so no item is cut.
        if (_lastTicks != long.MinValue && !_customerWaiting && t - _lastTicks > _idleClose)
        {
            Decisions?.EndStretch();
            Days.Fill(NoDay);
            _lastReplier = null;
        }
        if (t > _lastTicks) _lastTicks = t;
        Decisions?.Arrived(e);

        if (e.IsCustomerMessage)
        {
            _customerWaiting = true;
            if (_rules.UsesPolicy[IncrementalRules.Human]) _waitingHuman.Add(t);
            if (_rules.UsesPolicy[IncrementalRules.Assist]) _waitingAssist.Add(t);
            Consultation(t, facts);
        }
        else if (e.IsHumanReply)
        {
            _customerWaiting = false;
            _lastReplier = e.Agent;
            Resolve(IncrementalRules.Human, answered: true, t, e.Agent, facts);
            Resolve(IncrementalRules.Assist, answered: true, t, e.Agent, facts);
        }
        else if (e.Type == EventType.Message && e.Sender == Sender.Bot && e.Kind == MessageKind.Assist)
            Resolve(IncrementalRules.Assist, answered: true, t, e.Agent, facts);
        else if (e.Type == EventType.Rating)
            Rating(e, facts);
    }

    /// <summary>"No further event will come": the waiting messages are unanswered.</summary>
    public void Finish(List<MetricFact> facts)
    {
        Resolve(IncrementalRules.Human, answered: false, 0, null, facts);
        Resolve(IncrementalRules.Assist, answered: false, 0, null, facts);
        Decisions?.EndStretch();
    }

    /// <summary>The waiting messages under one policy meet their reply (or none): one item per message or one round.</summary>
    private void Resolve(int policy, bool answered, long replyTicks, string? agent, List<MetricFact> facts)
    {
        ref var waiting = ref policy == IncrementalRules.Human ? ref _waitingHuman : ref _waitingAssist;
        if (waiting.Count == 0) return;
        var replyDay = answered ? (int)(_clock.ToLocalTicks(replyTicks) / TimeSpan.TicksPerDay) : NoDay;
        var slots = _rules.Slots;
        for (var j = 0; j < waiting.Count; j++)
        {
            var t = waiting[j];
            var local = _clock.ToLocalTicks(t);
            var day = (int)(local / TimeSpan.TicksPerDay);
            for (var s = 0; s < slots.Length; s++)
            {
                ref readonly var slot = ref slots[s];
                if (slot.Policy != policy) continue;
                var m = slot.Metric;
                switch (m.Kind)
                {
                    case MetricKind.ReplyWithin or MetricKind.ReplyTime or MetricKind.Unanswered:
                        if (m.Unit == CountingUnit.Round && j > 0) // a round is its first message's item
                        {
                            Decisions?.Decide(s, j, answered, ExplainReason.MergedIntoRound);
                            continue;
                        }
                        if (!Counts(slot, local))
                        {
                            Decisions?.Decide(s, j, answered, m.Hours.Contains(local % TimeSpan.TicksPerDay) ? ExplainReason.NotInVersion : ExplainReason.OutsideHours);
                            continue;
                        }
                        if (m.FirstOnly && day == Days[s])
                        {
                            Decisions?.Decide(s, j, answered, ExplainReason.NotFirstOfDay);
                            continue;
                        }
                        Days[s] = day;
                        var ok = Answers(m, answered, replyDay, day);
                        var wait = ok ? replyTicks - t : 0;
                        ConversationAnalysis.EmitItem(m, Shop, slot.Index, (int)(local / TimeSpan.TicksPerHour), ok ? agent : null, ok, wait, ok && wait <= slot.WithinTicks, facts);
                        Decisions?.Decide(s, j, answered, ConversationAnalysis.CountedReason(m, ok, ok && wait <= slot.WithinTicks));
                        break;
                    case MetricKind.NotServed:
                        if (!Counts(slot, local) || day == Days[s]) continue;
                        Days[s] = day;
                        facts.Add(new MetricFact(Shop, answered ? agent : null, (int)(local / TimeSpan.TicksPerHour), slot.Index, answered ? 0 : 1, 1, 0, 0, -1));
                        break;
                }
            }
        }
        Decisions?.Cleared(policy);
        waiting.Clear();
    }

    /// <summary>Whether a reply answers an item begun on <paramref name="day"/>: any reply, unless the metric closes items at day end.</summary>
    internal static bool Answers(MetricDefinition m, bool replied, int replyDay, int day) => replied && !(m.CloseAtDayEnd && replyDay != day);

    private void Consultation(long t, List<MetricFact> facts)
    {
        var slots = _rules.Slots;
        var local = long.MinValue;
        for (var s = 0; s < slots.Length; s++)
        {
            ref readonly var slot = ref slots[s];
            if (slot.Metric.Kind != MetricKind.Consultations) continue;
            if (local == long.MinValue) local = _clock.ToLocalTicks(t);
            var day = (int)(local / TimeSpan.TicksPerDay);
            if (!Counts(slot, local) || day == Days[s]) continue;
            Days[s] = day;
            facts.Add(new MetricFact(Shop, null, (int)(local / TimeSpan.TicksPerHour), slot.Index, 0, 0, 0, 1, -1));
        }
    }

    private void Rating(in SlimEvent e, List<MetricFact> facts)
    {
        var slots = _rules.Slots;
        var local = _clock.ToLocalTicks(e.Ticks);
        for (var s = 0; s < slots.Length; s++)
        {
            ref readonly var slot = ref slots[s];
            if (slot.Metric.Kind != MetricKind.RatingShare || !Counts(slot, local)) continue;
            if (!ConversationAnalysis.RatingCounts(_rules.Profile, slot.Metric, e, out var hit)) continue;
            facts.Add(new MetricFact(Shop, e.Agent ?? _lastReplier, (int)(local / TimeSpan.TicksPerHour), slot.Index, hit ? 1 : 0, 1, 0, 0, -1));
        }
    }

    /// <summary>In the metric's hours and, for a profile with versions, in the slot's version.</summary>
    private bool Counts(in IncrementalRules.Slot slot, long local) =>
        slot.Metric.Hours.Contains(local % TimeSpan.TicksPerDay)
        && (slot.Version is null || ReferenceEquals(_rules.Profile.VersionOn(DateOnly.FromDayNumber((int)(local / TimeSpan.TicksPerDay))), slot.Version));

    /// <summary>A list of instants whose first lives in a field: one customer message waiting costs no array.</summary>
    private struct WaitingList
    {
        private long _first;
        private long[]? _more;

        public int Count { get; private set; }

        public readonly long this[int i] => i == 0 ? _first : _more![i - 1];

        public void Add(long t)
        {
            if (Count == 0) _first = t;
            else
            {
                if (_more is null) _more = new long[2];
                else if (Count - 1 == _more.Length) Array.Resize(ref _more, _more.Length * 2);
                _more[Count - 1] = t;
            }
            Count++;
        }

        public void Clear() => Count = 0;
    }
}
