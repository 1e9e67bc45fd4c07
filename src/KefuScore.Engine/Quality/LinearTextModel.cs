namespace KefuScore.Engine.Quality;

/// <summary>
/// One output of a <see cref="LinearTextModel"/>: a label (a rule id, or an FAQ question), its weights by feature slot,
/// its bias, the Platt calibration of a binary output (probability = 1 / (1 + exp(Slope × score + Offset))) and the
/// probability from which the label is decided.
/// </summary>
public sealed record LinearOutput(string Label, float[] Weights, float Bias, double Slope = -1, double Offset = 0, double Threshold = 0.5);

/// <summary>
/// A linear model over <see cref="TextFeatures"/> (issue 18), trained elsewhere (KefuScore.App, ML.NET) and applied
/// here, pure: a score is the sum of the weights of the text's slots plus the bias. <see cref="Softmax"/> models
/// choose one label among all (FAQ entries); the others decide each label on its own (inspection rules).
/// </summary>
public sealed class LinearTextModel
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private readonly (string Name, System.Text.RegularExpressions.Regex Pattern)[] _cues;

    /// <summary>
    /// A model of <paramref name="outputs"/> over 2^<paramref name="bits"/> slots. <paramref name="cues"/> are its
    /// vocabulary: named lists of .NET regular expressions over the folded text (the tone of a reply: 拉倒, 凭什么…？;
    /// an intent of a question: 下单 拍下 买了); a cue that matches adds the token <c>cue:NAME</c>, so wordings that share
    /// no n-gram share a feature. The vocabulary belongs to the model: it was trained with it.
    /// </summary>
    public LinearTextModel(int bits, bool softmax, IReadOnlyList<LinearOutput> outputs, IReadOnlyDictionary<string, IReadOnlyList<string>>? cues = null)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        if (bits is < 8 or > 24) throw new ArgumentOutOfRangeException(nameof(bits), bits, "bits must be from 8 to 24");
        foreach (var o in outputs)
            if (o.Weights.Length != 1 << bits) throw new ArgumentException($"output '{o.Label}' has {o.Weights.Length} weights, not 2^{bits}", nameof(outputs));
        Bits = bits;
        Softmax = softmax;
        Outputs = outputs;
        Cues = cues ?? new Dictionary<string, IReadOnlyList<string>>();
        // One compiled alternation per cue: a message is read by a few dozen regular expressions, not hundreds.
        _cues = [.. Cues.Where(c => c.Value.Count > 0).OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => (c.Key, new System.Text.RegularExpressions.Regex(string.Join("|", c.Value.Select(p => $"(?:{p})")),
                System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.Compiled, Timeout)))];
        _cueSlots = [.. _cues.Select(c => TextFeatures.TokenSlot("cue:" + c.Name, bits))];
    }

    private readonly int[] _cueSlots;

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Cues { get; }

    /// <summary>The slot of a named token (<c>cue:NAME</c>, <c>lex:RULE</c>) in this model, to compute once and reuse.</summary>
    public int TokenSlot(string token) => TextFeatures.TokenSlot(token, Bits);

    /// <summary>
    /// The text's feature slots with tokens given as slots (<see cref="TokenSlot"/>): what <see cref="Slots(string,
    /// IEnumerable{string}?)"/> gives, with the text folded once and no string made per cue or token.
    /// </summary>
    public int[] Slots(string text, ReadOnlySpan<int> extraSlots, string? folded = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_cues.Length == 0) return TextFeatures.Slots(text, Bits, extraSlots);
        folded ??= PhraseMatcher.Fold(text);
        Span<int> extra = stackalloc int[_cues.Length + extraSlots.Length];
        var n = 0;
        for (var k = 0; k < _cues.Length; k++)
            if (_cues[k].Pattern.IsMatch(folded)) extra[n++] = _cueSlots[k];
        extraSlots.CopyTo(extra[n..]);
        return TextFeatures.Slots(text, Bits, extra[..(n + extraSlots.Length)]);
    }

    /// <summary>The <c>cue:NAME</c> tokens of the cues found in a text.</summary>
    public IReadOnlyList<string> CueTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_cues.Length == 0) return [];
        var folded = PhraseMatcher.Fold(text);
        var found = new List<string>();
        foreach (var (name, pattern) in _cues)
            if (pattern.IsMatch(folded)) found.Add("cue:" + name);
        return found;
    }

    public int Bits { get; }
    public bool Softmax { get; }
    public IReadOnlyList<LinearOutput> Outputs { get; }

    public LinearOutput? Find(string label) => Outputs.FirstOrDefault(o => o.Label == label);

    /// <summary>The text's feature slots: its n-grams, its cues and the <paramref name="extra"/> tokens.</summary>
    public int[] Slots(string text, IEnumerable<string>? extra = null) => TextFeatures.Slots(text, Bits, CueTokens(text).Concat(extra ?? []));

    /// <summary>The raw score of one output.</summary>
    public static double Score(LinearOutput output, int[] slots)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(slots);
        double s = output.Bias;
        foreach (var i in slots) s += output.Weights[i];
        return s;
    }

    /// <summary>The calibrated probability of a binary output.</summary>
    public static double Probability(LinearOutput output, int[] slots) => 1 / (1 + Math.Exp(output.Slope * Score(output, slots) + output.Offset));

    /// <summary>The probabilities of every output: softmax over all, or each binary output calibrated on its own.</summary>
    public double[] Probabilities(int[] slots)
    {
        var p = new double[Outputs.Count];
        if (!Softmax)
        {
            for (var k = 0; k < p.Length; k++) p[k] = Probability(Outputs[k], slots);
            return p;
        }
        var max = double.NegativeInfinity;
        for (var k = 0; k < p.Length; k++) max = Math.Max(max, p[k] = Score(Outputs[k], slots));
        var sum = 0.0;
        for (var k = 0; k < p.Length; k++) sum += p[k] = Math.Exp(p[k] - max);
        for (var k = 0; k < p.Length; k++) p[k] /= sum;
        return p;
    }

    /// <summary>
    /// Why an output scored high: the text's n-grams (and extra tokens, shown with #) with the largest positive weights,
    /// best first, e.g. 自己看 +1.9 — what the 质检 page can show beside a finding.
    /// </summary>
    public IReadOnlyList<(string Feature, double Weight)> Reasons(LinearOutput output, string text, IEnumerable<string>? extra = null, int top = 3)
    {
        ArgumentNullException.ThrowIfNull(output);
        var grams = TextFeatures.Grams(text).Concat(CueTokens(text).Concat(extra ?? []).Select(t => "#" + t)).Distinct(StringComparer.Ordinal);
        return grams.Select(g => (Feature: g.Trim('^', '$'), Weight: (double)output.Weights[TextFeatures.Slot(g, Bits)]))
            .Where(g => g.Weight > 0 && g.Feature.Length > 0)
            .GroupBy(g => g.Feature, StringComparer.Ordinal).Select(g => g.First())
            .OrderByDescending(g => g.Weight).ThenBy(g => g.Feature, StringComparer.Ordinal)
            .Take(top).ToList();
    }
}
