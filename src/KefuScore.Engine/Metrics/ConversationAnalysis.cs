using KefuScore.Engine.Events;
using KefuScore.Engine.Profiles;

namespace KefuScore.Engine.Metrics;

/// <summary>
/// Turns one closed stretch of a conversation (its events in <see cref="EventOrder"/>, no gap longer than the
/// profile's idle close) into metric facts. A pure function of its input: the fold calls it once per stretch,
/// <c>kefu explain</c> calls it with an explain list.
/// </summary>
/// <remarks>
/// Reply matching is one backward pass per reply policy: each customer message gets the index of the first valid
/// reply at or after it. Messages sharing that index form a round (轮次), so rounds need no further state.
/// </remarks>
public sealed partial class ConversationAnalysis(CompiledProfile profile, LocalClock clock)
{
    private const int NoReply = -1;
    private readonly int[]?[] _next = new int[4][];
    private long[] _local = [];
    private int[] _holder = [];
    private int[] _customers = [];
    private int _customerCount;

    public CompiledProfile Profile { get; } = profile;

    private SlimEvent[] _slim = [];
    private ShopPresence? _presence;

    /// <summary>Analyses a stretch of full events (in <see cref="EventOrder"/>); explain rows keep their texts.</summary>
    public void Analyse(string shop, ReadOnlySpan<ChatEvent> events, List<MetricFact> facts, int explainMetric = -1, List<ExplainRow>? explain = null, ShopPresence? presence = null)
    {
        if (_slim.Length < events.Length) _slim = new SlimEvent[Math.Max(events.Length, _slim.Length * 2)];
        for (var i = 0; i < events.Length; i++) _slim[i] = new SlimEvent(events[i], keepSource: explain is not null);
        Analyse(shop, _slim.AsSpan(0, events.Length), facts, explainMetric, explain, presence);
        Array.Clear(_slim, 0, events.Length);
    }

    /// <summary>
    /// Analyses a stretch; appends facts, and explain rows for <paramref name="explainMetric"/> when asked.
    /// <paramref name="presence"/>: the shop's agent statuses, for the rules that ask whether anybody was online.
    /// </summary>
    public void Analyse(string shop, ReadOnlySpan<SlimEvent> events, List<MetricFact> facts, int explainMetric = -1, List<ExplainRow>? explain = null, ShopPresence? presence = null)
    {
        if (events.IsEmpty) return;
        Prepare(events);
        _presence = presence;

        var singleVersion = Profile.Versions.Count == 1;
        var firstDate = DateOnly.FromDayNumber((int)(_local[0] / TimeSpan.TicksPerDay));
        var lastDate = DateOnly.FromDayNumber((int)(_local[events.Length - 1] / TimeSpan.TicksPerDay));
        foreach (var version in Profile.Versions)
        {
            if (!singleVersion && !VersionTouches(version, firstDate, lastDate)) continue;
            for (var k = 0; k < version.Metrics.Count; k++)
            {
                var metric = version.Metrics[k];
                var index = version.MetricIndexes[k];
                var ctx = new MetricContext(shop, metric, index, singleVersion ? null : version, index == explainMetric ? explain : null);
                switch (metric.Kind)
                {
                    case MetricKind.ReplyWithin or MetricKind.ReplyTime or MetricKind.Unanswered when metric.Unit == CountingUnit.Buyer:
                        BuyerItems(events, ctx, facts);
                        break;
                    case MetricKind.ReplyWithin or MetricKind.ReplyTime or MetricKind.Unanswered:
                        ReplyItems(events, ctx, facts);
                        break;
                    case MetricKind.Consultations when metric.Unit == CountingUnit.Buyer:
                        ConsultingBuyers(events, ctx, facts);
                        break;
                    case MetricKind.Consultations when metric.Unit == CountingUnit.Session:
                        ConsultingSessions(events, ctx, facts);
                        break;
                    case MetricKind.Consultations or MetricKind.NotServed:
                        Consultations(events, ctx, facts);
                        break;
                    case MetricKind.RatingShare:
                        Ratings(events, ctx, facts);
                        break;
                    case MetricKind.LeaveMessage:
                        LeaveMessages(events, ctx, facts);
                        break;
                    case MetricKind.ComplaintRate:
                        Complaints(events, ctx, facts);
                        break;
                }
            }
        }
    }

    private readonly record struct MetricContext(string Shop, MetricDefinition Metric, int Index, ProfileVersionRules? Version, List<ExplainRow>? Explain);

    private bool VersionTouches(ProfileVersionRules v, DateOnly first, DateOnly last) => VersionTouches(Profile, v, first, last);

    /// <summary>Whether a profile version is in force on some day of [first, last] (a stretch's days), shared with <see cref="ConversationDecisions"/>.</summary>
    internal static bool VersionTouches(CompiledProfile profile, ProfileVersionRules v, DateOnly first, DateOnly last)
    {
        var i = IndexOf(profile, v);
        var end = i + 1 < profile.Versions.Count ? profile.Versions[i + 1].From : DateOnly.MaxValue;
        return v.From <= last && end > first;
    }

    private static int IndexOf(CompiledProfile profile, ProfileVersionRules v)
    {
        for (var i = 0; i < profile.Versions.Count; i++)
            if (ReferenceEquals(profile.Versions[i], v)) return i;
        return 0;
    }

    private bool InVersion(in MetricContext ctx, long localTicks) =>
        ctx.Version is null || ReferenceEquals(Profile.VersionOn(DateOnly.FromDayNumber((int)(localTicks / TimeSpan.TicksPerDay))), ctx.Version);

    private void Prepare(ReadOnlySpan<SlimEvent> events)
    {
        var n = events.Length;
        if (_local.Length < n)
        {
            var size = Math.Max(n, _local.Length * 2);
            _local = new long[size];
            _customers = new int[size];
            _holder = new int[size];
        }
        _customerCount = 0;
        for (var i = 0; i < n; i++)
        {
            _local[i] = clock.ToLocalTicks(events[i].Ticks);
            if (events[i].IsCustomerMessage) _customers[_customerCount++] = i;
        }
        _holderReady = false;
        _sessionsReady = false;
        _computed = 0;
    }

    private bool _holderReady;
    private int _computed;

    /// <summary>next[i] for customer messages: the index of the first valid reply at or after i under the policy.</summary>
    private int[] Next(ReadOnlySpan<SlimEvent> events, bool acceptAssist, bool perAccount)
    {
        var policy = (acceptAssist ? 1 : 0) | (perAccount ? 2 : 0);
        var arr = _next[policy];
        if (arr is null || arr.Length < events.Length) arr = _next[policy] = new int[Math.Max(events.Length, _local.Length)];
        if ((_computed & (1 << policy)) != 0) return arr;
        var next = NoReply;
        for (var i = events.Length - 1; i >= 0; i--)
        {
            ref readonly var e = ref events[i];
            if (IsValidReply(e, acceptAssist)) next = i;
            arr[i] = next;
            // A transfer cuts the reply path: what was asked before it is the first account's to answer.
            if (perAccount && e.Type == EventType.Session && e.IsTransfer) next = NoReply;
        }
        _computed |= 1 << policy;
        return arr;
    }

    private static bool IsValidReply(in SlimEvent e, bool acceptAssist) =>
        e.IsHumanReply || (acceptAssist && e.Type == EventType.Message && e.Sender == Sender.Bot && e.Kind == MessageKind.Assist);

    /// <summary>The agent account holding the conversation at each event: the last opened/transferred to, or the last to reply.</summary>
    private int[] Holders(ReadOnlySpan<SlimEvent> events)
    {
        if (_holderReady) return _holder;
        var holder = NoReply;
        for (var i = 0; i < events.Length; i++)
        {
            ref readonly var e = ref events[i];
            if ((e.Type == EventType.Session && (e.IsOpened || e.IsTransfer) && e.Agent is not null) || e.IsHumanReply) holder = i;
            _holder[i] = holder;
        }
        _holderReady = true;
        return _holder;
    }

    private int LocalHour(int i) => (int)(_local[i] / TimeSpan.TicksPerHour);

    private int LocalDay(int i) => (int)(_local[i] / TimeSpan.TicksPerDay);

    private long TimeOfDay(int i) => _local[i] % TimeSpan.TicksPerDay;

    /// <summary>Handled by a fully automatic bot: bots spoke and nobody gave a valid reply (an assist-mode bot is valid where accepted).</summary>
    private static bool BotOnly(ReadOnlySpan<SlimEvent> events, bool acceptAssist)
    {
        var bot = false;
        foreach (var e in events)
        {
            if (IsValidReply(e, acceptAssist)) return false;
            if (e.Type == EventType.Message && e.Sender == Sender.Bot) bot = true;
        }
        return bot;
    }
}
