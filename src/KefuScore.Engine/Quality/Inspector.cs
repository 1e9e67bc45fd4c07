using System.Globalization;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Text;

namespace KefuScore.Engine.Quality;

/// <summary>
/// 质检: applies <see cref="InspectionRules"/> to conversations. Pure: the events are handed in, time comes from them.
/// Each conversation is read in <see cref="EventOrder"/>; the rules are stated in docs/quality.md.
/// </summary>
public sealed class Inspector
{
    private const int EvidenceLength = 40;

    /// <summary>A first-turn message this short (letters and digits) is a factual answer: 在, 有, 不能, 明天发.</summary>
    public const int ShortAnswer = 4;

    /// <summary>The text rules after the polite address, in the order their findings are made.</summary>
    private static readonly string[] MessageRules = [RuleIds.AbsoluteClaim, RuleIds.Rude, RuleIds.Overpromise];

    private readonly InspectionRules _rules;
    private readonly LinearTextModel? _model;
    private readonly int[]? _lexiconSlots;

    // Per rule of LexiconRules: its matcher when enabled, and its model output's index (-1 without one), looked up
    // once here rather than by rule id for every message.
    private readonly PhraseMatcher?[] _lexiconMatchers;
    private readonly PhraseIndex _lexiconWords;

    // A message's word occurrences, per thread (conversations are inspected in parallel), kept between messages.
    [ThreadStatic] private static List<PhraseIndex.Hit>? t_hits;
    [ThreadStatic] private static List<(int Start, int End)>? t_words, t_excepts;
    private readonly int[] _outputIndex;
    private readonly LinearOutput? _politeOutput;
    private readonly int[] _firstTurnSlots = [], _ongoingTurnSlots = [];
    private readonly Dictionary<string, PhraseMatcher> _matchers = [];
    private readonly Dictionary<string, InspectionRule> _enabled = [];

    /// <summary>
    /// An inspector of <paramref name="rules"/>; with a <paramref name="model"/> (issue 18), a rule the model has an
    /// output for is decided by the model, which sees the lexicon's hits as features: <c>absolute_claim</c> is a
    /// finding when the lexicon (the advertising law's list) or the model says so; <c>rude</c>, <c>vague</c> and
    /// <c>overpromise</c> when the model says so; <c>no_polite_address</c> when the first turn has no polite word, is
    /// not a short answer inside an ongoing exchange, and the model does not find it polite anyway.
    /// </summary>
    public Inspector(InspectionRules rules, LinearTextModel? model = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = rules;
        _model = model;
        _lexiconSlots = model is null ? null : [.. LexiconRules.Select(r => model.TokenSlot(LexiconToken(r)))];
        foreach (var rule in rules.Rules.Where(r => r.Enabled))
        {
            _enabled[rule.Id] = rule;
            if (rule.Id != RuleIds.LongSilence) _matchers[rule.Id] = new PhraseMatcher(rule);
        }
        _lexiconMatchers = [.. LexiconRules.Select(r => _matchers.GetValueOrDefault(r))];
        _lexiconWords = new PhraseIndex(_lexiconMatchers);
        _outputIndex = [.. LexiconRules.Select(r => model is null ? -1 : IndexOf(model.Outputs, r))];
        if (model is not null)
        {
            _politeOutput = model.Find(RuleIds.NoPoliteAddress);
            _firstTurnSlots = [.. TurnTokens(false).Select(model.TokenSlot)];
            _ongoingTurnSlots = [.. TurnTokens(true).Select(model.TokenSlot)];
        }
    }

    private static int IndexOf(IReadOnlyList<LinearOutput> outputs, string label)
    {
        for (var k = 0; k < outputs.Count; k++)
            if (outputs[k].Label == label) return k;
        return -1;
    }

    /// <summary>
    /// Inspects every conversation in <paramref name="events"/> (any order, several shops); a repeated id within a
    /// shop is a duplicate and ignored (SPEC §3). Events that are not messages or sessions are skipped. Conversations
    /// are independent, so they are inspected on up to <paramref name="threads"/> threads (below 1, the default: every core) and
    /// the results put together in the same order, whatever the number of threads.
    /// </summary>
    public Inspection Inspect(IEnumerable<ChatEvent> events, int threads = -1)
    {
        ArgumentNullException.ThrowIfNull(events);
        // Sized for the events when they are counted (a list): no rehashing a million ids as the set grows.
        var seen = events.TryGetNonEnumeratedCount(out var eventCount) ? new HashSet<(string, string)>(eventCount) : new HashSet<(string, string)>();
        var conversations = new Dictionary<(string Shop, string Conversation), List<ChatEvent>>();
        foreach (var e in events)
        {
            if (e.Type is not (EventType.Message or EventType.Session) || e.Conversation is null) continue;
            if (!seen.Add((e.Shop, e.Id))) continue;
            if (!conversations.TryGetValue((e.Shop, e.Conversation), out var list)) conversations[(e.Shop, e.Conversation)] = list = [];
            list.Add(e);
        }

        var ordered = conversations.OrderBy(c => c.Key.Shop, StringComparer.Ordinal).ThenBy(c => c.Key.Conversation, StringComparer.Ordinal).ToArray();
        var results = new IReadOnlyList<Finding>[ordered.Length];
        Parallel.For(0, ordered.Length, new ParallelOptions { MaxDegreeOfParallelism = threads < 1 ? -1 : threads }, i => results[i] = InspectConversation(ordered[i].Value));

        var findingCount = 0;
        foreach (var r in results) findingCount += r.Count;
        var findings = new List<Finding>(findingCount);
        // FindingOrder of all findings as keys: time, then the conversation's place in `ordered` (which is by shop, then
        // conversation, as FindingOrder compares them), then the place in its conversation's findings (already in
        // FindingOrder). The same order without comparing strings (decisions.md §81).
        var keys = new (long Ticks, int Conversation, int Index)[findingCount];
        var agents = new Dictionary<string, QualityScore>(StringComparer.Ordinal);
        var scores = new List<ConversationScore>(ordered.Length);
        for (var c = 0; c < ordered.Length; c++)
        {
            var ((shop, conversation), list) = ordered[c];
            var found = results[c];
            foreach (var f in found)
            {
                keys[findings.Count] = (f.At.UtcTicks, c, findings.Count);
                findings.Add(f);
            }
            var messages = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var e in list)
                if (e.IsHumanReply && e.Agent is not null) messages[e.Agent] = messages.GetValueOrDefault(e.Agent) + 1;
            var byAgent = new Dictionary<string, (int Count, double Penalty)>(StringComparer.Ordinal);
            var penalty = 0.0;
            foreach (var f in found)
            {
                var w = Weight(f.Rule);
                penalty += w;
                var (n, p) = byAgent.GetValueOrDefault(f.Agent);
                byAgent[f.Agent] = (n + 1, p + w);
            }
            foreach (var (agent, n) in messages)
            {
                var (count, p) = byAgent.GetValueOrDefault(agent);
                agents[agent] = agents.GetValueOrDefault(agent, new QualityScore(0, 0, 0)).Add(n, count, p);
            }
            foreach (var (agent, (count, p)) in byAgent)
                if (!messages.ContainsKey(agent)) agents[agent] = agents.GetValueOrDefault(agent, new QualityScore(0, 0, 0)).Add(0, count, p);
            var total = 0;
            foreach (var n in messages.Values) total += n;
            scores.Add(new ConversationScore(shop, conversation, new QualityScore(total, found.Count, penalty)));
        }
        Array.Sort(keys);
        var sorted = new List<Finding>(keys.Length);
        foreach (var k in keys) sorted.Add(findings[k.Index]);
        return new Inspection(sorted, agents, scores);
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
            if (greeted.Add(e.Agent) && _matchers.ContainsKey(RuleIds.NoPoliteAddress))
            {
                var turn = FirstTurn(ordered, i);
                if (PoliteTurnViolation(turn.Select(t => t.Text!).ToList(), Ongoing(ordered, i)) is { } evidence)
                    findings.Add(Make(e, RuleIds.NoPoliteAddress, evidence));
            }
            var decided = DecideMessage(text);
            if (decided is null) continue;
            for (var k = 0; k < MessageRules.Length; k++)
                if (decided[MessageRuleIndex[k]] is { } evidence) findings.Add(Make(e, MessageRules[k], evidence));
            if (decided[VagueIndex] is { } vague && !FollowedUp(ordered, i, Within(RuleIds.Vague)))
                findings.Add(Make(e, RuleIds.Vague, vague));
        }
        if (_enabled.ContainsKey(RuleIds.LongSilence)) findings.AddRange(Silences(ordered, Within(RuleIds.LongSilence)));
        findings.Sort(FindingOrder);
        return findings;
    }

    /// <summary>
    /// The polite-address rule on an agent's first turn (docs/quality.md): null when the turn is fine, else the
    /// evidence. Fine when a message of the turn has a polite word; or, inside an <paramref name="ongoing"/> exchange,
    /// when every message is a short factual answer (在, 有, 不能); or when the model finds the turn polite.
    /// </summary>
    public string? PoliteTurnViolation(IReadOnlyList<string> turn, bool ongoing)
    {
        ArgumentNullException.ThrowIfNull(turn);
        if (turn.Count == 0 || !_matchers.TryGetValue(RuleIds.NoPoliteAddress, out var polite)) return null;
        if (turn.Any(polite.HasMatch)) return null;
        if (ongoing && turn.All(t => t.Count(char.IsLetterOrDigit) <= ShortAnswer)) return null;
        if (_model is not null && _politeOutput is { } output)
        {
            var joined = string.Join(" ", turn);
            // TurnTokens(ongoing) as slots computed once: the same features without a string per token.
            var p = _model.Probability(output, joined, ongoing ? _ongoingTurnSlots : _firstTurnSlots);
            if (p < output.Threshold) return null;
        }
        return Clip(turn[0]);
    }

    /// <summary>The model's extra tokens for a first turn.</summary>
    public static IReadOnlyList<string> TurnTokens(bool ongoing) => ongoing ? ["first", "ongoing"] : ["first"];

    /// <summary>The lexicon's extra token for a rule that matched.</summary>
    public static string LexiconToken(string rule) => "lex:" + rule;

    /// <summary>
    /// The lexicon's hits in a message per text rule, and (with a model) the message's feature slots, the hits included.
    /// </summary>
    private (Dictionary<string, IReadOnlyList<string>> Hits, int[]? Slots) Lexicon(string text)
    {
        var folded = PhraseMatcher.Fold(text);
        var hits = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        Span<int> lexicon = stackalloc int[LexiconRules.Length];
        var n = 0;
        for (var k = 0; k < LexiconRules.Length; k++)
            if (_matchers.TryGetValue(LexiconRules[k], out var m) && m.Matches(text, folded) is { Count: > 0 } found)
            {
                hits[LexiconRules[k]] = found;
                if (_lexiconSlots is not null) lexicon[n++] = _lexiconSlots[k];
            }
        return (hits, _model?.Slots(text, lexicon[..n], folded));
    }

    /// <summary>The rules whose word lists the model reads as features, in the order their tokens are added.</summary>
    private static readonly string[] LexiconRules = [RuleIds.AbsoluteClaim, RuleIds.Rude, RuleIds.Overpromise, RuleIds.Vague];

    /// <summary>The features a message rule's model output reads: its n-grams and the lexicon's hits.</summary>
    public IReadOnlyList<string> LexiconTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Lexicon(text).Hits.Keys.Select(LexiconToken).ToList();
    }

    /// <summary>Where each of <see cref="MessageRules"/> and vague are in <see cref="LexiconRules"/>.</summary>
    private static readonly int[] MessageRuleIndex = [.. MessageRules.Select(r => Array.IndexOf(LexiconRules, r))];

    private static readonly int VagueIndex = Array.IndexOf(LexiconRules, RuleIds.Vague);

    /// <summary>
    /// Every message rule on one message, as <see cref="Decide"/> decides each (evidence by index of
    /// <see cref="LexiconRules"/>, null when no rule has a finding), in one pass: the text folded once, the word lists
    /// searched once, the features written into stack memory and scored for every output at once, and the model's
    /// reasons worked out only for a finding that needs them.
    /// </summary>
    private string?[]? DecideMessage(string text)
    {
        var folded = PhraseMatcher.Fold(text);
        var rules = LexiconRules.Length;
        // The n-grams first, their weights asked for at once: the memory is fetched while the words and cues are searched.
        var capacity = _model is null ? 0 : TextFeatures.Capacity(text.Length, _model.CueCount + rules);
        int[]? rented = null;
        var buffer = capacity <= 1024 ? stackalloc int[capacity] : (rented = System.Buffers.ArrayPool<int>.Shared.Rent(capacity));
        var grams = 0;
        if (_model is not null)
        {
            grams = TextFeatures.GramsInto(text, _model.Bits, buffer);
            _model.Prefetch(buffer[..grams]);
        }
        Span<int> lexicon = stackalloc int[rules];
        var hitCount = 0;
        string?[]? words = null;
        // Every rule's words and except phrases in one pass over the text; each rule then searches only its patterns.
        var hits = t_hits ??= [];
        var wordSpans = t_words ??= [];
        var exceptSpans = t_excepts ??= [];
        hits.Clear();
        _lexiconWords.Find(folded, hits);
        for (var k = 0; k < rules; k++)
        {
            if (_lexiconMatchers[k] is not { } m) continue;
            wordSpans.Clear();
            exceptSpans.Clear();
            foreach (var h in hits)
                if (h.Matcher == k) (h.Except ? exceptSpans : wordSpans).Add((h.Start, h.End));
            if (m.Matches(text, folded, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(wordSpans),
                    System.Runtime.InteropServices.CollectionsMarshal.AsSpan(exceptSpans)) is { Count: > 0 } found)
            {
                (words ??= new string?[rules])[k] = string.Join("、", found);
                if (_lexiconSlots is not null) lexicon[hitCount++] = _lexiconSlots[k];
            }
        }
        if (_model is null)
            return words;

        Span<int> cues = stackalloc int[_model.CueCount];
        var cueCount = _model.FindCues(folded, cues);
        // The same slots as TextFeatures.SlotsInto(text, bits, cue slots + lexicon slots).
        for (var c = 0; c < cueCount; c++) buffer[grams + c] = _model.CueSlot(cues[c]);
        lexicon[..hitCount].CopyTo(buffer[(grams + cueCount)..]);
        var slots = buffer[..TextFeatures.Distinct(buffer[..(grams + cueCount + hitCount)])];
        Span<double> scores = stackalloc double[_model.Outputs.Count];
        _model.Scores(slots, scores);
        Span<double> probabilities = stackalloc double[scores.Length];
        _model.Probabilities(scores, slots, probabilities);

        string?[]? decided = null;
        for (var k = 0; k < rules; k++)
        {
            if (_lexiconMatchers[k] is null) continue;
            var listed = words?[k];
            // The advertising law's list is the law: a listed absolute term is a finding whatever the model says.
            if (LexiconRules[k] == RuleIds.AbsoluteClaim && listed is not null) { (decided ??= new string?[rules])[k] = listed; continue; }
            if (_outputIndex[k] < 0)
            {
                if (listed is not null) (decided ??= new string?[rules])[k] = listed;
                continue;
            }
            var output = _model.Outputs[_outputIndex[k]];
            var p = probabilities[_outputIndex[k]];
            if (p < output.Threshold) continue;
            if (listed is null)
            {
                var tokens = new string[hitCount];
                var t = 0;
                for (var r = 0; r < rules; r++)
                    if (words?[r] is not null) tokens[t++] = LexiconToken(LexiconRules[r]);
                listed = new ModelEvidence(p, _model.ReasonFeatures(output, text, cues[..cueCount], tokens)).ToString();
            }
            (decided ??= new string?[rules])[k] = listed;
        }
        if (rented is not null) System.Buffers.ArrayPool<int>.Shared.Return(rented);
        return decided;
    }

    /// <summary>
    /// The agent's first turn that begins with <paramref name="message"/> (its texts, that message first) and whether the
    /// exchange was ongoing, as the polite-address rule reads them; null when the message is not in the conversation.
    /// </summary>
    public (IReadOnlyList<string> Turn, bool Ongoing)? FirstTurnOf(IReadOnlyList<ChatEvent> conversation, string message)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var ordered = conversation.Where(e => e.Type is EventType.Message or EventType.Session).Order(EventOrder.Instance).ToList();
        var i = ordered.FindIndex(e => e.Id == message);
        if (i < 0 || string.IsNullOrWhiteSpace(ordered[i].Text)) return null;
        return ([.. FirstTurn(ordered, i).Select(e => e.Text!)], Ongoing(ordered, i));
    }

    /// <summary>
    /// The agent's first turn from <paramref name="index"/>: that message and the same agent's next text messages
    /// within the polite rule's window of it, until the customer or another agent writes.
    /// </summary>
    private List<ChatEvent> FirstTurn(List<ChatEvent> ordered, int index)
    {
        var first = ordered[index];
        var limit = first.At + Within(RuleIds.NoPoliteAddress);
        var turn = new List<ChatEvent> { first };
        for (var j = index + 1; j < ordered.Count && ordered[j].At <= limit; j++)
        {
            var e = ordered[j];
            if (e.Type != EventType.Message) continue;
            if (e.IsCustomerMessage || (e.IsHumanReply && e.Agent != first.Agent)) break;
            if (e.IsHumanReply && !string.IsNullOrWhiteSpace(e.Text)) turn.Add(e);
        }
        return turn;
    }

    /// <summary>The exchange is ongoing when the shop side (a welcome message, a bot, an auto-reply, another agent) spoke before.</summary>
    private static bool Ongoing(List<ChatEvent> ordered, int index)
    {
        for (var j = 0; j < index; j++)
            if (ordered[j].Type == EventType.Message && ordered[j].Sender != Sender.Customer) return true;
        return false;
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
            var evidence = new Msg(reply is null ? Codes.FindingNoReply : Codes.FindingWaited,
                new Num(wait.TotalSeconds, NumKind.Seconds), new Num(within.TotalSeconds, NumKind.Seconds));
            found.Add(new Finding(waiting.Shop, waiting.Conversation ?? "", waiting.Id, waiting.At, holder, RuleIds.LongSilence, evidence));
            waiting = null;
        }
    }

    private TimeSpan Within(string id) => _enabled.TryGetValue(id, out var r) && r.Within is { } w ? w : RuleIds.DefaultWithin(id);

    private double Weight(string id) => _rules.Find(id)?.Weight ?? 1;

    private static Finding Make(ChatEvent e, string rule, string evidence) =>
        new(e.Shop, e.Conversation ?? "", e.Id, e.At, e.Agent ?? "", rule, new Msg(Codes.FindingText, evidence));

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
