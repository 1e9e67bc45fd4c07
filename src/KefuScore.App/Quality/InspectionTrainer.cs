using KefuScore.App.Learning;
using KefuScore.Engine.Quality;

namespace KefuScore.App.Quality;

/// <summary>A trained inspection model and the rules it could not learn (no examples of both kinds).</summary>
public sealed record InspectionTraining(LinearTextModel Model, IReadOnlyList<string> Skipped);

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
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> BuiltInCues() => CueLoader.BuiltIn("quality/cues.yaml");

    /// <summary>The precision the calibrated thresholds aim at on out-of-fold messages (the target for rude).</summary>
    public const double TargetPrecision = 0.9;

    /// <summary>Folds of the threshold calibration (0: every output decides at 0.5).</summary>
    public const int CalibrationFolds = 5;

    public static InspectionTraining Train(InspectionRules rules, IReadOnlyList<LabelledMessage> messages,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? cues = null, int bits = Bits, float l2 = 1e-4f, int calibrate = CalibrationFolds)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(messages);
        cues ??= BuiltInCues();
        var lexicon = new Inspector(rules);
        var features = new LinearTextModel(bits, false, [], cues);
        var outputs = new List<LinearOutput>();
        var skipped = new List<string>();
        foreach (var rule in LabelledMessages.Rules)
        {
            var keyed = rule == RuleIds.NoPoliteAddress
                ? messages.Where(m => m.FirstReply)
                    .Select(m => (Fold: Fold(m, Math.Max(calibrate, 1)), Example: new TextExample(features.Slots(string.Join(" ", m.Messages), Inspector.TurnTokens(m.Ongoing)), m.Labels.Contains(rule) ? 1 : 0))).ToList()
                : messages.SelectMany(m => m.Messages.Select(text =>
                    (Fold: Fold(m, Math.Max(calibrate, 1)), Example: new TextExample(features.Slots(text, lexicon.LexiconTokens(text)), m.Labels.Contains(rule) ? 1 : 0)))).ToList();
            var examples = keyed.Select(k => k.Example).ToList();
            if (examples.Count == 0 || examples.All(e => e.Class == 0) || examples.All(e => e.Class == 1))
            {
                skipped.Add(rule);
                continue;
            }
            // The polite rule keeps 0.5: its cost is a polite agent flagged, which the threshold must not trade for recall.
            var threshold = calibrate >= 2 && rule != RuleIds.NoPoliteAddress ? Calibrate(rule, bits, keyed, calibrate, l2) : 0.5;
            outputs.Add(TextModelTrainer.Binary(rule, bits, examples, threshold, l2));
        }
        if (outputs.Count == 0) throw new LabelsException("no rule has labelled examples of both kinds (flagged and clean) to learn from");
        return new InspectionTraining(new LinearTextModel(bits, false, outputs, cues), skipped);
    }

    /// <summary>
    /// Cross-validation by group: the groups (or, without groups, the messages) are dealt into <paramref name="folds"/>
    /// by a hash of their name; each fold is inspected by a model trained on the others, and the counts are summed —
    /// an estimate of how the model does on wordings it has not seen, from the development data alone.
    /// </summary>
    public static InspectionFigures CrossValidate(InspectionRules rules, IReadOnlyList<LabelledMessage> messages, int folds,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? cues = null, float l2 = 1e-4f, int calibrate = CalibrationFolds)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (folds < 2) throw new ArgumentOutOfRangeException(nameof(folds), folds, "at least 2 folds");
        var parts = new List<InspectionFigures>();
        for (var k = 0; k < folds; k++)
        {
            var test = messages.Where(m => Fold(m, folds) == k).ToList();
            var train = messages.Where(m => Fold(m, folds) != k).ToList();
            if (test.Count == 0) continue;
            var model = Train(rules, train, cues, Bits, l2, calibrate).Model;
            parts.Add(InspectionEvaluation.Evaluate(new Inspector(rules, model), test));
        }
        return InspectionEvaluation.Sum(parts);
    }

    /// <summary>
    /// A rule's threshold from out-of-fold probabilities (cross-validation by group on the training messages alone):
    /// the lowest of 0.10, 0.15 … 0.50 at which the flagged examples are still ≥ <see cref="TargetPrecision"/> right,
    /// else 0.5. Platt's 0.5 is the point of equal odds, but with few groups per shape the model is unsure of new
    /// shapes and recall is what it gives up; the precision floor is what keeps the hard negatives from being flagged.
    /// </summary>
    private static double Calibrate(string rule, int bits, IReadOnlyList<(int Fold, TextExample Example)> keyed, int folds, float l2)
    {
        var scored = new List<(double P, int Class)>();
        for (var k = 0; k < folds; k++)
        {
            var train = keyed.Where(x => x.Fold != k).Select(x => x.Example).ToList();
            var test = keyed.Where(x => x.Fold == k).Select(x => x.Example).ToList();
            if (test.Count == 0 || train.All(e => e.Class == 0) || train.All(e => e.Class == 1)) continue;
            var output = TextModelTrainer.Binary(rule, bits, train, l2: l2);
            scored.AddRange(test.Select(e => (LinearTextModel.Probability(output, e.Slots), e.Class)));
        }
        for (var t = 0.10; t < 0.5; t += 0.05)
        {
            var flagged = scored.Where(s => s.P >= t).ToList();
            if (flagged.Count > 0 && flagged.Count(s => s.Class == 1) >= TargetPrecision * flagged.Count) return Math.Round(t, 2);
        }
        return 0.5;
    }

    private static int Fold(LabelledMessage m, int folds)
    {
        var key = m.Group ?? m.Id;
        var h = 2166136261u;
        foreach (var c in key) h = (h ^ c) * 16777619u;
        return (int)(h % (uint)folds);
    }
}
