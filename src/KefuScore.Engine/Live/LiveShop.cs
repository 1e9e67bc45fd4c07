using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;

namespace KefuScore.Engine.Live;

/// <summary>How the live picture treats presence and load.</summary>
/// <param name="ActiveWindow">A conversation counts towards its agent's load while a customer waits in it, or until this long after its last event (or until a session <c>closed</c>).</param>
public sealed record LiveOptions(TimeSpan ActiveWindow)
{
    public static LiveOptions Default { get; } = new(TimeSpan.FromMinutes(30));
}

/// <summary>
/// 实时监控: one shop's live state, fed events in any order and asked for the picture at an instant. Pure: the
/// instant is always an argument. Waiting customers are the pending messages of each conversation's
/// <see cref="ConversationState"/> under the profile's reply role (its unit, and whether assist-mode bots are valid
/// replies); today's metrics come from the engine's own
/// <see cref="ConversationAnalysis"/> over the events seen so far, with customers still inside their reply window left
/// out (they are undecided, not late). Alerts are evaluated here too, so a fake clock drives them in tests.
/// </summary>
public sealed class LiveShop
{
    private const long NoHorizon = -1;

    private sealed class Conversation
    {
        public readonly List<SlimEvent> Events = [];
        public string? Customer;
        public long LastTicks = long.MinValue;
        public int Version;
        /// <summary>The reply metric's waiting messages, fed <see cref="Events"/> in order up to the instant asked.</summary>
        public ConversationState? State;
        /// <summary>How many of <see cref="Events"/> the state has taken; an event filed before them makes it start again.</summary>
        public int Applied;
        public int CacheVersion = -1;
        public long CacheFrom;
        public long CacheUntil;
        public List<MetricFact> Facts = [];
    }

    private sealed record Presence(string Status, int Capacity, long Ticks);

    private readonly Dictionary<string, Conversation> _conversations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Presence> _agents = new(StringComparer.Ordinal);
    /// <summary>Ids of events outside conversations (presence, loose ratings and complaints), with their instants, for duplicates.</summary>
    private readonly Dictionary<string, long> _looseIds = new(StringComparer.Ordinal);
    /// <summary>Ratings and complaints outside any conversation (for the dissatisfied and complaint rules).</summary>
    private readonly List<SlimEvent> _loose = [];
    private readonly Dictionary<string, LiveAlert> _open = new(StringComparer.Ordinal);
    private List<LiveAlert> _quiet = [];
    private readonly ConversationAnalysis _analysis;
    private readonly LocalClock _clock;
    private readonly MetricDefinition? _primary;
    private readonly IncrementalRules _waitingRules;
    private readonly List<MetricFact> _noFacts = [];
    private readonly long[] _horizons;
    private readonly long _idleClose;
    private long _lastPresenceTicks = long.MinValue;
    private long _prunedAt = long.MinValue;

    public LiveShop(string shop, CompiledProfile profile, AlertRuleSet? rules = null, LiveOptions? options = null)
    {
        Shop = shop;
        Profile = profile;
        Options = options ?? LiveOptions.Default;
        _clock = new LocalClock(profile.Zone);
        _analysis = new ConversationAnalysis(profile, _clock);
        _primary = PrimaryReplyMetric(profile);
        _waitingRules = IncrementalRules.Waiting(profile, AcceptsAssist);
        _idleClose = profile.Profile.IdleClose.Ticks;
        Rules = rules ?? AlertRuleSet.Defaults(profile);
        var widest = profile.Metrics.Where(m => m.Kind == MetricKind.ReplyWithin).Select(m => m.WithinSeconds).DefaultIfEmpty(180).Max();
        // How long after a customer message it stays undecided, per metric: its own threshold, the widest one for
        // reply times, unanswered and not-served counts; consultations and ratings are decided at once.
        _horizons = profile.Metrics.Select(m => m.Kind switch
        {
            MetricKind.ReplyWithin => (long)Math.Round(m.WithinSeconds * TimeSpan.TicksPerSecond),
            MetricKind.ReplyTime or MetricKind.Unanswered or MetricKind.NotServed => (long)Math.Round(widest * TimeSpan.TicksPerSecond),
            _ => NoHorizon,
        }).ToArray();
    }

    public string Shop { get; }
    public CompiledProfile Profile { get; }
    public LiveOptions Options { get; }
    public AlertRuleSet Rules { get; set; }
    public int ConversationCount => _conversations.Count;

    /// <summary>The metric whose unit and reply rules define "waiting": the profile's reply role.</summary>
    public static MetricDefinition? PrimaryReplyMetric(CompiledProfile profile) => profile.Roles.Reply;

    /// <summary>Adds an event; false when it is a duplicate (same id) or tells the live picture nothing.</summary>
    public bool Apply(ChatEvent e)
    {
        if (e.Conversation is not null && e.Type is EventType.Message or EventType.Rating or EventType.Session or EventType.Complaint)
        {
            if (!_conversations.TryGetValue(e.Conversation, out var c)) _conversations[e.Conversation] = c = new Conversation();
            foreach (var x in c.Events)
                if (string.Equals(x.Id, e.Id, StringComparison.Ordinal)) return false;
            var slim = new SlimEvent(e);
            var at = c.Events.BinarySearch(slim, EventOrder.Instance);
            at = at < 0 ? ~at : at;
            c.Events.Insert(at, slim);
            if (at < c.Applied) c.State = null;
            if (e.IsCustomerMessage && e.Customer is not null) c.Customer ??= e.Customer;
            if (e.Ticks > c.LastTicks) c.LastTicks = e.Ticks;
            c.Version++;
            return true;
        }
        if (e.Type is not (EventType.AgentStatus or EventType.Rating or EventType.Complaint)) return false;
        if (!_looseIds.TryAdd(e.Id, e.Ticks)) return false;
        if (e.Type == EventType.AgentStatus && e.Agent is not null)
        {
            if (_agents.TryGetValue(e.Agent, out var known) && known.Ticks > e.Ticks) return true; // an older status arriving late
            var capacity = e.Capacity > 0 ? e.Capacity : known?.Capacity ?? 0;
            _agents[e.Agent] = new Presence(e.Status ?? "offline", capacity, e.Ticks);
            if (e.Ticks > _lastPresenceTicks) _lastPresenceTicks = e.Ticks;
        }
        else _loose.Add(new SlimEvent(e));
        return true;
    }

    /// <summary>The picture at <paramref name="now"/>; alerts as of the last <see cref="Evaluate"/>.</summary>
    public LiveState State(DateTimeOffset now, bool withMetrics = true)
    {
        var t = now.UtcTicks;
        var today = _clock.LocalDate(t);
        var waiting = Waiting(t, out var active);
        var agents = Agents(active);
        var receiving = agents.Any(a => a.Receiving);
        var heading = receiving ? [] : waiting.Select(w => w.Conversation).Distinct(StringComparer.Ordinal).ToList();
        var metrics = withMetrics ? TodayMetrics(t) : [];
        var alerts = _open.Values.Concat(_quiet).OrderBy(a => a.Since).ThenBy(a => a.Key, StringComparer.Ordinal).ToList();
        return new LiveState(Shop, now, today, waiting, agents, heading, metrics, alerts);
    }

    /// <summary>
    /// Brings the alerts up to <paramref name="now"/>: alerts whose cause appeared open (or wait, in quiet hours),
    /// alerts whose cause is gone clear. Each cause opens once; the same cause seen again later does not reopen.
    /// </summary>
    public IReadOnlyList<AlertTransition> Evaluate(DateTimeOffset now)
    {
        var t = now.UtcTicks;
        Prune(t);
        var desired = Desired(now);
        var transitions = new List<AlertTransition>();
        foreach (var (key, alert) in _open.ToList())
        {
            if (desired.ContainsKey(key)) continue;
            _open.Remove(key);
            transitions.Add(new AlertTransition(alert, Opened: false, now));
        }
        var quiet = Rules.QuietHours is { } q && q.Contains(_clock.ToLocalTicks(t) % TimeSpan.TicksPerDay);
        _quiet = [];
        foreach (var (key, alert) in desired.OrderBy(d => d.Value.Since).ThenBy(d => d.Key, StringComparer.Ordinal))
        {
            if (_open.ContainsKey(key)) continue;
            if (quiet)
            {
                _quiet.Add(alert with { State = AlertState.Quiet });
                continue;
            }
            _open[key] = alert;
            transitions.Add(new AlertTransition(alert, Opened: true, now));
        }
        return transitions;
    }

    /// <summary>The alerts open now (after the last <see cref="Evaluate"/>).</summary>
    public IReadOnlyCollection<LiveAlert> OpenAlerts => _open.Values;

    /// <summary>
    /// The next instant after <paramref name="now"/> at which an alert may open or clear with no new event: a waiting
    /// customer reaching a threshold, quiet hours ending, a day ending, a projection drifting (checked each minute).
    /// Null when nothing is pending. A host sets one timer per shop to it.
    /// </summary>
    public DateTimeOffset? NextDue(DateTimeOffset now)
    {
        var t = now.UtcTicks;
        var next = long.MaxValue;
        void Candidate(long ticks)
        {
            if (ticks > t && ticks < next) next = ticks;
        }

        var waiting = Waiting(t, out _);
        foreach (var rule in Rules.Rules)
        {
            if (!rule.Enabled) continue;
            switch (rule.Kind)
            {
                case AlertKind.Waiting:
                    var threshold = (long)Math.Round(rule.Threshold * TimeSpan.TicksPerSecond);
                    foreach (var w in waiting) Candidate(w.Since.UtcTicks + threshold);
                    break;
                case AlertKind.ProjectionBelow:
                    Candidate(t + TimeSpan.TicksPerMinute);
                    break;
                case AlertKind.Saturation:
                    foreach (var c in _conversations.Values) Candidate(c.LastTicks + Options.ActiveWindow.Ticks);
                    break;
            }
        }
        foreach (var c in _conversations.Values)
        {
            // Events stamped in the future start to count when their instant comes; a waiting customer stops waiting at idle close.
            foreach (var e in c.Events) Candidate(e.Ticks);
            if (waiting.Count > 0) Candidate(c.LastTicks + _idleClose + 1);
        }
        foreach (var e in _loose) Candidate(e.Ticks);
        if (_quiet.Count > 0 && Rules.QuietHours is { } q) Candidate(NextLocal(t, q.End));
        if (_open.Values.Any(a => a.Kind is AlertKind.Dissatisfied or AlertKind.Complaint)) Candidate(NextLocal(t, TimeSpan.Zero));
        return next == long.MaxValue ? null : new DateTimeOffset(next, TimeSpan.Zero);
    }

    /// <summary>The UTC ticks of the next local time of day <paramref name="timeOfDay"/> after <paramref name="t"/>.</summary>
    private long NextLocal(long t, TimeSpan timeOfDay)
    {
        var date = _clock.LocalDate(t);
        for (var i = 0; i < 3; i++)
        {
            var candidate = _clock.StartOfDayUtc(date.AddDays(i)) + timeOfDay.Ticks % TimeSpan.TicksPerDay;
            if (candidate > t) return candidate;
        }
        return t + TimeSpan.TicksPerDay;
    }

    /// <summary>
    /// How many more items must all be on time for <paramref name="numerator"/>/<paramref name="denominator"/> to reach
    /// <paramref name="line"/>: the smallest k with (n + k) / (d + k) ≥ line; null when no k can (a line of 100% after a miss).
    /// </summary>
    public static long? NeededOnTime(long numerator, long denominator, double line)
    {
        if (denominator > 0 && (double)numerator / denominator >= line) return 0;
        if (denominator == 0) return line <= 1 ? 0 : null;
        if (line >= 1) return null;
        var k = (long)Math.Ceiling((line * denominator - numerator) / (1 - line) - 1e-9);
        while (k > 0 && (double)(numerator + k - 1) / (denominator + k - 1) >= line) k--;
        while ((double)(numerator + k) / (denominator + k) < line) k++;
        return Math.Max(k, 0);
    }

    // ---- waiting and load ----

    /// <summary>The reply metric counts a customer message sent at <paramref name="ticks"/> (its assessment hours; all day without one).</summary>
    private bool InHours(long ticks) => (_primary?.Hours ?? AssessmentHours.AllDay).Contains(_clock.ToLocalTicks(ticks) % TimeSpan.TicksPerDay);

    private bool AcceptsAssist => _primary?.AcceptAssist == true;

    private bool IsValidReply(in SlimEvent e) =>
        e.IsHumanReply || (AcceptsAssist && e.Type == EventType.Message && e.Sender == Sender.Bot && e.Kind == MessageKind.Assist);

    /// <summary>
    /// The conversation's state fed its events up to <paramref name="t"/>: kept between questions while time moves on
    /// and events arrive in order, built again when an event lands before those it has taken or an earlier instant is asked.
    /// </summary>
    private ConversationState StateAt(Conversation c, long t)
    {
        if (c.State is null || (c.Applied > 0 && c.Events[c.Applied - 1].Ticks > t))
        {
            c.State = new ConversationState(_waitingRules, _clock, Shop);
            c.Applied = 0;
        }
        while (c.Applied < c.Events.Count && c.Events[c.Applied].Ticks <= t) c.State.Apply(c.Events[c.Applied++], _noFacts);
        return c.State;
    }

    /// <summary>Customers waiting at <paramref name="t"/>; <paramref name="active"/> counts each agent's live conversations.</summary>
    private List<WaitingCustomer> Waiting(long t, out Dictionary<string, int> active)
    {
        active = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<WaitingCustomer>();
        var byRound = _primary is { Unit: not CountingUnit.Message };
        foreach (var (id, c) in _conversations)
        {
            string? holder = null;
            var closed = false;
            var last = long.MinValue;
            var n = 0;
            // Waits shown start after the last session closing or silence longer than the idle close (the live picture's
            // own cut; the report keeps counting such a wait until its reply comes).
            var cut = 0;
            for (var i = 0; i < c.Events.Count; i++)
            {
                var e = c.Events[i];
                if (e.Ticks > t) break;
                n = i + 1;
                if (last != long.MinValue && e.Ticks - last > _idleClose) { cut = i; closed = false; }
                last = e.Ticks;
                if (e.IsCustomerMessage) closed = false;
                else if (IsValidReply(e)) { if (e.Agent is not null) holder = e.Agent; }
                else if (e.Type == EventType.Session)
                {
                    if ((e.IsOpened || e.IsTransfer) && e.Agent is not null) holder = e.Agent;
                    if (e.IsClosed) { cut = i + 1; closed = true; }
                }
            }
            if (n == 0 || t - last > _idleClose) continue;
            var firstWaiting = FirstWaiting(c, StateAt(c, t), n, cut);
            if (firstWaiting >= 0)
            {
                // One row per conversation: its oldest waiting message, how many wait, and the first one the metric counts.
                var messages = 0;
                long? counted = null;
                for (var i = firstWaiting; i < n; i++)
                {
                    var e = c.Events[i];
                    if (!e.IsCustomerMessage) continue;
                    messages++;
                    if (counted is null && (messages == 1 || !byRound) && InHours(e.Ticks)) counted = e.Ticks;
                }
                var first = c.Events[firstWaiting];
                result.Add(new WaitingCustomer(id, c.Customer, first.Id, first.At, (t - first.Ticks) / (double)TimeSpan.TicksPerSecond, messages,
                    counted is { } k ? new DateTimeOffset(k, TimeSpan.Zero) : null));
            }
            if (holder is not null && !closed && (firstWaiting >= 0 || t - last <= Options.ActiveWindow.Ticks))
                active[holder] = active.GetValueOrDefault(holder) + 1;
        }
        result.Sort((a, b) => a.Since != b.Since ? a.Since.CompareTo(b.Since) : string.CompareOrdinal(a.MessageId, b.MessageId));
        return result;
    }

    /// <summary>
    /// The index of the oldest message the state holds as waiting at or after <paramref name="cut"/> (-1: none). The state's
    /// waiting messages are the last customer messages it has taken, so they are found counting back from the end.
    /// </summary>
    private int FirstWaiting(Conversation c, ConversationState state, int n, int cut)
    {
        var pending = state.WaitingCount(AcceptsAssist);
        var first = -1;
        for (var i = n - 1; i >= cut && pending > 0; i--)
        {
            if (!c.Events[i].IsCustomerMessage) continue;
            pending--;
            first = i;
        }
        return first;
    }

    private List<AgentLoad> Agents(Dictionary<string, int> active)
    {
        var result = new List<AgentLoad>();
        foreach (var (agent, p) in _agents)
        {
            var n = active.GetValueOrDefault(agent);
            result.Add(new AgentLoad(agent, p.Status, n, p.Capacity, p.Capacity > 0 ? (double)n / p.Capacity : 0));
        }
        // Agents answering without ever having sent their presence still carry load.
        foreach (var (agent, n) in active)
            if (!_agents.ContainsKey(agent)) result.Add(new AgentLoad(agent, "unknown", n, 0, 0));
        result.Sort((a, b) => string.CompareOrdinal(a.Agent, b.Agent));
        return result;
    }

    // ---- today's metrics ----

    private List<MetricToday> TodayMetrics(long t)
    {
        var today = _clock.LocalDate(t);
        var version = Profile.VersionOn(today);
        var cells = new MetricCell[Profile.Metrics.Count];
        var recent = new MetricCell[Profile.Metrics.Count];
        var localTicks = _clock.ToLocalTicks(t);
        var firstHour = (int)(_clock.ToLocalTicks(_clock.StartOfDayUtc(today)) / TimeSpan.TicksPerHour);
        var recentHour = (int)(localTicks / TimeSpan.TicksPerHour) - 1;
        void Add(MetricFact f)
        {
            if (f.Hour < firstHour || f.Hour >= firstHour + 24) return;
            cells[f.Metric].Add(f);
            if (f.Hour >= recentHour) recent[f.Metric].Add(f);
        }
        foreach (var c in _conversations.Values)
            foreach (var f in FactsAt(c, t)) Add(f);
        var loose = new List<MetricFact>();
        var single = new SlimEvent[1];
        foreach (var e in _loose)
        {
            if (e.Type != EventType.Rating || e.Ticks > t) continue;
            single[0] = e;
            _analysis.Analyse(Shop, single, loose);
        }
        foreach (var f in loose) Add(f);

        var result = new List<MetricToday>(version.Metrics.Count);
        var timeOfDay = localTicks % TimeSpan.TicksPerDay;
        for (var k = 0; k < version.Metrics.Count; k++)
        {
            var m = version.Metrics[k];
            var i = version.MetricIndexes[k];
            var (elapsed, total) = Elapsed(m.Hours, timeOfDay);
            var value = ValueOf(m.Shape, cells[i]);
            result.Add(new MetricToday(m.Id, value, Project(m.Shape, cells[i], recent[i], elapsed, total), Numerator(m.Shape, cells[i]), Denominator(m.Shape, cells[i])));
        }
        return result;
    }

    private static long Numerator(MetricShape shape, in MetricCell c) => shape == MetricShape.Rate ? c.Numerator : shape == MetricShape.Average ? c.SumTicks / TimeSpan.TicksPerSecond : c.Count;

    private static long Denominator(MetricShape shape, in MetricCell c) => shape == MetricShape.Rate ? c.Denominator : shape == MetricShape.Average ? c.Count : 0;

    private static double? ValueOf(MetricShape shape, in MetricCell c) => shape switch
    {
        MetricShape.Rate => c.Rate,
        MetricShape.Average => c.Average,
        _ => c.Count,
    };

    /// <summary>
    /// Where the day ends at this pace. Volume: what came so far, scaled by the assessed time still to come. Rates and
    /// averages: the items still to come (that volume) go the way the last two local hours went (the day's so far
    /// when those hours hold nothing), added to what is already decided.
    /// </summary>
    public static double? Project(MetricShape shape, in MetricCell day, in MetricCell recent, double elapsed, double total)
    {
        var value = ValueOf(shape, day);
        if (value is null || elapsed <= 0 || elapsed >= total) return value;
        var scale = (total - elapsed) / elapsed;
        switch (shape)
        {
            case MetricShape.Rate:
                var rate = recent.Denominator > 0 ? (double)recent.Numerator / recent.Denominator : (double)day.Numerator / day.Denominator;
                var more = day.Denominator * scale;
                return (day.Numerator + rate * more) / (day.Denominator + more);
            case MetricShape.Average:
                var avg = recent.Count > 0 ? recent.SumTicks / (double)recent.Count : day.SumTicks / (double)day.Count;
                var moreItems = day.Count * scale;
                return (day.SumTicks + avg * moreItems) / (day.Count + moreItems) / TimeSpan.TicksPerSecond;
            default:
                return day.Count * total / elapsed;
        }
    }

    /// <summary>Assessed time of day gone by at <paramref name="timeOfDay"/>, and the window's whole length (ticks).</summary>
    public static (double Elapsed, double Total) Elapsed(AssessmentHours hours, long timeOfDay)
    {
        static long Overlap(long from, long to, long upTo) => Math.Max(0, Math.Min(to, upTo) - from);
        if (hours.Start <= hours.End)
            return (Overlap(hours.Start.Ticks, hours.End.Ticks, timeOfDay), hours.End.Ticks - hours.Start.Ticks);
        // Over midnight: [00:00, end) and [start, 24:00).
        var day = TimeSpan.TicksPerDay;
        var elapsed = Overlap(0, hours.End.Ticks, timeOfDay) + Overlap(hours.Start.Ticks, day, timeOfDay);
        return (elapsed, hours.End.Ticks + (day - hours.Start.Ticks));
    }

    /// <summary>
    /// The conversation's facts as of <paramref name="t"/>: its events up to t, analysed once per horizon with the
    /// customer messages still undecided under that horizon left out. Cached until an event or a decision changes them.
    /// </summary>
    private List<MetricFact> FactsAt(Conversation c, long t)
    {
        if (c.CacheVersion == c.Version && t >= c.CacheFrom && t < c.CacheUntil) return c.Facts;
        var n = 0;
        var until = long.MaxValue;
        while (n < c.Events.Count && c.Events[n].Ticks <= t) n++;
        if (n < c.Events.Count) until = c.Events[n].Ticks;
        var events = c.Events.GetRange(0, n);

        // Customer messages with no valid reply at or after them (up to t), by their instants.
        var unanswered = new bool[n];
        var answered = false;
        for (var i = n - 1; i >= 0; i--)
        {
            if (IsValidReply(events[i])) answered = true;
            if (events[i].IsCustomerMessage) unanswered[i] = !answered;
        }

        var facts = new List<MetricFact>();
        var scratch = new List<MetricFact>();
        var kept = new List<SlimEvent>(n);
        foreach (var horizon in _horizons.Distinct())
        {
            kept.Clear();
            for (var i = 0; i < n; i++)
            {
                var e = events[i];
                if (horizon != NoHorizon && unanswered[i])
                {
                    var decidedAt = e.Ticks + horizon + 1;
                    if (t < decidedAt)
                    {
                        if (decidedAt < until) until = decidedAt;
                        continue;
                    }
                }
                kept.Add(e);
            }
            scratch.Clear();
            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(kept);
            foreach (var stretch in Stretches.Split(span, _idleClose))
                _analysis.Analyse(Shop, span.Slice(stretch.Start, stretch.Length), scratch);
            foreach (var f in scratch)
                if (_horizons[f.Metric] == horizon) facts.Add(f);
        }
        c.Facts = facts;
        c.CacheVersion = c.Version;
        c.CacheFrom = t;
        c.CacheUntil = until;
        return facts;
    }

    // ---- alerts ----

    private Dictionary<string, LiveAlert> Desired(DateTimeOffset now)
    {
        var t = now.UtcTicks;
        var desired = new Dictionary<string, LiveAlert>(StringComparer.Ordinal);
        void Want(LiveAlert a)
        {
            // An alert keeps the instant it opened: a rule measured "since now" must not move every evaluation.
            desired[a.Key] = _open.TryGetValue(a.Key, out var open) ? open : a;
        }
        var rules = Rules.Rules.Where(r => r.Enabled).ToList();
        if (rules.Count == 0) return desired;
        var waiting = Waiting(t, out var active);
        List<AgentLoad>? agents = null;
        List<MetricToday>? metrics = null;
        var today = _clock.LocalDate(t);
        foreach (var rule in rules)
        {
            switch (rule.Kind)
            {
                case AlertKind.Waiting:
                    var threshold = (long)Math.Round(rule.Threshold * TimeSpan.TicksPerSecond);
                    foreach (var w in waiting)
                        if (t - w.Since.UtcTicks >= threshold)
                            Want(new LiveAlert(rule.Id, rule.Kind, w.MessageId, w.Since, AlertState.Open, w.Conversation, Value: w.Seconds, Due: w.Since.AddTicks(threshold)));
                    break;
                case AlertKind.NoAgentOnline:
                    // Only once the shop reports presence at all: without agent_status events nobody is known to be offline.
                    if (_agents.Count == 0) break;
                    agents ??= Agents(active);
                    if (agents.Any(a => a.Status == "online")) break;
                    var assessed = waiting.Where(w => w.CountedSince is not null).ToList();
                    if (assessed.Count == 0) break;
                    var since = Math.Max(assessed.Min(w => w.CountedSince!.Value.UtcTicks), _lastPresenceTicks);
                    Want(new LiveAlert(rule.Id, rule.Kind, "shop", new DateTimeOffset(Math.Min(since, t), TimeSpan.Zero), AlertState.Open, Value: assessed.Count));
                    break;
                case AlertKind.Saturation:
                    agents ??= Agents(active);
                    foreach (var a in agents)
                        if (a.Capacity > 0 && a.Status is "online" or "busy" && a.Saturation >= rule.Threshold - 1e-12)
                            Want(new LiveAlert(rule.Id, rule.Kind, a.Agent, now, AlertState.Open, Agent: a.Agent, Value: a.Saturation));
                    break;
                case AlertKind.ProjectionBelow:
                    metrics ??= TodayMetrics(t);
                    var m = metrics.FirstOrDefault(x => x.Metric == rule.Metric);
                    if (m?.Projected is { } projected && ProjectionLine(rule, today) is { } line && projected < line)
                        Want(new LiveAlert(rule.Id, rule.Kind, m.Metric, now, AlertState.Open, Metric: m.Metric, Value: projected));
                    break;
                case AlertKind.Dissatisfied:
                    foreach (var (conversation, e) in TodayEvents(t, today, EventType.Rating))
                        if (Level(e) == Satisfaction.Dissatisfied && !LaterRatingRevises(conversation, e, t))
                            Want(new LiveAlert(rule.Id, rule.Kind, e.Id, e.At, AlertState.Open, conversation, e.Agent));
                    break;
                case AlertKind.Complaint:
                    foreach (var (conversation, e) in TodayEvents(t, today, EventType.Complaint))
                        Want(new LiveAlert(rule.Id, rule.Kind, e.Id, e.At, AlertState.Open, conversation, e.Agent));
                    break;
            }
        }
        return desired;
    }

    /// <summary>
    /// The line a projection alert compares with today: the rule's own threshold, except on a day a special period
    /// moves the metric's line (douyin's 90% in the Spring Festival period), when the day's line from
    /// <see cref="DayLines"/> applies, as the verdict will judge the day; null when the period exempts the rule.
    /// </summary>
    private double? ProjectionLine(AlertRule rule, DateOnly today)
    {
        if (rule.Metric is null || DayLines.SpecialOn(Profile, today) is null) return rule.Threshold;
        var day = DayLines.PassLine(Profile, rule.Metric, today);
        var ordinary = DayLines.PassLine(Profile, rule.Metric, Profile.VersionOn(today).From);
        return day == ordinary ? rule.Threshold : day;
    }

        private IEnumerable<(string? Conversation, SlimEvent Event)> TodayEvents(long t, DateOnly today, EventType type)
    {
        foreach (var (id, c) in _conversations)
            foreach (var e in c.Events)
                if (e.Type == type && e.Ticks <= t && _clock.LocalDate(e.Ticks) == today) yield return (id, e);
        foreach (var e in _loose)
            if (e.Type == type && e.Ticks <= t && _clock.LocalDate(e.Ticks) == today) yield return (null, e);
    }

    /// <summary>A later rating in the same conversation that is not dissatisfied replaces the earlier one (customers change ratings).</summary>
    private bool LaterRatingRevises(string? conversation, in SlimEvent rating, long t)
    {
        if (conversation is null || !_conversations.TryGetValue(conversation, out var c)) return false;
        SlimEvent? latest = null;
        foreach (var e in c.Events)
            if (e.Type == EventType.Rating && e.Ticks <= t && EventOrder.Instance.Compare(e, rating) > 0) latest = e;
        return latest is { } l && Level(l) != Satisfaction.Dissatisfied;
    }

    private Satisfaction Level(in SlimEvent rating) =>
        rating.Satisfaction != Satisfaction.None ? rating.Satisfaction
        : Profile.Profile.Stars.TryGetValue(rating.Stars, out var level) ? level : Satisfaction.None;

    /// <summary>Forgets conversations closed before today and presence-free ids older than two days.</summary>
    private void Prune(long t)
    {
        if (t - _prunedAt < TimeSpan.TicksPerHour) return;
        _prunedAt = t;
        var startOfToday = _clock.StartOfDayUtc(_clock.LocalDate(t));
        foreach (var (id, c) in _conversations.ToList())
            if (t - c.LastTicks > _idleClose && c.LastTicks < startOfToday) _conversations.Remove(id);
        var old = startOfToday - TimeSpan.TicksPerDay;
        foreach (var (id, ticks) in _looseIds.ToList())
            if (ticks < old) _looseIds.Remove(id);
        _loose.RemoveAll(e => e.Ticks < old);
    }
}
