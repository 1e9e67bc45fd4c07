using System.Globalization;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;

namespace KefuScore.Engine.Quality;

/// <summary>
/// 质检: applies <see cref="InspectionRules"/> to conversations. Pure: the events are handed in, time comes from them.
/// Each conversation is read in <see cref="EventOrder"/>; the rules are stated in docs/quality.md.
/// </summary>
public sealed class Inspector
{
    private const int EvidenceLength = 40;
    private readonly InspectionRules _rules;
    private readonly Dictionary<string, PhraseMatcher> _matchers = [];
    private readonly Dictionary<string, InspectionRule> _enabled = [];

    public Inspector(InspectionRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = rules;
        foreach (var rule in rules.Rules.Where(r => r.Enabled))
        {
            _enabled[rule.Id] = rule;
            if (rule.Id != RuleIds.LongSilence) _matchers[rule.Id] = new PhraseMatcher(rule);
        }
    }

    /// <summary>
    /// Inspects every conversation in <paramref name="events"/> (any order, several shops); a repeated id within a
    /// shop is a duplicate and ignored (SPEC §3). Events that are not messages or sessions are skipped.
    /// </summary>
    public Inspection Inspect(IEnumerable<ChatEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var seen = new HashSet<(string, string)>();
        var conversations = new Dictionary<(string Shop, string Conversation), List<ChatEvent>>();
        foreach (var e in events)
        {
            if (e.Type is not (EventType.Message or EventType.Session) || e.Conversation is null) continue;
            if (!seen.Add((e.Shop, e.Id))) continue;
            if (!conversations.TryGetValue((e.Shop, e.Conversation), out var list)) conversations[(e.Shop, e.Conversation)] = list = [];
            list.Add(e);
        }

        var findings = new List<Finding>();
        var agents = new Dictionary<string, QualityScore>(StringComparer.Ordinal);
        var scores = new List<ConversationScore>();
        foreach (var ((shop, conversation), list) in conversations.OrderBy(c => c.Key.Shop, StringComparer.Ordinal).ThenBy(c => c.Key.Conversation, StringComparer.Ordinal))
        {
            var found = InspectConversation(list);
            findings.AddRange(found);
            var messages = list.Where(e => e.IsHumanReply && e.Agent is not null).GroupBy(e => e.Agent!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var byAgent = found.GroupBy(f => f.Agent, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (g.Count(), g.Sum(f => Weight(f.Rule))), StringComparer.Ordinal);
            foreach (var agent in messages.Keys.Union(byAgent.Keys))
            {
                var (n, penalty) = byAgent.GetValueOrDefault(agent);
                agents[agent] = agents.GetValueOrDefault(agent, new QualityScore(0, 0, 0)).Add(messages.GetValueOrDefault(agent), n, penalty);
            }
            scores.Add(new ConversationScore(shop, conversation, new QualityScore(messages.Values.Sum(), found.Count, found.Sum(f => Weight(f.Rule)))));
        }
        findings.Sort(FindingOrder);
        return new Inspection(findings, agents, scores);
    }

    /// <summary>The findings of one conversation's events (one shop and conversation), in time order.</summary>
    public IReadOnlyList<Finding> InspectConversation(IReadOnlyList<ChatEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var ordered = events.Where(e => e.Type is EventType.Message or EventType.Session).Order(EventOrder.Instance).ToList();
        var findings = new List<Finding>();
        var greeted = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ordered.Count; i++)
        {
            var e = ordered[i];
            if (!e.IsHumanReply || e.Agent is null || string.IsNullOrWhiteSpace(e.Text)) continue;
            var text = e.Text;
            if (greeted.Add(e.Agent) && _matchers.TryGetValue(RuleIds.NoPoliteAddress, out var polite) && polite.Matches(text).Count == 0)
                findings.Add(Make(e, RuleIds.NoPoliteAddress, Clip(text)));
            foreach (var id in (ReadOnlySpan<string>)[RuleIds.AbsoluteClaim, RuleIds.Rude])
                if (_matchers.TryGetValue(id, out var m) && m.Matches(text) is { Count: > 0 } hits)
                    findings.Add(Make(e, id, string.Join("、", hits)));
            if (_matchers.TryGetValue(RuleIds.Vague, out var vague) && vague.Matches(text) is { Count: > 0 } vagueHits && !FollowedUp(ordered, i, Within(RuleIds.Vague)))
                findings.Add(Make(e, RuleIds.Vague, string.Join("、", vagueHits)));
        }
        if (_enabled.ContainsKey(RuleIds.LongSilence)) findings.AddRange(Silences(ordered, Within(RuleIds.LongSilence)));
        findings.Sort(FindingOrder);
        return findings;
    }

    /// <summary>Another human agent message in the conversation after the vague one and at most <paramref name="within"/> later.</summary>
    private static bool FollowedUp(List<ChatEvent> ordered, int index, TimeSpan within)
    {
        var limit = ordered[index].At + within;
        for (var j = index + 1; j < ordered.Count && ordered[j].At <= limit; j++)
            if (ordered[j].IsHumanReply) return true;
        return false;
    }

    /// <summary>
    /// Waits longer than <paramref name="within"/> while an agent holds the conversation. A wait starts at the first
    /// customer message after the last human agent message and ends at the next human agent message. A wait that
    /// gets no reply (the data ends, or a <c>session closed</c> event comes first) counts only up to the customer's
    /// last message of it: the customer was demonstrably still there, and a closed conversation is no longer open. The finding goes to the agent holding the
    /// conversation: the last one opened or transferred to, else the last to send a human message. Waits before
    /// any agent holds the conversation are first-reply matters for the reply metrics, not silences.
    /// </summary>
    private List<Finding> Silences(List<ChatEvent> ordered, TimeSpan within)
    {
        var found = new List<Finding>();
        string? holder = null;
        ChatEvent? waiting = null;
        ChatEvent? lastCustomer = null;
        foreach (var e in ordered)
        {
            if (e.Type == EventType.Session)
            {
                if (e.Action == "closed") { Close(null); waiting = null; }
                else if (e.Agent is not null) holder = e.Agent;
                continue;
            }
            if (e.IsCustomerMessage)
            {
                if (holder is not null) waiting ??= e;
                lastCustomer = e;
            }
            else if (e.IsHumanReply)
            {
                Close(e);
                waiting = null;
                if (e.Agent is not null) holder = e.Agent;
            }
        }
        Close(null);
        return found;

        void Close(ChatEvent? reply)
        {
            if (waiting is null || holder is null) return;
            var end = reply?.At ?? lastCustomer!.At;
            var wait = end - waiting.At;
            if (wait <= within) return;
            var seconds = wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            var evidence = reply is null
                ? $"no reply; the customer was still writing {seconds} s after this message (limit {within.TotalSeconds:0} s)"
                : $"waited {seconds} s for a reply (limit {within.TotalSeconds:0} s)";
            found.Add(Make(waiting, RuleIds.LongSilence, evidence, holder));
            waiting = null;
        }
    }

    private TimeSpan Within(string id) => _enabled.TryGetValue(id, out var r) && r.Within is { } w ? w : RuleIds.DefaultWithin(id);

    private double Weight(string id) => _rules.Find(id)?.Weight ?? 1;

    private static Finding Make(ChatEvent e, string rule, string evidence, string? agent = null) =>
        new(e.Shop, e.Conversation ?? "", e.Id, e.At, agent ?? e.Agent ?? "", rule, evidence);

    private static string Clip(string text) => text.Length <= EvidenceLength ? text : text[..EvidenceLength] + "…";

    private static int FindingOrder(Finding a, Finding b)
    {
        var c = a.At.UtcTicks.CompareTo(b.At.UtcTicks);
        if (c == 0) c = string.CompareOrdinal(a.Shop, b.Shop);
        if (c == 0) c = string.CompareOrdinal(a.Conversation, b.Conversation);
        if (c == 0) c = string.CompareOrdinal(a.Message, b.Message);
        if (c == 0) c = RuleIndex(a.Rule).CompareTo(RuleIndex(b.Rule));
        return c;
    }

    private static int RuleIndex(string id)
    {
        for (var i = 0; i < RuleIds.All.Count; i++)
            if (RuleIds.All[i] == id) return i;
        return RuleIds.All.Count;
    }
}
