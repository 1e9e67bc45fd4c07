using System.Runtime.InteropServices;
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
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct ConversationCore
{
    internal const int NoDay = int.MinValue;
    /// <summary>Days kept in the core itself (douyin reads two: consultations and the first reply); more go to <see cref="Overflow"/>.</summary>
    internal const int InlineDays = 3;

    [System.Runtime.CompilerServices.InlineArray(InlineDays)]
    internal struct DayList
    {
        private int _first;
    }

    /// <summary>What few conversations need, out of the slot: more days than fit inline, a third waiting instant and later.</summary>
    private sealed class Overflow
    {
        public int[]? Days;
        public long[]? Waiting;
    }

    // The fields are 64 bytes (one cache line when aligned): a fold keeps 1.4M of these open on the wide shape, and
    // each byte less is less of the state to fetch per event (decisions §89).
    [FieldOffset(0)] internal long LastTicks;
    /// <summary>The waiting customer messages' first two instants (the rest in <see cref="Overflow.Waiting"/>).</summary>
    [FieldOffset(8)] private long _first;
    [FieldOffset(16)] private long _second;
    [FieldOffset(24)] internal string? LastReplier;
    [FieldOffset(32)] private Overflow? _overflow;
    /// <summary>
    /// Customer messages waiting under each policy. Both lists get every customer message, a human reply clears both
    /// and an assist reply only the assist one, so the assist list is always the last <see cref="_assist"/> of the
    /// human one: one list holds both (its length the larger count, as a list a policy no rule uses stays empty).
    /// </summary>
    [FieldOffset(40)] private int _human;
    [FieldOffset(44)] private int _assist;
    /// <summary>Per <see cref="IncrementalRules.DayOf"/> entry: the last local day counted (first-only items, consultations and not-served, once a day).</summary>
    [FieldOffset(48)] internal DayList InlineDay;
    [FieldOffset(60)] internal bool CustomerWaiting;

    public ConversationCore(IncrementalRules rules)
    {
        if (rules.DayCount > InlineDays) _overflow = new Overflow { Days = new int[rules.DayCount] };
        LastTicks = long.MinValue;
        Days.Fill(NoDay);
    }

    /// <summary>The days by <see cref="IncrementalRules.DayOf"/> (inline: all <see cref="InlineDays"/>, of which the rules use the first ones).</summary>
    [System.Diagnostics.CodeAnalysis.UnscopedRef]
    internal Span<int> Days => _overflow?.Days is { } more ? more : InlineDay;

    internal readonly int HumanCount => _human;
    internal readonly int AssistCount => _assist;

    /// <summary>The <paramref name="i"/>-th waiting instant under a policy (the assist list is the common list's tail).</summary>
    internal readonly long Waiting(int policy, int i) => At(policy == IncrementalRules.Human ? i : Math.Max(_human, _assist) - _assist + i);

    private readonly long At(int i) => i switch { 0 => _first, 1 => _second, _ => _overflow!.Waiting![i - 2] };

    /// <summary>A customer message's instant, kept under each policy some rule waits by.</summary>
    private void AddWaiting(long t, IncrementalRules rules)
    {
        var human = rules.UsesPolicy[IncrementalRules.Human];
        var assist = rules.UsesPolicy[IncrementalRules.Assist];
        if (!human && !assist) return;
        Put(Math.Max(_human, _assist), t);
        if (human) _human++;
        if (assist) _assist++;
    }

    /// <summary>Writes the common list's <paramref name="i"/>-th instant (written in order: i is at most the list's length).</summary>
    private void Put(int i, long t)
    {
        if (i == 0) _first = t;
        else if (i == 1) _second = t;
        else
        {
            _overflow ??= new Overflow();
            if (_overflow.Waiting is null) _overflow.Waiting = new long[2];
            else if (i - 2 == _overflow.Waiting.Length) Array.Resize(ref _overflow.Waiting, _overflow.Waiting.Length * 2);
            _overflow.Waiting[i - 2] = t;
        }
    }

    /// <summary>Sets the waiting lists from a snapshot's: the assist list must be the human list's tail (as every state keeps them).</summary>
    internal void RestoreWaiting(ReadOnlySpan<long> human, ReadOnlySpan<long> assist)
    {
        if (human.Length > 0 && assist.Length > 0 && (assist.Length > human.Length || !human[^assist.Length..].SequenceEqual(assist)))
            throw new FormatException("a conversation state whose assist list is not the tail of its human list");
        var all = human.Length >= assist.Length ? human : assist;
        for (var i = 0; i < all.Length; i++) Put(i, all[i]);
        _human = human.Length;
        _assist = assist.Length;
    }

    /// <summary>Empties the core for another conversation of the same rules (its arrays are kept for reuse).</summary>
    public void Reset()
    {
        Days.Fill(NoDay);
        _human = _assist = 0;
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
            AddWaiting(t, x.Rules);
            Consultation(t, x, facts);
        }
        else if (e.IsHumanReply)
        {
            CustomerWaiting = false;
            LastReplier = e.Agent;
            Resolve(IncrementalRules.Human, answered: true, t, e.Agent, x, facts);
            Resolve(IncrementalRules.Assist, answered: true, t, e.Agent, x, facts);
            _human = _assist = 0;
        }
        else if (e.Type == EventType.Message && e.Sender == Sender.Bot && e.Kind == MessageKind.Assist)
        {
            Resolve(IncrementalRules.Assist, answered: true, t, e.Agent, x, facts);
            _assist = 0;
        }
        else if (e.Type == EventType.Rating)
            Rating(e, x, facts);
    }

    /// <summary>"No further event will come": the waiting messages are unanswered.</summary>
    public void Finish(in CoreContext x, List<MetricFact> facts)
    {
        Resolve(IncrementalRules.Human, answered: false, 0, null, x, facts);
        Resolve(IncrementalRules.Assist, answered: false, 0, null, x, facts);
        _human = _assist = 0;
        x.Decisions?.EndStretch();
    }

    /// <summary>
    /// The waiting messages under one policy meet their reply (or none): one item per message or one round. The caller
    /// empties the lists after both policies (the assist list is read from the human one's tail).
    /// </summary>
    private void Resolve(int policy, bool answered, long replyTicks, string? agent, in CoreContext x, List<MetricFact> facts)
    {
        var count = policy == IncrementalRules.Human ? _human : _assist;
        if (count == 0) return;
        var clock = x.Clock;
        var decisions = x.Decisions;
        var shop = x.Shop;
        var days = Days;
        var replyDay = answered ? (int)(clock.ToLocalTicks(replyTicks) / TimeSpan.TicksPerDay) : NoDay;
        var slots = x.Rules.Slots;
        var dayOf = x.Rules.DayOf;
        for (var j = 0; j < count; j++)
        {
            var t = Waiting(policy, j);
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
                        if (m.FirstOnly)
                        {
                            if (day == days[dayOf[s]])
                            {
                                decisions?.Decide(s, j, answered, ExplainReason.NotFirstOfDay);
                                continue;
                            }
                            days[dayOf[s]] = day;
                        }
                        var ok = ConversationState.Answers(m, answered, replyDay, day);
                        var wait = ok ? replyTicks - t : 0;
                        ConversationAnalysis.EmitItem(m, shop, slot.Index, (int)(local / TimeSpan.TicksPerHour), ok ? agent : null, ok, wait, ok && wait <= slot.WithinTicks, facts);
                        decisions?.Decide(s, j, answered, ConversationAnalysis.CountedReason(m, ok, ok && wait <= slot.WithinTicks));
                        break;
                    case MetricKind.NotServed:
                        if (!Counts(slot, local, x.Rules) || day == days[dayOf[s]]) continue;
                        days[dayOf[s]] = day;
                        facts.Add(new MetricFact(shop, answered ? agent : null, (int)(local / TimeSpan.TicksPerHour), slot.Index, answered ? 0 : 1, 1, 0, 0, -1));
                        break;
                }
            }
        }
        decisions?.Cleared(policy);
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
            var d = x.Rules.DayOf[s];
            if (!Counts(slot, local, x.Rules) || day == Days[d]) continue;
            Days[d] = day;
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
}
