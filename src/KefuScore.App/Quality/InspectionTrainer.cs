using KefuScore.App.Learning;
using KefuScore.Engine.Quality;

namespace KefuScore.App.Quality;

/// <summary>A trained inspection model and the rules it could not learn (no examples of both kinds).</summary>
public sealed record InspectionTraining(LinearTextModel Model, IReadOnlyList<string> Skipped);

/// <summary>
/// The data one rule trains on instead of the shared (decisions.md §101): its own labelled messages and tone vocabulary,
/// each null for the shared one.
/// </summary>
public sealed record RuleData(IReadOnlyList<LabelledMessage>? Messages, IReadOnlyDictionary<string, IReadOnlyList<string>>? Cues = null);

/// <summary>
/// Trains the inspection model from labelled messages (issue 18; <c>kefu inspect train --labels FILE</c>): one
/// logistic output per text rule over the messages' character n-grams and the lexicon's hits (so the model learns
/// when a listed word is not meant: 没办法 in a polite refusal). <c>no_polite_address</c> learns from first replies
/// only, their turn read as one text, with whether the exchange was ongoing.
/// </summary>
public static class InspectionTrainer
{
    public const int Bits = 18;
    public const string Kind = "inspection";

    /// <summary>The built-in tone vocabulary, <c>Quality/cues.yaml</c>.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> BuiltInCues() => BuiltInVocabulary().Cues;

    /// <summary>The built-in tone vocabulary with the patterns written from development misses.</summary>
    public static CueVocabulary BuiltInVocabulary() => CueLoader.BuiltInVocabulary("quality/cues.yaml");

    /// <summary>The precision the calibrated thresholds aim at on out-of-fold messages (the issue's target for rude).</summary>
    public const double TargetPrecision = 0.9;

    /// <summary>
    /// The value the message rules' named features (tone cues, word-list hits) have in training, n-grams having 1
    /// (decisions.md §67): above 1 the same L2 penalty holds a named feature's effect back less, so the model leans on
    /// what wordings share more than on the n-grams of the groups it has seen; the weights are multiplied by it after
    /// training, so scoring is unchanged. At 3, family cross-validation rose (rude recall 0.61 → 0.69) and held-out
    /// overpromise recall 0.77 → 0.82, rude 0.83/0.74 → 0.82/0.76: one more wrong rude flag, so by the rule fixed
    /// before that evaluation the shipped model stays the one trained at 1 (<c>--cue-scale</c> tries others).
    /// </summary>
    public const float CueScale = 1;

    /// <summary>Folds of the threshold calibration (0: every output decides at 0.5).</summary>
    public const int CalibrationFolds = 5;

    /// <summary>
    /// The rules whose outputs get stacked trees when training is asked for them (<c>--trees N</c>, decisions.md §87):
    /// the two whose held-out recall the linear model has not reached.
    /// </summary>
    public static readonly IReadOnlyList<string> StackedRules = [RuleIds.Rude, RuleIds.Overpromise];

    /// <summary>
    /// The stacked trees of the built-in model and of <c>kefu inspect train</c> and a shop's retraining unless told
    /// otherwise (decisions.md §87): 150 trees of 3 leaves at rate 0.1, the best mean F1 of rude and overpromise on
    /// family cross-validation (0.7264 → 0.7732), then held out rude F1 0.78 → 0.79, overpromise 0.87 → 0.90.
    /// </summary>
    public static readonly TreeOptions DefaultTrees = new(150, 3);

    public static InspectionTraining Train(InspectionRules rules, IReadOnlyList<LabelledMessage> messages,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? cues = null, int bits = Bits, float l2 = 1e-4f, int calibrate = CalibrationFolds,
        float cueScale = CueScale, TreeOptions? trees = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(messages);
        cues ??= BuiltInCues();
        var (outputs, skipped) = TrainSet(rules, messages, cues, null, bits, l2, calibrate, cueScale, trees);
        if (outputs.Count == 0) throw new LabelsException("no rule has labelled examples of both kinds (flagged and clean) to learn from");
        return new InspectionTraining(new LinearTextModel(bits, false, outputs, cues), skipped);
    }

    /// <summary>
    /// Trains each rule on the data written for it (decisions.md §101; <c>kefu inspect train --rule-labels RULE=FILE
    /// --rule-cues RULE=FILE</c>): a rule in <paramref name="own"/> learns from its own messages and cues, the others
    /// from <paramref name="messages"/> and <paramref name="cues"/>. Rules given the same messages and cues (the same
    /// objects) train together, so each output is the one a model trained on its own data alone has, its stacked trees
    /// included: they are trained on the out-of-fold scores of every message rule on that data, and at inspection read
    /// the model's outputs of those rules, whatever data those were trained on. The model's vocabulary is the union of
    /// the rules' (a rule has no weight on a cue it was trained without); one cue name with two pattern lists is refused,
    /// as is a rule of <paramref name="own"/> with no labelled example of both kinds.
    /// </summary>
    public static InspectionTraining TrainPerRule(InspectionRules rules, IReadOnlyList<LabelledMessage> messages,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? cues, IReadOnlyDictionary<string, RuleData> own, int bits = Bits, float l2 = 1e-4f,
        int calibrate = CalibrationFolds, float cueScale = CueScale, TreeOptions? trees = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(own);
        cues ??= BuiltInCues();
        foreach (var rule in own.Keys)
            if (!LabelledMessages.Rules.Contains(rule)) throw new ArgumentException($"'{rule}' is not a text rule (known: {string.Join(", ", LabelledMessages.Rules)})", nameof(own));
        // The data each rule trains on, grouped by identity: the same list and vocabulary train in one pass.
        var sets = new List<(IReadOnlyList<LabelledMessage> Messages, IReadOnlyDictionary<string, IReadOnlyList<string>> Cues, HashSet<string> Rules)>();
        foreach (var rule in LabelledMessages.Rules)
        {
            var data = own.TryGetValue(rule, out var d) ? (d.Messages ?? messages, d.Cues ?? cues) : (messages, cues);
            var set = sets.FindIndex(s => ReferenceEquals(s.Messages, data.Item1) && ReferenceEquals(s.Cues, data.Item2));
            if (set < 0) sets.Add((data.Item1, data.Item2, [rule]));
            else sets[set].Rules.Add(rule);
        }
        var vocabulary = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, patterns) in sets.SelectMany(s => s.Cues))
        {
            if (!vocabulary.TryGetValue(name, out var known)) vocabulary[name] = patterns;
            else if (!known.SequenceEqual(patterns, StringComparer.Ordinal))
                throw new LabelsException($"cue '{name}' has two pattern lists in the rules' vocabularies; a model has one list per cue") { Cue = name };
        }
        var outputs = new Dictionary<string, LinearOutput>(StringComparer.Ordinal);
        var skipped = new List<string>();
        foreach (var (setMessages, setCues, setRules) in sets)
        {
            var (trained, notLearned) = TrainSet(rules, setMessages, setCues, setRules, bits, l2, calibrate, cueScale, trees);
            foreach (var o in trained) outputs[o.Label] = o;
            foreach (var rule in notLearned)
            {
                if (own.TryGetValue(rule, out var d) && d.Messages is not null)
                    throw new LabelsException($"{rule}: its own labels have no example of both kinds (labelled {rule} and not) to learn from") { Rule = rule, NoExamples = true };
                skipped.Add(rule);
            }
        }
        if (outputs.Count == 0) throw new LabelsException("no rule has labelled examples of both kinds (flagged and clean) to learn from");
        foreach (var o in outputs.Values)
            if (o.Stack is { } stack)
                foreach (var input in stack.Inputs.Where(i => i.StartsWith(StackedTrees.ScorePrefix, StringComparison.Ordinal)))
                    if (!outputs.ContainsKey(input[StackedTrees.ScorePrefix.Length..]))
                        throw new LabelsException($"{o.Label}: its stacked trees read the score of {input[StackedTrees.ScorePrefix.Length..]}, which was not learned from its own labels") { Rule = o.Label };
        return new InspectionTraining(new LinearTextModel(bits, false, [.. LabelledMessages.Rules.Where(outputs.ContainsKey).Select(r => outputs[r])], vocabulary),
            [.. LabelledMessages.Rules.Where(skipped.Contains)]);
    }

    /// <summary>
    /// The outputs of the rules in <paramref name="wanted"/> (null: all) trained on one set of messages and cues, and
    /// the wanted rules not learned. Every message rule's out-of-fold scores are computed as when all are wanted, so a
    /// stack's inputs do not depend on which outputs are kept.
    /// </summary>
    private static (List<LinearOutput> Outputs, List<string> Skipped) TrainSet(InspectionRules rules, IReadOnlyList<LabelledMessage> messages,
        IReadOnlyDictionary<string, IReadOnlyList<string>> cues, IReadOnlySet<string>? wanted, int bits, float l2, int calibrate, float cueScale, TreeOptions? trees)
    {
        var lexicon = new Inspector(rules);
        var features = new LinearTextModel(bits, false, [], cues);
        var outputs = new List<LinearOutput>();
        var skipped = new List<string>();
        var named = NamedSlots(features, cues.Keys);
        // Stacking needs every message rule's scores out of fold, so it has folds even when thresholds are not calibrated.
        var folds = trees is null ? calibrate : Math.Max(calibrate, CalibrationFolds);
        var outOfFold = new Dictionary<string, double[]>(StringComparer.Ordinal);
        List<(int Fold, TextExample Example)>? messageExamples = null;
        var stacksKept = trees is not null && (wanted is null || wanted.Any(StackedRules.Contains));
        foreach (var rule in LabelledMessages.Rules)
        {
            var keep = wanted is null || wanted.Contains(rule);
            // A rule not kept is trained only for its out-of-fold scores, which the stacks of the kept rules read.
            if (!keep && (!stacksKept || rule == RuleIds.NoPoliteAddress)) continue;
            var keyed = rule == RuleIds.NoPoliteAddress
                ? messages.Where(m => m.FirstReply)
                    .Select(m => (Fold: Fold(m, Math.Max(folds, 1)), Example: new TextExample(features.Slots(string.Join(" ", m.Messages), Inspector.TurnTokens(m.Ongoing)), m.Labels.Contains(rule) ? 1 : 0))).ToList()
                : messages.SelectMany(m => m.Messages.Select(text =>
                    (Fold: Fold(m, Math.Max(folds, 1)), Example: new TextExample(features.Slots(text, lexicon.LexiconTokens(text)), m.Labels.Contains(rule) ? 1 : 0)))).ToList();
            var examples = keyed.Select(k => k.Example).ToList();
            if (examples.Count == 0 || examples.All(e => e.Class == 0) || examples.All(e => e.Class == 1))
            {
                if (keep) skipped.Add(rule);
                continue;
            }
            // The polite rule keeps 0.5: its cost is a polite agent flagged, which the threshold must not trade for recall.
            // The polite rule keeps the features at 1 too: its output was right as it was (0 of 119 polite first replies
            // flagged in cross-validation) and scaled cues cost it recall there.
            var scale = rule == RuleIds.NoPoliteAddress ? 1 : cueScale;
            var threshold = 0.5;
            if (folds >= 2 && rule != RuleIds.NoPoliteAddress)
            {
                var (scores, probabilities) = OutOfFold(rule, bits, keyed, folds, l2, named, scale);
                outOfFold[rule] = scores;
                messageExamples ??= keyed;
                if (calibrate >= 2) threshold = ThresholdOf(probabilities);
            }
            if (keep) outputs.Add(TextModelTrainer.Binary(rule, bits, examples, threshold, l2, named, scale));
        }
        if (trees is not null && messageExamples is not null)
            for (var k = 0; k < outputs.Count; k++)
                if (StackedRules.Contains(outputs[k].Label) && outOfFold.ContainsKey(outputs[k].Label))
                    outputs[k] = Stack(outputs[k], outOfFold, messageExamples, messages, features, cues.Keys, folds, calibrate, trees);
        return (outputs, skipped);
    }

    /// <summary>
    /// An output with trees stacked on it (decisions.md §87): their inputs are every message rule's linear score out of
    /// fold (what the linear outputs give on messages they were not trained on, as at inspection) and whether each tone
    /// cue and word list is present; the threshold is calibrated as the linear one's is, on the trees' probabilities out
    /// of fold.
    /// </summary>
    private static LinearOutput Stack(LinearOutput output, IReadOnlyDictionary<string, double[]> outOfFold, List<(int Fold, TextExample Example)> keyed,
        IReadOnlyList<LabelledMessage> messages, LinearTextModel features, IEnumerable<string> cues, int folds, int calibrate, TreeOptions trees)
    {
        var scoreRules = LabelledMessages.Rules.Where(outOfFold.ContainsKey).ToList();
        string[] tokens = [.. cues.Order(StringComparer.Ordinal).Select(c => "cue:" + c), .. LabelledMessages.Rules.Select(Inspector.LexiconToken)];
        string[] inputs = [.. scoreRules.Select(r => StackedTrees.ScorePrefix + r), .. tokens];
        var slots = tokens.Select(features.TokenSlot).ToArray();
        var classes = messages.SelectMany(m => m.Messages.Select(_ => m.Labels.Contains(output.Label) ? 1 : 0)).ToList();
        var rows = new List<(float[] X, int Class)>(keyed.Count);
        for (var i = 0; i < keyed.Count; i++)
        {
            var x = new float[inputs.Length];
            for (var r = 0; r < scoreRules.Count; r++) x[r] = (float)outOfFold[scoreRules[r]][i];
            for (var t = 0; t < slots.Length; t++) x[scoreRules.Count + t] = keyed[i].Example.Slots.Contains(slots[t]) ? 1 : 0;
            rows.Add((x, classes[i]));
        }
        var threshold = output.Threshold;
        if (calibrate >= 2)
        {
            var scored = new List<(double P, int Class)>(rows.Count);
            for (var k = 0; k < folds; k++)
            {
                var train = rows.Where((_, i) => keyed[i].Fold != k).ToList();
                if (!keyed.Exists(x => x.Fold == k) || train.All(r => r.Class == 0) || train.All(r => r.Class == 1)) continue;
                var fold = StackedTreesTrainer.Train(inputs, train, trees);
                for (var i = 0; i < rows.Count; i++)
                    if (keyed[i].Fold == k) scored.Add((fold.Probability(fold.Score(rows[i].X)), rows[i].Class));
            }
            threshold = ThresholdOf(scored);
        }
        return output with { Threshold = threshold, Stack = StackedTreesTrainer.Train(inputs, rows, trees) };
    }

    /// <summary>
    /// Cross-validation by family (decisions.md §67): an estimate of how the model does on wordings it has not seen,
    /// from the development data alone. A family is a group with its registers, its copies in context and its
    /// sub-parts (first-polite-03-0 and -1), joined with the families that a pattern written from a development miss
    /// (<see cref="CueVocabulary.FromMisses"/>) matches when it matches at most <see cref="LinkedAtMost"/> of them (it
    /// was written from one, and data written from that miss is the other); families are dealt into
    /// <paramref name="folds"/> by a hash of their name. Each fold is inspected by a model trained on the others **with
    /// only the patterns written from misses that match some message of the other folds**: a pattern written from a
    /// fold's miss is that fold's knowledge, and the model inspecting the fold must not have it (§62: such patterns
    /// raised cross-validation by group and not the held-out figures). The other patterns are in every fold.
    /// <paramref name="deal"/> picks how families are dealt into folds (0: the deal every figure before decisions.md
    /// §91 used; others hash the family with the number), so a choice can be measured on more than one deal.
    /// </summary>
    public static InspectionFigures CrossValidate(InspectionRules rules, IReadOnlyList<LabelledMessage> messages, int folds,
        CueVocabulary? cues = null, float l2 = 1e-4f, int calibrate = CalibrationFolds, float cueScale = CueScale, TreeOptions? trees = null, int deal = 0)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (folds < 2) throw new ArgumentOutOfRangeException(nameof(folds), folds, "at least 2 folds");
        var split = FamilySplit.Of(messages, cues ?? BuiltInVocabulary(), folds, deal);
        var parts = new List<InspectionFigures>();
        var foldOf = messages.Select(split.FoldOf).ToArray();
        for (var k = 0; k < folds; k++)
        {
            var test = messages.Where((_, i) => foldOf[i] == k).ToList();
            var train = messages.Where((_, i) => foldOf[i] != k).ToList();
            if (test.Count == 0) continue;
            var model = Train(rules, train, split.CuesOutside(k), Bits, l2, calibrate, cueScale, trees).Model;
            parts.Add(InspectionEvaluation.Evaluate(new Inspector(rules, model), test));
        }
        return InspectionEvaluation.Sum(parts);
    }

    /// <summary>The share of development families in the checking part, in percent (decisions.md §93).</summary>
    public const int CheckingPercent = 28;

    /// <summary>
    /// Whether a message's family is in the checking part of seed <paramref name="seed"/> (decisions.md §93): a part of
    /// the development families whose figures choose between candidates and whose misses nobody reads. The family's
    /// name alone decides (not the links of <see cref="FamilySplit"/>), so a family's part does not change when data is
    /// added.
    /// </summary>
    public static bool InCheckingPart(LabelledMessage m, int seed) =>
        FoldOfKey($"{Family(m)}#check{seed.ToString(System.Globalization.CultureInfo.InvariantCulture)}", 100) < CheckingPercent;

    /// <summary>The readable part of seed <paramref name="seed"/> (what a candidate is trained on) and its checking part.</summary>
    public static (IReadOnlyList<LabelledMessage> Readable, IReadOnlyList<LabelledMessage> Checking) CheckPart(IReadOnlyList<LabelledMessage> messages, int seed)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var checking = messages.Select(m => InCheckingPart(m, seed)).ToArray();
        return ([.. messages.Where((_, i) => !checking[i])], [.. messages.Where((_, i) => checking[i])]);
    }

    /// <summary>
    /// The cues a model trained on <paramref name="readable"/> may use: without the patterns written from misses that
    /// match none of its messages (they were written from the checking part's, §67's rule for a fold); a cue left with
    /// no pattern is left out.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> CuesFor(CueVocabulary vocabulary, IReadOnlyList<LabelledMessage> readable)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(readable);
        var texts = readable.SelectMany(CueTexts).ToList();
        var unseen = vocabulary.FromMisses.Where(p => !texts.Exists(new TextPattern(p, TextPattern.Options).IsMatch)).ToHashSet(StringComparer.Ordinal);
        return vocabulary.Cues.Select(c => (c.Key, Patterns: (IReadOnlyList<string>)[.. c.Value.Where(p => !unseen.Contains(p))]))
            .Where(c => c.Patterns.Count > 0)
            .ToDictionary(c => c.Key, c => c.Patterns, StringComparer.Ordinal);
    }

    /// <summary>The texts a cue is run on: each message folded, a first turn also as one text (as training reads it).</summary>
    private static IEnumerable<string> CueTexts(LabelledMessage m) =>
        (m.FirstReply ? m.Messages.Append(string.Join(" ", m.Messages)) : m.Messages).Select(PhraseMatcher.Fold);

    /// <summary>A pattern written from a miss that matches this many families or fewer links them: they share a fold.</summary>
    public const int LinkedAtMost = 3;

    /// <summary>
    /// A group's family name: the group without the sub-part number a long group was cut into (first-polite-03-1 →
    /// first-polite-03); a message without a group is its own family.
    /// </summary>
    public static string Family(LabelledMessage m)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (m.Group is not { } g) return m.Id;
        var last = g.LastIndexOf('-');
        var before = last > 0 ? g.LastIndexOf('-', last - 1) : -1;
        return last > 0 && before >= 0 && IsNumber(g.AsSpan(last + 1)) && IsNumber(g.AsSpan(before + 1, last - before - 1)) ? g[..last] : g;
    }

    private static bool IsNumber(ReadOnlySpan<char> s) => s.Length > 0 && !s.ContainsAnyExceptInRange('0', '9');

    /// <summary>The family folds of <see cref="CrossValidate"/> and the cue patterns each fold may use.</summary>
    public sealed class FamilySplit
    {
        private readonly Dictionary<string, int> _foldOfFamily;
        private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _cues;
        private readonly Dictionary<string, HashSet<int>> _foldsOfPattern;

        private FamilySplit(Dictionary<string, int> foldOfFamily, IReadOnlyDictionary<string, IReadOnlyList<string>> cues, Dictionary<string, HashSet<int>> foldsOfPattern)
        {
            _foldOfFamily = foldOfFamily;
            _cues = cues;
            _foldsOfPattern = foldsOfPattern;
        }

        public static FamilySplit Of(IReadOnlyList<LabelledMessage> messages, CueVocabulary vocabulary, int folds, int deal = 0)
        {
            ArgumentNullException.ThrowIfNull(messages);
            ArgumentNullException.ThrowIfNull(vocabulary);
            var texts = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var m in messages)
            {
                var family = Family(m);
                if (!texts.TryGetValue(family, out var list)) texts[family] = list = [];
                list.AddRange(CueTexts(m));
            }
            var families = texts.Keys.Order(StringComparer.Ordinal).ToList();
            var parent = families.ToDictionary(f => f, f => f, StringComparer.Ordinal);
            string Root(string f)
            {
                while (parent[f] != f) f = parent[f] = parent[parent[f]];
                return f;
            }
            var matched = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var pattern in vocabulary.FromMisses.Order(StringComparer.Ordinal))
            {
                var compiled = new TextPattern(pattern, TextPattern.Options);
                var hits = families.Where(f => texts[f].Exists(compiled.IsMatch)).ToList();
                matched[pattern] = hits;
                if (hits.Count is < 2 or > LinkedAtMost) continue;
                foreach (var f in hits.Skip(1))
                {
                    var (a, b) = (Root(hits[0]), Root(f));
                    if (a == b) continue;
                    // The smaller name is the root, so a linked family's fold does not depend on the order of the patterns.
                    if (string.CompareOrdinal(a, b) < 0) parent[b] = a;
                    else parent[a] = b;
                }
            }
            var foldOfFamily = families.ToDictionary(f => f, f => FoldOfKey(deal == 0 ? Root(f) : $"{Root(f)}#{deal}", folds), StringComparer.Ordinal);
            var foldsOfPattern = matched.ToDictionary(p => p.Key, p => p.Value.Select(f => foldOfFamily[f]).ToHashSet(), StringComparer.Ordinal);
            return new FamilySplit(foldOfFamily, vocabulary.Cues, foldsOfPattern);
        }

        public int FoldOf(LabelledMessage m) => _foldOfFamily[Family(m)];

        /// <summary>
        /// The cues without the patterns written from misses that match no message outside fold <paramref name="fold"/>
        /// (one that matches nothing in the data is kept: it cannot have been written from it); a cue left with no
        /// pattern is left out.
        /// </summary>
        public IReadOnlyDictionary<string, IReadOnlyList<string>> CuesOutside(int fold) =>
            _cues.Select(c => (c.Key, Patterns: (IReadOnlyList<string>)[.. c.Value.Where(p => !_foldsOfPattern.TryGetValue(p, out var seen) || seen.Count == 0 || seen.Any(k => k != fold))]))
                .Where(c => c.Patterns.Count > 0)
                .ToDictionary(c => c.Key, c => c.Patterns, StringComparer.Ordinal);
    }

    /// <summary>
    /// The slots of the named features, the tone cues and the word lists' hits: what a message shares with wordings of
    /// other groups, where its n-grams are mostly its own.
    /// </summary>
    private static HashSet<int> NamedSlots(LinearTextModel features, IEnumerable<string> cues) =>
        [.. cues.Select(c => features.TokenSlot("cue:" + c)), .. LabelledMessages.Rules.Select(r => features.TokenSlot(Inspector.LexiconToken(r)))];

    /// <summary>
    /// A rule's linear outputs out of fold (cross-validation by group on the training messages alone): the raw score of
    /// each example (0 in a fold whose other folds have one class only) and the calibrated probabilities of the folds
    /// that had a model, with their classes.
    /// </summary>
    private static (double[] Scores, List<(double P, int Class)> Probabilities) OutOfFold(string rule, int bits, IReadOnlyList<(int Fold, TextExample Example)> keyed,
        int folds, float l2, IReadOnlySet<int> named, float scale)
    {
        var scores = new double[keyed.Count];
        var scored = new List<(double P, int Class)>(keyed.Count);
        for (var k = 0; k < folds; k++)
        {
            var train = keyed.Where(x => x.Fold != k).Select(x => x.Example).ToList();
            if (!keyed.Any(x => x.Fold == k) || train.All(e => e.Class == 0) || train.All(e => e.Class == 1)) continue;
            var output = TextModelTrainer.Binary(rule, bits, train, l2: l2, scaled: named, scale: scale);
            for (var i = 0; i < keyed.Count; i++)
                if (keyed[i].Fold == k)
                {
                    scores[i] = LinearTextModel.Score(output, keyed[i].Example.Slots);
                    scored.Add((LinearTextModel.Probability(output, scores[i]), keyed[i].Example.Class));
                }
        }
        return (scores, scored);
    }

    /// <summary>
    /// A threshold from out-of-fold probabilities: the lowest of 0.10, 0.15 … 0.50 at which the flagged examples are
    /// still ≥ <see cref="TargetPrecision"/> right, else 0.5. Platt's 0.5 is the point of equal odds, but with few groups
    /// per shape the model is unsure of new shapes and recall is what it gives up; the precision floor is what keeps the
    /// hard negatives from being flagged.
    /// </summary>
    private static double ThresholdOf(IReadOnlyList<(double P, int Class)> scored)
    {
        for (var t = 0.10; t < 0.5; t += 0.05)
        {
            var flagged = scored.Where(s => s.P >= t).ToList();
            if (flagged.Count > 0 && flagged.Count(s => s.Class == 1) >= TargetPrecision * flagged.Count) return Math.Round(t, 2);
        }
        return 0.5;
    }

    // The threshold's inner folds by family without links: a linked split would need the cues pruned per fold too.
    private static int Fold(LabelledMessage m, int folds) => FoldOfKey(Family(m), folds);

    private static int FoldOfKey(string key, int folds)
    {
        var h = 2166136261u;
        foreach (var c in key) h = (h ^ c) * 16777619u;
        return (int)(h % (uint)folds);
    }
}
