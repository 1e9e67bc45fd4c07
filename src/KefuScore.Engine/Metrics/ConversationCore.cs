using KefuScore.Engine.Events;
using KefuScore.Engine.Profiles;

namespace KefuScore.Engine.Metrics;

/// <summary>
/// What a <see cref="ConversationCore"/> needs besides its own state, the same for all of a fold's conversations (the
/// shop and the explain recorder aside): passed per call, so the core itself is only the numbers that change.
/// </summary>
internal readonly struct CoreContext(IncrementalRules rules, LocalClock clock, string shop, ConversationDecisions? decisions = null)
{
    public IncrementalRules Rules { get; } = rules;
    public LocalClock Clock { get; } = clock;
    public string Shop { get; } = shop;
    public ConversationDecisions? Decisions { get; } = decisions;
}

/// <summary>
/// 会话增量状态 as a struct: one conversation's analysis as a left fold over its events in <see cref="EventOrder"/>
/// (the logic of <see cref="ConversationState"/>, which wraps one). A fold keeps these in its slot arrays, so an open
/// conversation is not an object of its own for the collector to walk (1.4M at once on the wide shape). Each fact is
/// emitted as soon as it is final (a consultation or rating when it arrives, a message or round when its valid reply
/// arrives, an unanswered one at <see cref="Finish"/>); the core keeps only what can still change: the customer
/// messages waiting for a reply (their instants), per metric the last day counted, and the last agent who replied.
/// </summary>
internal struct ConversationCore
{
    internal const int NoDay = int.MinValue;
    internal const int InlineDays = 8;

    [System.Runtime.CompilerServices.InlineArray(InlineDays)]
    internal struct DayList
    {
        private int _first;
    }

    /// <summary>Per slot: the last local day counted (first-only items, consultations and not-served, once a day).</summary>
    internal DayList InlineDay;
    /// <summary>More slots than <see cref="InlineDays"/> (a profile with many metrics or versions): an array.</summary>
    internal int[]? MoreDays;
    internal int DayCount;
    /// <summary>Customer messages (UTC ticks) since the last valid reply, per reply policy.</summary>
    internal WaitingList WaitingHuman, WaitingAssist;
    internal long LastTicks;
    internal bool CustomerWaiting;
    internal string? LastReplier;

    public ConversationCore(IncrementalRules rules)
    {
        DayCount = rules.Slots.Length;
        if (DayCount > InlineDays) MoreDays = new int[DayCount];
        LastTicks = long.MinValue;
        Days.Fill(NoDay);
    }

    [System.Diagnostics.CodeAnalysis.UnscopedRef]
    internal Span<int> Days => MoreDays is { } more ? more : ((Span<int>)InlineDay)[..DayCount];

    /// <summary>Empties the core for another conversation of the same rules (its arrays are kept for reuse).</summary>
    public void Reset()
    {
        Days.Fill(NoDay);
        WaitingHuman.Clear();
        WaitingAssist.Clear();
        LastTicks = long.MinValue;
        CustomerWaiting = false;
        LastReplier = null;
    }

    /// <summary>Applies the conversation's next event (in <see cref="EventOrder"/>); final facts are appended.</summary>
    public void Apply(in SlimEvent e, in CoreContext x, List<MetricFact> facts)
    {
        var t = e.Ticks;
        // A silence longer than the idle close with nobody waiting starts a new stretch (Stretches.Split): the
        // once-a-day counts start again. Nothing is waiting there, so no item is cut.
        if (LastTicks != long.MinValue && !CustomerWaiting && t - LastTicks > x.Rules.IdleCloseTicks)
        {
            x.Decisions?.EndStretch();
            Days.Fill(NoDay);
            LastReplier = null;
        }
        if (t > LastTicks) LastTicks = t;
        x.Decisions?.Arrived(e);

        if (e.IsCustomerMessage)
        {
            CustomerWaiting = true;
            if (x.Rules.UsesPolicy[IncrementalRules.Human]) WaitingHuman.Add(t);
            if (x.Rules.UsesPolicy[IncrementalRules.Assist]) WaitingAssist.Add(t);
            Consultation(t, x, facts);
        }
        else if (e.IsHumanReply)
        {
            CustomerWaiting = false;
            LastReplier = e.Agent;
            Resolve(IncrementalRules.Human, answered: true, t, e.Agent, x, facts);
            Resolve(IncrementalRules.Assist, answered: true, t, e.Agent, x, facts);
        }
        else if (e.Type == EventType.Message && e.Sender == Sender.Bot && e.Kind == MessageKind.Assist)
            Resolve(IncrementalRules.Assist, answered: true, t, e.Agent, x, facts);
        else if (e.Type == EventType.Rating)
            Rating(e, x, facts);
    }

    /// <summary>"No further event will come": the waiting messages are unanswered.</summary>
    public void Finish(in CoreContext x, List<MetricFact> facts)
    {
        Resolve(IncrementalRules.Human, answered: false, 0, null, x, facts);
        Resolve(IncrementalRules.Assist, answered: false, 0, null, x, facts);
        x.Decisions?.EndStretch();
    }

    /// <summary>The waiting messages under one policy meet their reply (or none): one item per message or one round.</summary>
    private void Resolve(int policy, bool answered, long replyTicks, string? agent, in CoreContext x, List<MetricFact> facts)
    {
        ref var waiting = ref policy == IncrementalRules.Human ? ref WaitingHuman : ref WaitingAssist;
        if (waiting.Count == 0) return;
        var clock = x.Clock;
        var decisions = x.Decisions;
        var shop = x.Shop;
        var days = Days;
        var replyDay = answered ? (int)(clock.ToLocalTicks(replyTicks) / TimeSpan.TicksPerDay) : NoDay;
        var slots = x.Rules.Slots;
        for (var j = 0; j < waiting.Count; j++)
        {
            var t = waiting[j];
            var local = clock.ToLocalTicks(t);
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
                            decisions?.Decide(s, j, answered, ExplainReason.MergedIntoRound);
                            continue;
                        }
                        if (!Counts(slot, local, x.Rules))
                        {
                            decisions?.Decide(s, j, answered, m.Hours.Contains(local % TimeSpan.TicksPerDay) ? ExplainReason.NotInVersion : ExplainReason.OutsideHours);
                            continue;
                        }
                        if (m.FirstOnly && day == days[s])
                        {
                            decisions?.Decide(s, j, answered, ExplainReason.NotFirstOfDay);
                            continue;
                        }
                        days[s] = day;
                        var ok = ConversationState.Answers(m, answered, replyDay, day);
                        var wait = ok ? replyTicks - t : 0;
                        ConversationAnalysis.EmitItem(m, shop, slot.Index, (int)(local / TimeSpan.TicksPerHour), ok ? agent : null, ok, wait, ok && wait <= slot.WithinTicks, facts);
                        decisions?.Decide(s, j, answered, ConversationAnalysis.CountedReason(m, ok, ok && wait <= slot.WithinTicks));
                        break;
                    case MetricKind.NotServed:
                        if (!Counts(slot, local, x.Rules) || day == days[s]) continue;
                        days[s] = day;
                        facts.Add(new MetricFact(shop, answered ? agent : null, (int)(local / TimeSpan.TicksPerHour), slot.Index, answered ? 0 : 1, 1, 0, 0, -1));
                        break;
                }
            }
        }
        decisions?.Cleared(policy);
        waiting.Clear();
    }

    private void Consultation(long t, in CoreContext x, List<MetricFact> facts)
    {
        var slots = x.Rules.Slots;
        var local = long.MinValue;
        for (var s = 0; s < slots.Length; s++)
        {
            ref readonly var slot = ref slots[s];
            if (slot.Metric.Kind != MetricKind.Consultations) continue;
            if (local == long.MinValue) local = x.Clock.ToLocalTicks(t);
            var day = (int)(local / TimeSpan.TicksPerDay);
            if (!Counts(slot, local, x.Rules) || day == Days[s]) continue;
            Days[s] = day;
            facts.Add(new MetricFact(x.Shop, null, (int)(local / TimeSpan.TicksPerHour), slot.Index, 0, 0, 0, 1, -1));
        }
    }

    private readonly void Rating(in SlimEvent e, in CoreContext x, List<MetricFact> facts)
    {
        var rules = x.Rules;
        var slots = rules.Slots;
        var local = x.Clock.ToLocalTicks(e.Ticks);
        for (var s = 0; s < slots.Length; s++)
        {
            ref readonly var slot = ref slots[s];
            if (slot.Metric.Kind != MetricKind.RatingShare || !Counts(slot, local, rules)) continue;
            if (!ConversationAnalysis.RatingCounts(rules.Profile, slot.Metric, e, out var hit)) continue;
            facts.Add(new MetricFact(x.Shop, e.Agent ?? LastReplier, (int)(local / TimeSpan.TicksPerHour), slot.Index, hit ? 1 : 0, 1, 0, 0, -1));
        }
    }

    /// <summary>In the metric's hours and, for a profile with versions, in the slot's version.</summary>
    private static bool Counts(in IncrementalRules.Slot slot, long local, IncrementalRules rules) =>
        slot.Metric.Hours.Contains(local % TimeSpan.TicksPerDay)
        && (slot.Version is null || ReferenceEquals(rules.Profile.VersionOn(DateOnly.FromDayNumber((int)(local / TimeSpan.TicksPerDay))), slot.Version));

    /// <summary>
    /// A list of instants whose first two live in fields: one or two customer messages waiting cost no array. A third
    /// goes to an array. In the wide 10M file no list ever held more than two, and the array each second message cost
    /// (1.27M of them) was a fresh object written into a slot page on the large object heap, marking its card for the
    /// next gen-0 collection to scan (decisions §78).
    /// </summary>
    internal struct WaitingList
    {
        private const int Inline = 2;
        private long _first, _second;
        private long[]? _more;

        public int Count { get; private set; }

        public readonly long this[int i] => i switch { 0 => _first, 1 => _second, _ => _more![i - Inline] };

        public void Add(long t)
        {
            if (Count == 0) _first = t;
            else if (Count == 1) _second = t;
            else
            {
                if (_more is null) _more = new long[2];
                else if (Count - Inline == _more.Length) Array.Resize(ref _more, _more.Length * 2);
                _more[Count - Inline] = t;
            }
            Count++;
        }

        public void Clear() => Count = 0;
    }
}
