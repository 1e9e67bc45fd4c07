using KefuScore.Engine.Profiles;

namespace KefuScore.Engine.Metrics;

/// <summary>
/// What a <see cref="ConversationState"/> decided about each customer message for one metric, kept as explain rows
/// (<c>kefu explain</c>): the state calls in as it counts, so an explanation is the report's own decisions, not a second
/// reading of the rules. Only explain creates one; the events it is fed must keep their source (texts).
/// </summary>
/// <remarks>
/// Rows are kept per stretch (the state's idle cut) and written when it ends, where a profile with versions leaves
/// out the versions in force on none of the stretch's days, as the batch analysis does.
/// </remarks>
public sealed class ConversationDecisions
{
    private sealed class Waiting(SlimEvent message)
    {
        public SlimEvent Message { get; } = message;
        /// <summary>The first message after it that is no valid reply but looks like one (bot, auto-reply, welcome).</summary>
        public SlimEvent? Ignored;
    }

    private sealed class Draft(Waiting waiting, ExplainReason reason, bool counted, SlimEvent? reply, string? roundStart)
    {
        public Waiting Waiting { get; } = waiting;
        public ExplainReason Reason { get; } = reason;
        public bool Counted { get; } = counted;
        public SlimEvent? Reply { get; } = reply;
        public string? RoundStart { get; } = roundStart;
        public SlimEvent? Ignored = waiting.Ignored;
    }

    private readonly IncrementalRules _rules;
    private readonly LocalClock _clock;
    private readonly bool[] _watched;
    private readonly List<Waiting>?[] _waiting = new List<Waiting>?[2];
    private readonly List<Draft>[] _drafts;
    /// <summary>Rows whose ignored-reply search runs on to the stretch's end (no reply bounds it).</summary>
    private readonly List<Draft> _openToEnd = [];
    private readonly List<ExplainRow> _rows = [];
    private SlimEvent _current;
    private long _firstLocal = long.MinValue, _lastLocal;

    /// <summary>Records the decisions for the profile's metric number <paramref name="metric"/> (every version's).</summary>
    public ConversationDecisions(IncrementalRules rules, LocalClock clock, int metric)
    {
        _rules = rules;
        _clock = clock;
        _watched = [.. rules.Slots.Select(s => s.Index == metric)];
        _drafts = [.. rules.Slots.Select(_ => new List<Draft>())];
        foreach (var s in rules.Slots)
            if (s.Index == metric) _waiting[s.Policy] = [];
    }

    /// <summary>The rows so far, one per customer message and version, as the batch analysis lists them.</summary>
    public IReadOnlyList<ExplainRow> Rows => _rows;

    internal void Arrived(in SlimEvent e)
    {
        var local = _clock.ToLocalTicks(e.Ticks);
        if (_firstLocal == long.MinValue) _firstLocal = local;
        _lastLocal = local;
        if (ConversationAnalysis.IgnoredWhy(e) is not null)
        {
            foreach (var d in _openToEnd) d.Ignored ??= e;
            for (var p = 0; p < _waiting.Length; p++)
            {
                // An accepted assist reply ends its messages' search without being found by it (it is their reply).
                if (_waiting[p] is not { } list || (p == IncrementalRules.Assist && IsAssistReply(e))) continue;
                foreach (var w in list) w.Ignored ??= e;
            }
        }
        _current = e;
        if (e.IsCustomerMessage)
        {
            foreach (var list in _waiting) list?.Add(new Waiting(e));
        }
    }

    /// <summary>
    /// The state's decision about waiting message <paramref name="j"/> under slot <paramref name="slot"/>;
    /// <paramref name="replied"/>: the current event is its valid reply (else the input ended).
    /// </summary>
    internal void Decide(int slot, int j, bool replied, ExplainReason reason)
    {
        if (!_watched[slot]) return;
        var s = _rules.Slots[slot];
        var m = s.Metric;
        var list = _waiting[s.Policy]!;
        var start = m.Unit == CountingUnit.Round ? list[0] : list[j];
        var day = (int)(_clock.ToLocalTicks(start.Message.Ticks) / TimeSpan.TicksPerDay);
        var replyDay = replied ? (int)(_clock.ToLocalTicks(_current.Ticks) / TimeSpan.TicksPerDay) : 0;
        var answered = ConversationState.Answers(m, replied, replyDay, day);
        var counted = reason is ExplainReason.Within or ExplainReason.Late or ExplainReason.Unanswered;
        var draft = new Draft(list[j], reason, counted, answered ? _current : null, reason == ExplainReason.MergedIntoRound ? start.Message.Id : null);
        // A message's own reply bounds the search for an ignored one; a round left unanswered (closed at day end)
        // searches on to the stretch's end, the reply itself included.
        var bounded = m.Unit == CountingUnit.Message ? replied : answered;
        if (!bounded)
        {
            if (replied && ConversationAnalysis.IgnoredWhy(_current) is not null) draft.Ignored ??= _current;
            _openToEnd.Add(draft);
        }
        _drafts[slot].Add(draft);
    }

    internal void Cleared(int policy) => _waiting[policy]?.Clear();

    /// <summary>The stretch is over (an idle cut or the end of the input): its rows are written.</summary>
    internal void EndStretch()
    {
        if (_firstLocal == long.MinValue) return;
        var first = DateOnly.FromDayNumber((int)(_firstLocal / TimeSpan.TicksPerDay));
        var last = DateOnly.FromDayNumber((int)(_lastLocal / TimeSpan.TicksPerDay));
        for (var slot = 0; slot < _drafts.Length; slot++)
        {
            var version = _rules.Slots[slot].Version;
            if (version is null || ConversationAnalysis.VersionTouches(_rules.Profile, version, first, last))
                foreach (var d in _drafts[slot]) _rows.Add(Row(d));
            _drafts[slot].Clear();
        }
        _openToEnd.Clear();
        foreach (var list in _waiting) list?.Clear();
        _firstLocal = long.MinValue;
    }

    private static ExplainRow Row(Draft d)
    {
        var c = d.Waiting.Message;
        var r = d.Reply;
        return new ExplainRow(
            c.Id, c.At, c.Text, d.Counted, d.Reason,
            r?.Id, r?.At, r?.Agent, r is { } reply ? (reply.Ticks - c.Ticks) / (double)TimeSpan.TicksPerSecond : null,
            d.RoundStart, d.Ignored?.Id, d.Ignored is { } i ? ConversationAnalysis.IgnoredWhy(i) : null, r?.Agent);
    }

    private static bool IsAssistReply(in SlimEvent e) =>
        e.Type == Events.EventType.Message && e.Sender == Events.Sender.Bot && e.Kind == Events.MessageKind.Assist;
}
