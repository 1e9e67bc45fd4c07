namespace KefuScore.Engine.Quality;

/// <summary>
/// One output of a <see cref="LinearTextModel"/>: a label (a rule id, or an FAQ question), its weights by feature slot,
/// its bias, the Platt calibration of a binary output (probability = 1 / (1 + exp(Slope × score + Offset))) and the
/// probability from which the label is decided. With a <see cref="Stack"/> (decisions.md §87) the probability is the
/// stacked trees' over the outputs' linear scores, and the threshold applies to it.
/// </summary>
public sealed record LinearOutput(string Label, float[] Weights, float Bias, double Slope = -1, double Offset = 0, double Threshold = 0.5, StackedTrees? Stack = null);

/// <summary>
/// A linear model over <see cref="TextFeatures"/> (issue 18), trained elsewhere (KefuScore.App, ML.NET) and applied
/// here, pure: a score is the sum of the weights of the text's slots plus the bias. <see cref="Softmax"/> models
/// choose one label among all (FAQ entries); the others decide each label on its own (inspection rules).
/// </summary>
public sealed class LinearTextModel
{
    private readonly string[] _cues;
    private readonly CueMatcher _cueMatcher;

    /// <summary>
    /// A model of <paramref name="outputs"/> over 2^<paramref name="bits"/> slots. <paramref name="cues"/> are its
    /// vocabulary: named lists of .NET regular expressions over the folded text (the tone of a reply: 拉倒, 凭什么…？;
    /// an intent of a question: 下单 拍下 买了); a cue that matches adds the token <c>cue:NAME</c>, so wordings that share
    /// no n-gram share a feature. The vocabulary belongs to the model: it was trained with it. <paramref name="compiled"/>
    /// are cues a loader already compiled (each cue's <see cref="TextPattern.Alternation"/>), used when they are these cues' patterns.
    /// </summary>
    public LinearTextModel(int bits, bool softmax, IReadOnlyList<LinearOutput> outputs, IReadOnlyDictionary<string, IReadOnlyList<string>>? cues = null,
        IReadOnlyDictionary<string, TextPattern>? compiled = null)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        if (bits is < 8 or > 24) throw new ArgumentOutOfRangeException(nameof(bits), bits, "bits must be from 8 to 24");
        foreach (var o in outputs)
            if (o.Weights.Length != 1 << bits) throw new ArgumentException($"output '{o.Label}' has {o.Weights.Length} weights, not 2^{bits}", nameof(outputs));
        Bits = bits;
        Softmax = softmax;
        Outputs = outputs;
        Cues = cues ?? new Dictionary<string, IReadOnlyList<string>>();
        // The cues by name; their plain words are looked for in one pass and the rest as one compiled alternation per
        // cue (CueMatcher). A timeout falls back to the linear engine (TextPattern), so a cue never depends on the load.
        var named = Cues.Where(c => c.Value.Count > 0).OrderBy(c => c.Key, StringComparer.Ordinal).ToArray();
        _cues = [.. named.Select(c => c.Key)];
        _cueMatcher = new CueMatcher([.. named.Select(c => c.Value)],
            k => compiled is not null && compiled.TryGetValue(named[k].Key, out var made) && made.Pattern == TextPattern.Alternation(named[k].Value) ? made : null);
        _cueSlots = [.. _cues.Select(c => TextFeatures.TokenSlot("cue:" + c, bits))];
        _cueTokens = [.. _cues.Select(c => "#cue:" + c)];
        _stackInputs = new int[]?[outputs.Count];
        _stackTokens = new (int Slot, int Input)[]?[outputs.Count];
        _stackTokenBits = new ulong[]?[outputs.Count];
        for (var k = 0; k < outputs.Count; k++)
            if (outputs[k].Stack is { } stack)
            {
                if (softmax) throw new ArgumentException($"output '{outputs[k].Label}': a softmax model has no stacked trees", nameof(outputs));
                if (stack.Problem is { } problem) throw new ArgumentException($"output '{outputs[k].Label}': stack: {problem}", nameof(outputs));
                _stackInputs[k] = [.. stack.Inputs.Select(name => StackInput(outputs, name, bits, outputs[k].Label))];
                _stackTokens[k] = [.. _stackInputs[k]!.Select((source, input) => (Slot: ~source, Input: input)).Where(t => t.Slot >= 0).OrderBy(t => t.Slot).ThenBy(t => t.Input)];
                _stackTokenBits[k] = new ulong[Math.Max(1, (1 << bits) / 64)];
                foreach (var (slot, _) in _stackTokens[k]!) _stackTokenBits[k]![slot >> 6] |= 1UL << slot;
                _stackInputCount = Math.Max(_stackInputCount, stack.Inputs.Count);
            }
        _sameInputsAs = new int[outputs.Count];
        for (var k = 0; k < outputs.Count; k++)
        {
            _sameInputsAs[k] = k;
            for (var j = 0; j < k; j++)
                if (_stackInputs[k] is { } mine && _stackInputs[j] is { } theirs && mine.AsSpan().SequenceEqual(theirs)) { _sameInputsAs[k] = j; break; }
        }
        _scoredWith = [.. Enumerable.Repeat(-1, outputs.Count)];
        _scoredBefore = new bool[outputs.Count];
        for (var k = 0; k < outputs.Count; k++)
            if (_stackInputs[k] is not null && !_scoredBefore[k] && _scoredWith[k] < 0)
                for (var j = k + 1; j < outputs.Count; j++)
                    if (_sameInputsAs[j] == _sameInputsAs[k] && _stackInputs[j] is not null && !_scoredBefore[j]) { _scoredWith[k] = j; _scoredBefore[j] = true; break; }
        if (!softmax && outputs.Count > 0)
        {
            // The binary outputs' weights side by side per slot: one message's slots are read once for every rule
            // (one cache line per slot instead of one per slot and rule).
            _packed = new float[outputs.Count << bits];
            for (var k = 0; k < outputs.Count; k++)
                for (var i = 0; i < outputs[k].Weights.Length; i++) _packed[i * outputs.Count + k] = outputs[k].Weights[i];
        }
    }

    private readonly int[] _cueSlots;
    private readonly string[] _cueTokens;
    private readonly float[]? _packed;

    // Per output, its stack's inputs: an output's index (score:LABEL), or ~slot for a token; null without a stack.
    private readonly int[]?[] _stackInputs;

    // Per output, its stack's token inputs by slot, ascending; null without a stack.
    private readonly (int Slot, int Input)[]?[] _stackTokens;

    // Per output, a bit per feature slot, set for its stack's tokens' slots; null without a stack.
    private readonly ulong[]?[] _stackTokenBits;

    // Per output, the first output whose stack reads the same inputs (rude and overpromise do): one input vector for both.
    private readonly int[] _sameInputsAs;
    private readonly int _stackInputCount;

    // Per output, a later output whose stack reads the same vector and is scored in the same pass (-1 when none), and
    // whether an earlier output's pass already scored it.
    private readonly int[] _scoredWith;
    private readonly bool[] _scoredBefore;

    /// <summary>
    /// <see cref="Probability(int, ReadOnlySpan{double}, ReadOnlySpan{int})"/> of every output into
    /// <paramref name="probabilities"/>, the stacks that read the same inputs reading one vector.
    /// </summary>
    public void Probabilities(ReadOnlySpan<double> scores, ReadOnlySpan<int> slots, Span<double> probabilities)
    {
        Span<float> x = stackalloc float[_stackInputCount];
        var filledFor = -1;
        for (var k = 0; k < Outputs.Count; k++)
        {
            var output = Outputs[k];
            if (output.Stack is not { } stack) { probabilities[k] = Probability(output, scores[k]); continue; }
            if (_scoredBefore[k]) continue;
            if (filledFor != _sameInputsAs[k])
            {
                Fill(k, scores, slots, x);
                filledFor = _sameInputsAs[k];
            }
            if (_scoredWith[k] is var j and >= 0)
            {
                var other = Outputs[j].Stack!;
                var (mine, theirs) = StackedTrees.ScoreTogether(stack, other, x);
                probabilities[k] = stack.Probability(mine);
                probabilities[j] = other.Probability(theirs);
            }
            else probabilities[k] = stack.Probability(stack.Score(x));
        }
    }

    private void Fill(int k, ReadOnlySpan<double> scores, ReadOnlySpan<int> slots, Span<float> x)
    {
        var inputs = _stackInputs[k]!;
        for (var i = 0; i < inputs.Length; i++) x[i] = inputs[i] >= 0 ? (float)scores[inputs[i]] : 0;
        // Each of the text's slots looked up in a bit per slot of the tokens' (rarely set, so the branch is predicted,
        // where a merge of the two lists mispredicted at every token passed).
        var tokens = _stackTokens[k]!;
        var marked = _stackTokenBits[k]!;
        foreach (var slot in slots)
            if ((marked[slot >> 6] & (1UL << slot)) != 0)
                foreach (var (tokenSlot, input) in tokens)
                    if (tokenSlot == slot) x[input] = 1;
    }

    private static int StackInput(IReadOnlyList<LinearOutput> outputs, string name, int bits, string label)
    {
        if (!name.StartsWith(StackedTrees.ScorePrefix, StringComparison.Ordinal)) return ~TextFeatures.TokenSlot(name, bits);
        for (var k = 0; k < outputs.Count; k++)
            if (outputs[k].Label == name[StackedTrees.ScorePrefix.Length..]) return k;
        throw new ArgumentException($"output '{label}': stack input '{name}' names no output of the model", nameof(outputs));
    }

    /// <summary>
    /// The calibrated probability of output <paramref name="k"/> for a text whose raw scores of every output
    /// (<see cref="Scores"/>) and feature slots (distinct and ascending, as <see cref="Slots(string, IEnumerable{string}?)"/>
    /// gives them) are given: the linear output's own, or its stacked trees' over those scores and the slots' tokens.
    /// </summary>
    public double Probability(int k, ReadOnlySpan<double> scores, ReadOnlySpan<int> slots)
    {
        var output = Outputs[k];
        if (output.Stack is not { } stack) return Probability(output, scores[k]);
        Span<float> x = stackalloc float[stack.Inputs.Count];
        Fill(k, scores, slots, x);
        return stack.Probability(stack.Score(x));
    }

    /// <summary>How many cues the model's vocabulary has (the length <see cref="FindCues"/> needs).</summary>
    public int CueCount => _cues.Length;

    /// <summary>
    /// Which cues a folded text has: their indices into <paramref name="found"/> (at least <see cref="CueCount"/>
    /// long), in the order of the cue names; returns how many.
    /// </summary>
    public int FindCues(string folded, Span<int> found)
    {
        ArgumentNullException.ThrowIfNull(folded);
        Span<bool> has = stackalloc bool[_cues.Length];
        _cueMatcher.Find(folded, has);
        var n = 0;
        for (var k = 0; k < _cues.Length; k++)
            if (has[k]) found[n++] = k;
        return n;
    }

    /// <summary>The slot of the cue <paramref name="index"/> (<see cref="FindCues"/>).</summary>
    public int CueSlot(int index) => _cueSlots[index];

    /// <summary>The slots of the cues a folded text has (<see cref="FindCues"/>), written to <paramref name="into"/>; returns how many.</summary>
    private int CueSlotsInto(string folded, Span<int> into)
    {
        Span<int> found = stackalloc int[_cues.Length];
        var n = FindCues(folded, found);
        for (var c = 0; c < n; c++) into[c] = _cueSlots[found[c]];
        return n;
    }

    /// <summary>
    /// The raw scores of every binary output at once (<see cref="Score"/> of each, the same sums in the same order),
    /// over distinct sorted slots; <paramref name="scores"/> at least as long as <see cref="Outputs"/>.
    /// </summary>
    public void Scores(ReadOnlySpan<int> slots, Span<double> scores)
    {
        var count = Outputs.Count;
        if (_packed is null)
        {
            for (var k = 0; k < count; k++)
            {
                double s = Outputs[k].Bias;
                foreach (var i in slots) s += Outputs[k].Weights[i];
                scores[k] = s;
            }
            return;
        }
        for (var k = 0; k < count; k++) scores[k] = Outputs[k].Bias;
        foreach (var i in slots)
        {
            var row = _packed.AsSpan(i * count, count);
            for (var k = 0; k < count; k++) scores[k] += row[k];
        }
    }

    /// <summary>
    /// Asks the processor for the packed weights of <paramref name="slots"/> ahead of <see cref="Scores"/>: a
    /// message's rows are scattered over megabytes, and fetched while the caller searches words and cues they are
    /// waiting in the cache when scored. Reads nothing; a no-op without SSE or packed weights.
    /// </summary>
    public unsafe void Prefetch(ReadOnlySpan<int> slots)
    {
        if (_packed is null || !System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
        var count = Outputs.Count;
        ref var first = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_packed);
        foreach (var i in slots)
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.CompilerServices.Unsafe.Add(ref first, i * count)));
    }

    /// <summary>The calibrated probability of a binary output from its raw score.</summary>
    public static double Probability(LinearOutput output, double score)
    {
        ArgumentNullException.ThrowIfNull(output);
        return 1 / (1 + Math.Exp(output.Slope * score + output.Offset));
    }

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
        var n = CueSlotsInto(folded, extra);
        extraSlots.CopyTo(extra[n..]);
        return TextFeatures.Slots(text, Bits, extra[..(n + extraSlots.Length)]);
    }

    /// <summary>
    /// <see cref="Probability(LinearOutput, int[])"/> of <see cref="Slots(string, ReadOnlySpan{int}, string?)"/>
    /// (the same slots, summed in the same order, from the packed weights when the output is this model's) without an
    /// array: the n-grams' weights are prefetched while the cues are searched.
    /// </summary>
    public double Probability(LinearOutput output, string text, ReadOnlySpan<int> extraSlots)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(text);
        var capacity = TextFeatures.Capacity(text.Length, _cues.Length + extraSlots.Length);
        int[]? rented = null;
        var buffer = capacity <= 1024 ? stackalloc int[capacity] : (rented = System.Buffers.ArrayPool<int>.Shared.Rent(capacity));
        var count = TextFeatures.GramsInto(text, Bits, buffer);
        Prefetch(buffer[..count]);
        if (_cues.Length > 0) count += CueSlotsInto(PhraseMatcher.Fold(text), buffer[count..]);
        extraSlots.CopyTo(buffer[count..]);
        var slots = buffer[..TextFeatures.Distinct(buffer[..(count + extraSlots.Length)])];
        double p;
        if (output.Stack is not null && ColumnOf(output) is var k and >= 0)
        {
            Span<double> scores = stackalloc double[Outputs.Count];
            Scores(slots, scores);
            p = Probability(k, scores, slots);
        }
        else
        {
            var column = ColumnOf(output);
            double s = output.Bias;
            foreach (var i in slots) s += Weight(output, column, i);
            p = Probability(output, s);
        }
        if (rented is not null) System.Buffers.ArrayPool<int>.Shared.Return(rented);
        return p;
    }

    /// <summary>The <c>cue:NAME</c> tokens of the cues found in a text.</summary>
    public IReadOnlyList<string> CueTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_cues.Length == 0) return [];
        var folded = PhraseMatcher.Fold(text);
        Span<int> cues = stackalloc int[_cues.Length];
        var n = FindCues(folded, cues);
        var found = new List<string>(n);
        foreach (var k in cues[..n]) found.Add("cue:" + _cues[k]);
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

    /// <summary>The calibrated probability of a binary output's linear part (its stack, if any, needs the other outputs' scores).</summary>
    public static double Probability(LinearOutput output, int[] slots) => Probability(output, Score(output, slots));

    /// <summary>The probabilities of every output: softmax over all, or each binary output calibrated on its own.</summary>
    public double[] Probabilities(int[] slots)
    {
        var p = new double[Outputs.Count];
        if (!Softmax)
        {
            Span<double> scores = stackalloc double[Outputs.Count];
            for (var k = 0; k < p.Length; k++) scores[k] = Score(Outputs[k], slots);
            Probabilities(scores, slots, p);
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

    private struct Candidate
    {
        public int Start, Length, Order;
        public string? Token;
        public double Weight;
    }

    /// <summary>
    /// <see cref="Reasons"/> without a string per n-gram: the same features in the same order, for a text whose cues
    /// (<see cref="FindCues"/>) and extra tokens are known. The n-grams are read in <see cref="TextFeatures.Grams"/>'
    /// order; a feature (n-gram without its ^ $ marks) weighs what its first occurrence with a positive weight weighs.
    /// </summary>
    public IReadOnlyList<string> ReasonFeatures(LinearOutput output, string text, ReadOnlySpan<int> cues, ReadOnlySpan<string> extra, int top = 3)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.AsSpan().Trim();
        char[]? rentedChars = null;
        var marked = trimmed.Length + 2 <= 256 ? stackalloc char[trimmed.Length + 2] : (rentedChars = System.Buffers.ArrayPool<char>.Shared.Rent(trimmed.Length + 2));
        var length = TextFeatures.Mark(trimmed, marked);
        var mask = (uint)((1 << Bits) - 1);
        // The weights as Scores just read them (packed slot by slot, the same values), so the slots' cache lines are warm.
        var column = ColumnOf(output);
        var grams = length * TextFeatures.MaxN + cues.Length + extra.Length;
        var candidates = System.Buffers.ArrayPool<Candidate>.Shared.Rent(grams);
        var count = 0;
        var order = 0;
        for (var n = TextFeatures.MinN; n <= TextFeatures.MaxN; n++)
            for (var i = 0; i + n <= length; i++)
            {
                if (n == 1 && (marked[i] == '^' || marked[i] == '$')) continue;
                var h = TextFeatures.Offset;
                for (var j = i; j < i + n; j++) h = TextFeatures.Step(h, marked[j]);
                var weight = Weight(output, column, (int)(h & mask));
                var start = i;
                var end = i + n;
                while (start < end && marked[start] is '^' or '$') start++;
                while (end > start && marked[end - 1] is '^' or '$') end--;
                if (weight > 0 && end > start) candidates[count++] = new Candidate { Start = start, Length = end - start, Order = order, Weight = weight };
                order++;
            }
        void Token(string token, Candidate[] into, ref int count, ref int order)
        {
            var weight = Weight(output, column, (int)(TextFeatures.TokenHash(token[1..]) & mask));
            if (weight > 0) into[count++] = new Candidate { Token = token, Order = order, Weight = weight };
            order++;
        }
        foreach (var c in cues) Token(_cueTokens[c], candidates, ref count, ref order);
        foreach (var e in extra) Token("#" + e, candidates, ref count, ref order);

        // The best `top` by weight (then feature, then order) among features' first occurrences, kept as the
        // candidates go by: a candidate is checked for an earlier occurrence only when it would enter the best.
        Span<int> best = stackalloc int[Math.Max(top, 0)];
        var kept = 0;
        for (var c = 0; c < count; c++)
        {
            if (top <= 0) break;
            if (kept == top && Compare(marked, candidates[c], candidates[best[kept - 1]]) >= 0) continue;
            var feature = Feature(marked, candidates[c]);
            var first = true;
            for (var d = 0; d < c; d++)
                if (Feature(marked, candidates[d]).SequenceEqual(feature)) { first = false; break; }
            if (!first) continue;
            var at = kept < top ? kept++ : kept - 1;
            while (at > 0 && Compare(marked, candidates[c], candidates[best[at - 1]]) < 0) { best[at] = best[at - 1]; at--; }
            best[at] = c;
        }
        var result = new List<string>(kept);
        for (var r = 0; r < kept; r++) result.Add(Feature(marked, candidates[best[r]]).ToString());
        System.Buffers.ArrayPool<Candidate>.Shared.Return(candidates, clearArray: true);
        if (rentedChars is not null) System.Buffers.ArrayPool<char>.Shared.Return(rentedChars);
        return result;
    }

    private static ReadOnlySpan<char> Feature(ReadOnlySpan<char> marked, in Candidate c) =>
        c.Token is null ? marked.Slice(c.Start, c.Length) : c.Token.AsSpan();

    /// <summary>The order of reasons: heavier first, then by feature (ordinal), then the earlier occurrence.</summary>
    private static int Compare(ReadOnlySpan<char> marked, in Candidate a, in Candidate b)
    {
        var c = b.Weight.CompareTo(a.Weight);
        if (c == 0) c = Feature(marked, a).SequenceCompareTo(Feature(marked, b));
        return c == 0 ? a.Order.CompareTo(b.Order) : c;
    }

    /// <summary>The output's column in the packed weights, or -1 when there are none or it is not this model's.</summary>
    private int ColumnOf(LinearOutput output)
    {
        if (_packed is null) return -1;
        for (var k = 0; k < Outputs.Count; k++)
            if (ReferenceEquals(Outputs[k], output)) return k;
        return -1;
    }

    /// <summary>A slot's weight for an output: from the packed rows (warm after <see cref="Scores"/>) when it has a column, the same float either way.</summary>
    private double Weight(LinearOutput output, int column, int slot) =>
        column < 0 ? output.Weights[slot] : _packed![slot * Outputs.Count + column];
}
