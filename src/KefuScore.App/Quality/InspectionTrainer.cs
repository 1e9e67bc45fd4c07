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

    public static InspectionTraining Train(InspectionRules rules, IReadOnlyList<LabelledMessage> messages,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? cues = null, int bits = Bits, float l2 = 1e-4f)
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
            var examples = rule == RuleIds.NoPoliteAddress
                ? messages.Where(m => m.FirstReply)
                    .Select(m => new TextExample(features.Slots(string.Join(" ", m.Messages), Inspector.TurnTokens(m.Ongoing)), m.Labels.Contains(rule) ? 1 : 0)).ToList()
                : messages.SelectMany(m => m.Messages.Select(text =>
                    new TextExample(features.Slots(text, lexicon.LexiconTokens(text)), m.Labels.Contains(rule) ? 1 : 0))).ToList();
            if (examples.Count == 0 || examples.All(e => e.Class == 0) || examples.All(e => e.Class == 1))
            {
                skipped.Add(rule);
                continue;
            }
            outputs.Add(TextModelTrainer.Binary(rule, bits, examples, l2: l2));
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
        IReadOnlyDictionary<string, IReadOnlyList<string>>? cues = null, float l2 = 1e-4f)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (folds < 2) throw new ArgumentOutOfRangeException(nameof(folds), folds, "at least 2 folds");
        var parts = new List<InspectionFigures>();
        for (var k = 0; k < folds; k++)
        {
            var test = messages.Where(m => Fold(m, folds) == k).ToList();
            var train = messages.Where(m => Fold(m, folds) != k).ToList();
            if (test.Count == 0) continue;
            var model = Train(rules, train, cues, Bits, l2).Model;
            parts.Add(InspectionEvaluation.Evaluate(new Inspector(rules, model), test));
        }
        return InspectionEvaluation.Sum(parts);
    }

    private static int Fold(LabelledMessage m, int folds)
    {
        var key = m.Group ?? m.Id;
        var h = 2166136261u;
        foreach (var c in key) h = (h ^ c) * 16777619u;
        return (int)(h % (uint)folds);
    }
}
