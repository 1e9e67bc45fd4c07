using KefuScore.App.Learning;
using KefuScore.Engine.Quality;

namespace KefuScore.App.Faq;

/// <summary>The entry a question is taken to ask and how sure the matcher is (a probability for the model).</summary>
public sealed record FaqAnswer(FaqEntry Entry, double Confidence);

/// <summary>A question of a cross-validation, the entry the model trained without its fold chose, and how sure it was.</summary>
public sealed record FaqCrossValidated(FaqCase Case, string? Chosen, double Confidence, bool Right);

/// <summary>Of <paramref name="Questions"/> asked, how many answers were sent and how many of those were right.</summary>
public sealed record FaqSent(int Questions, int Answered, int Right);

/// <summary>
/// A learned FAQ matcher (issue 18; <c>kefu faq train</c>): a softmax over the knowledge base's entries, on the
/// question's character n-grams and intents (<c>Faq/intents.yaml</c>: 拍下 and 下单 are one intent), trained on the
/// entries themselves (question, keywords, answer) and the shop's customer questions. It answers when the best
/// entry's probability reaches <see cref="Threshold"/>, calibrated by cross-validation on those questions.
/// </summary>
public sealed class FaqModel
{
    public const string Kind = "faq";
    public const int Bits = 16;

    /// <summary>
    /// The share of sent answers that must be right on the cross-validated questions, for the threshold: the issue's
    /// 95 % plus a margin for the few answers by which a new set of a hundred questions differs (decisions.md §62:
    /// the lowest of 0.97, 0.98, 0.99 whose nested cross-validation, <see cref="CrossValidateSent"/>, on the clothing
    /// and electronics development questions sends ≥ 98.4 % right: 95 % plus two standard errors of a hundred answers).
    /// </summary>
    public const double TargetPrecision = 0.98;

    private readonly FaqEntry[] _entries;

    /// <summary>A model for <paramref name="entries"/>: every output must be a question of the knowledge base.</summary>
    public FaqModel(LinearTextModel model, IReadOnlyList<FaqEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(entries);
        if (!model.Softmax) throw new TextModelException("an FAQ model chooses one entry among all (softmax); this one does not");
        var byQuestion = entries.ToDictionary(e => e.Question, StringComparer.Ordinal);
        var missing = model.Outputs.Where(o => !byQuestion.ContainsKey(o.Label)).Select(o => o.Label).ToList();
        if (missing.Count > 0)
            throw new TextModelException($"the model was trained on another knowledge base: '{string.Join("', '", missing.Take(3))}' {(missing.Count == 1 ? "is" : "are")} not a question of this one (retrain with kefu faq train)");
        Model = model;
        _entries = [.. model.Outputs.Select(o => byQuestion[o.Label])];
    }

    public LinearTextModel Model { get; }

    public double Threshold => Model.Outputs.Count == 0 ? 1 : Model.Outputs[0].Threshold;

    /// <summary>The best <paramref name="top"/> entries, most probable first.</summary>
    public IReadOnlyList<FaqAnswer> Rank(string question, int top = 3)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (string.IsNullOrWhiteSpace(question)) return [];
        var p = Model.Probabilities(Model.Slots(question));
        return p.Select((v, i) => new FaqAnswer(_entries[i], v)).OrderByDescending(a => a.Confidence).Take(top).ToList();
    }

    public FaqAnswer? Best(string question) => Rank(question, 1) is [var a] ? a : null;

    /// <summary>The built-in intent vocabulary, <c>Faq/intents.yaml</c>.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> BuiltInIntents() => CueLoader.BuiltIn("faq/intents.yaml");

    /// <summary>
    /// Trains on the entries and the customer questions; the threshold is calibrated by <paramref name="folds"/>-fold
    /// cross-validation on the questions (<see cref="Calibrate"/>), or 0.5 without enough questions to do so.
    /// </summary>
    public static FaqModel Train(IReadOnlyList<FaqEntry> entries, IReadOnlyList<FaqCase> questions, IReadOnlyDictionary<string, IReadOnlyList<string>>? intents = null, int folds = 5, double precision = TargetPrecision)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(questions);
        intents ??= BuiltInIntents();
        var threshold = questions.Count >= folds * 4 ? Calibrate(entries, questions, intents, folds, precision) : 0.5;
        return new FaqModel(Fit(entries, questions, intents, threshold), entries);
    }

    /// <summary>
    /// The threshold from a cross-validation on the questions (each fold's questions answered by a model trained
    /// without them; <see cref="Cut"/>); 1 when no threshold gets there.
    /// </summary>
    public static double Calibrate(IReadOnlyList<FaqEntry> entries, IReadOnlyList<FaqCase> questions, IReadOnlyDictionary<string, IReadOnlyList<string>> intents, int folds, double precision = TargetPrecision) =>
        Cut(CrossValidate(entries, questions, intents, folds), precision);

    /// <summary>
    /// The lowest probability at which the cross-validated answers sent (those at or above it) are at least
    /// <paramref name="precision"/> right; 1 when none is.
    /// </summary>
    public static double Cut(IEnumerable<FaqCrossValidated> crossValidated, double precision)
    {
        ArgumentNullException.ThrowIfNull(crossValidated);
        var scored = crossValidated.ToList();
        // From the most confident down: the lowest cut whose answers are still precise enough.
        scored.Sort((a, b) => b.Confidence.CompareTo(a.Confidence));
        var best = 1.0;
        var right = 0;
        for (var i = 0; i < scored.Count; i++)
        {
            if (scored[i].Right) right++;
            var last = i == scored.Count - 1 || scored[i + 1].Confidence < scored[i].Confidence;
            if (last && right / (double)(i + 1) >= precision) best = scored[i].Confidence;
        }
        return Math.Round(best, 4);
    }

    /// <summary>
    /// What the calibration gives on wordings it has not seen, from the questions alone (nested cross-validation by
    /// group): each fold's questions are answered by a model trained without them, at the threshold calibrated on the
    /// other folds only (<see cref="Calibrate"/> with <paramref name="precision"/>); the counts are summed. This is
    /// what the precision a shop asks of the calibration is chosen on.
    /// </summary>
    public static FaqSent CrossValidateSent(IReadOnlyList<FaqEntry> entries, IReadOnlyList<FaqCase> questions, IReadOnlyDictionary<string, IReadOnlyList<string>> intents, int folds, double precision = TargetPrecision)
    {
        int asked = 0, sent = 0, right = 0;
        foreach (var (test, train) in Folds(questions, folds))
        {
            var threshold = Calibrate(entries, train, intents, folds, precision);
            var model = new FaqModel(Fit(entries, train, intents, threshold), entries);
            foreach (var c in test)
            {
                asked++;
                if (model.Best(c.Question) is not { } a || a.Confidence < threshold) continue;
                sent++;
                if (a.Entry.Question == c.Expected) right++;
            }
        }
        return new FaqSent(asked, sent, right);
    }

    /// <summary>
    /// Each question answered by a model trained without its fold (cross-validation by group): the best entry's
    /// probability and whether it is the expected one — what the threshold is calibrated on, and (as top-1) what
    /// <c>kefu faq train --cross-validate</c> prints to tune a shop's model on its own questions.
    /// </summary>
    public static IReadOnlyList<FaqCrossValidated> CrossValidate(IReadOnlyList<FaqEntry> entries, IReadOnlyList<FaqCase> questions, IReadOnlyDictionary<string, IReadOnlyList<string>> intents, int folds)
    {
        var scored = new List<FaqCrossValidated>();
        foreach (var (test, train) in Folds(questions, folds))
        {
            var model = new FaqModel(Fit(entries, train, intents, 0.5), entries);
            foreach (var c in test)
                scored.Add(model.Best(c.Question) is { } a
                    ? new FaqCrossValidated(c, a.Entry.Question, a.Confidence, a.Entry.Question == c.Expected)
                    : new FaqCrossValidated(c, null, 0, false));
        }
        return scored;
    }

    /// <summary>
    /// The folds of a cross-validation by group, each as the questions to answer and those to train on (empty folds
    /// skipped). A question's fold is its group's (its line's without one), hashed: the wordings of one way of asking
    /// are answered by a model that saw none of them, as a new customer's would be.
    /// </summary>
    private static IEnumerable<(List<FaqCase> Test, List<FaqCase> Train)> Folds(IReadOnlyList<FaqCase> questions, int folds)
    {
        ArgumentNullException.ThrowIfNull(questions);
        var fold = questions.Select(q => Fold(q.Group ?? $"line {q.Line}", folds)).ToArray();
        for (var k = 0; k < folds; k++)
        {
            var test = questions.Where((_, i) => fold[i] == k).ToList();
            if (test.Count == 0) continue;
            yield return (test, questions.Where((_, i) => fold[i] != k).ToList());
        }
    }

    private static int Fold(string key, int folds)
    {
        var h = 2166136261u;
        foreach (var c in key) h = (h ^ c) * 16777619u;
        return (int)(h % (uint)folds);
    }

    private static LinearTextModel Fit(IReadOnlyList<FaqEntry> entries, IReadOnlyList<FaqCase> questions, IReadOnlyDictionary<string, IReadOnlyList<string>> intents, double threshold)
    {
        var features = new LinearTextModel(Bits, true, [], intents);
        var index = entries.Select((e, i) => (e.Question, i)).ToDictionary(x => x.Question, x => x.i, StringComparer.Ordinal);
        var examples = new List<TextExample>();
        foreach (var (e, i) in entries.Select((e, i) => (e, i)))
        {
            examples.Add(new TextExample(features.Slots(e.Question), i));
            examples.Add(new TextExample(features.Slots(e.Question + " " + string.Join(" ", e.Keywords)), i));
            foreach (var k in e.Keywords) examples.Add(new TextExample(features.Slots(k), i));
            examples.Add(new TextExample(features.Slots(e.Answer), i));
        }
        foreach (var q in questions)
            if (index.TryGetValue(q.Expected, out var i)) examples.Add(new TextExample(features.Slots(q.Question), i));
        var outputs = TextModelTrainer.Softmax([.. entries.Select(e => e.Question)], Bits, examples);
        return new LinearTextModel(Bits, true, [.. outputs.Select(o => o with { Threshold = threshold })], intents);
    }
}
