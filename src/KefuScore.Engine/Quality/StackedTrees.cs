using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KefuScore.Engine.Quality;

/// <summary>
/// One regression tree of a <see cref="StackedTrees"/>, in ML.NET FastTree's layout: node i sends an input whose feature
/// <see cref="Feature"/>[i] is ≤ <see cref="Threshold"/>[i] to <see cref="Left"/>[i], else to <see cref="Right"/>[i]; a
/// child ≥ 0 is a node, a negative child c is the leaf ~c, worth <see cref="Leaves"/>[~c]. A tree of one leaf has no nodes.
/// </summary>
public sealed record RegressionTree(double Weight, int[] Feature, float[] Threshold, int[] Left, int[] Right, double[] Leaves);

/// <summary>
/// Boosted trees stacked on a <see cref="LinearTextModel"/>'s outputs (decisions.md §87), trained elsewhere
/// (KefuScore.App, ML.NET FastTree) and evaluated here over arrays, pure. Its inputs are named: <c>score:LABEL</c> is
/// the raw linear score of the model's output LABEL, any other name a token (<c>cue:NAME</c>, <c>lex:RULE</c>) that is
/// 1 when the message's slots have its slot, else 0. The score is the bias plus the trees' weighted leaves; the
/// probability is its Platt calibration, 1 / (1 + exp(Slope × score + Offset)).
/// </summary>
public sealed class StackedTrees
{
    /// <summary>The prefix of an input that is an output's raw linear score.</summary>
    public const string ScorePrefix = "score:";

    private struct Node
    {
        public int Feature;
        public float Threshold;
        // Left then right, side by side: the walk picks one by the comparison's 0 or 1, without a branch to mispredict.
        public int Left, Right;
    }

    // Every tree's nodes in one array (children as indices into it, a leaf c as ~c into _leaves) and its leaves
    // already multiplied by its weight: one bounds check per node, no object per tree (a message walks 300 trees).
    private readonly Node[] _nodes = [];
    private readonly double[] _leaves = [];
    private readonly int[] _roots = [];

    /// <summary>The deepest ensemble laid out as complete trees (2^depth leaves each); deeper ones are walked node by node.</summary>
    public const int CompleteDepth = 5;

    // Shallow ensembles (the shipped one: 3 leaves, depth ≤ 2) as complete trees of the ensemble's depth, heap-ordered
    // (node h's children are 2h+1 and 2h+2): a leaf above the bottom becomes nodes that always go left (threshold +∞) with
    // the leaf copied below both sides. Every tree is then the same fixed number of steps without a branch, so the
    // processor works on several trees at once instead of waiting on each walk's unpredictable exit.
    private readonly int _depth = -1;
    private readonly int[] _completeFeature = [];
    private readonly float[] _completeThreshold = [];
    private readonly double[] _completeLeaves = [];

    // Ensembles of depth 2 (the candidate of §87: 150 trees of 3 leaves) are also laid out for AVX2, eight trees a step:
    // node h of tree k at h × _lanes + k, leaf j at j × _lanes + k (one load per node or leaf of eight trees), padded
    // to _lanes trees. The leaves are still added one by one in the trees' order, so the score
    // is the same double as the walk's.
    private readonly int _lanes;
    private readonly int[] _laneFeature = [];
    private readonly float[] _laneThreshold = [];
    private readonly double[] _laneLeaves = [];

    public StackedTrees(IReadOnlyList<string> inputs, IReadOnlyList<RegressionTree> trees, double bias, double slope, double offset)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(trees);
        Inputs = inputs;
        Trees = trees;
        Bias = bias;
        Slope = slope;
        Offset = offset;
        Problem = ProblemOf(inputs.Count, trees);
        if (Problem is not null) return;
        var nodes = new List<Node>();
        var leaves = new List<double>();
        _roots = new int[trees.Count];
        foreach (var (t, k) in trees.Select((t, k) => (t, k)))
        {
            int Child(int c) => c >= 0 ? nodes.Count + c : ~(leaves.Count + ~c);
            _roots[k] = t.Feature.Length == 0 ? ~leaves.Count : nodes.Count;
            var first = new Node[t.Feature.Length];
            for (var i = 0; i < first.Length; i++)
                first[i] = new Node { Feature = t.Feature[i], Threshold = t.Threshold[i], Left = Child(t.Left[i]), Right = Child(t.Right[i]) };
            nodes.AddRange(first);
            leaves.AddRange(t.Leaves.Select(v => t.Weight * v));
        }
        _nodes = [.. nodes];
        _leaves = [.. leaves];
        var depth = trees.Count == 0 ? 0 : trees.Max(t => t.Feature.Length == 0 ? 0 : Depth(t, 0));
        if (depth > CompleteDepth) return;
        _depth = depth;
        int inner = (1 << depth) - 1, bottom = 1 << depth;
        _completeFeature = new int[trees.Count * inner];
        _completeThreshold = new float[trees.Count * inner];
        _completeLeaves = new double[trees.Count * bottom];
        for (var k = 0; k < trees.Count; k++) Place(trees[k], trees[k].Feature.Length == 0 ? ~0 : 0, 0, k * inner, k * bottom);
        if (depth != 2) return;
        _lanes = (trees.Count + 7) / 8 * 8;
        _laneFeature = new int[3 * _lanes];
        _laneThreshold = new float[3 * _lanes];
        _laneLeaves = new double[4 * _lanes];
        for (var k = 0; k < trees.Count; k++)
        {
            for (var h = 0; h < 3; h++)
            {
                _laneFeature[h * _lanes + k] = _completeFeature[3 * k + h];
                _laneThreshold[h * _lanes + k] = _completeThreshold[3 * k + h];
            }
            for (var j = 0; j < 4; j++) _laneLeaves[j * _lanes + k] = _completeLeaves[4 * k + j];
        }
    }

    // The depth below a node (a leaf, ~c, has none).
    private static int Depth(RegressionTree t, int node) => node < 0 ? 0 : 1 + Math.Max(Depth(t, t.Left[node]), Depth(t, t.Right[node]));

    private void Place(RegressionTree t, int node, int heap, int innerBase, int bottomBase)
    {
        var inner = (1 << _depth) - 1;
        if (heap >= inner)
        {
            _completeLeaves[bottomBase + heap - inner] = t.Weight * t.Leaves[~node];
            return;
        }
        if (node >= 0)
        {
            _completeFeature[innerBase + heap] = t.Feature[node];
            _completeThreshold[innerBase + heap] = t.Threshold[node];
            Place(t, t.Left[node], 2 * heap + 1, innerBase, bottomBase);
            Place(t, t.Right[node], 2 * heap + 2, innerBase, bottomBase);
            return;
        }
        _completeThreshold[innerBase + heap] = float.PositiveInfinity;
        Place(t, node, 2 * heap + 1, innerBase, bottomBase);
        Place(t, node, 2 * heap + 2, innerBase, bottomBase);
    }

    public IReadOnlyList<string> Inputs { get; }
    public IReadOnlyList<RegressionTree> Trees { get; }
    public double Bias { get; }
    public double Slope { get; }
    public double Offset { get; }

    /// <summary>
    /// What is wrong with the trees (null when nothing): a node's feature outside the inputs, a child outside the
    /// nodes or leaves, leaves not one more than the nodes, or a child that is not a later node (a loop).
    /// </summary>
    public string? Problem { get; }

    /// <summary>Whether the trees are scored as complete trees (no deeper than <see cref="CompleteDepth"/>) rather than walked.</summary>
    public bool Complete => _depth >= 0;

    /// <summary>The raw score of the trees on one input vector (as long as <see cref="Inputs"/>): the bias plus each tree's leaf times its weight.</summary>
    public double Score(ReadOnlySpan<float> x)
    {
        if (Problem is not null) throw new InvalidOperationException(Problem);
        if (x.Length < Inputs.Count) throw new ArgumentException($"{Inputs.Count} inputs needed, {x.Length} given", nameof(x));
        if (_lanes > 0 && Avx2.IsSupported) return ScoreEightAtOnce(x);
        return ScoreOneByOne(x, _depth >= 0);
    }

    /// <summary>Whether <see cref="Score"/> takes eight trees a step (depth 2 on a processor with AVX2).</summary>
    internal bool EightAtOnce => _lanes > 0 && Avx2.IsSupported;

    /// <summary><see cref="Score"/> a tree at a time: as complete trees, or walked node by node (what the others must equal).</summary>
    internal double ScoreOneByOne(ReadOnlySpan<float> x, bool complete)
    {
        if (Problem is not null) throw new InvalidOperationException(Problem);
        if (x.Length < Inputs.Count) throw new ArgumentException($"{Inputs.Count} inputs needed, {x.Length} given", nameof(x));
        var s = Bias;
        if (complete && _depth >= 0)
        {
            var depth = _depth;
            int inner = (1 << depth) - 1, bottom = 1 << depth;
            var features = _completeFeature;
            var thresholds = _completeThreshold;
            for (int k = 0, innerBase = 0, bottomBase = 0; k < Trees.Count; k++, innerBase += inner, bottomBase += bottom)
            {
                var h = 0;
                for (var d = 0; d < depth; d++) h = 2 * h + (x[features[innerBase + h]] <= thresholds[innerBase + h] ? 1 : 2);
                s += _completeLeaves[bottomBase + h - inner];
            }
            return s;
        }
        var nodes = _nodes;
        foreach (var root in _roots)
        {
            var node = root;
            while (node >= 0)
            {
                ref var n = ref nodes[node];
                node = System.Runtime.CompilerServices.Unsafe.Add(ref n.Left, x[n.Feature] <= n.Threshold ? 0 : 1);
            }
            s += _leaves[~node];
        }
        return s;
    }

    // Eight depth-2 trees a step: the three nodes' comparisons at once (root, its left, its right), the leaf index
    // (0–3, as the complete layout's) from them, the eight leaves gathered, then added in order.
    private double ScoreEightAtOnce(ReadOnlySpan<float> x)
    {
        var s = Bias;
        var none = 0.0;
        Add(this, null, x, ref s, ref none);
        return s;
    }

    /// <summary>
    /// <see cref="Score"/> of two ensembles on the same inputs (rude's and overpromise's, §87) in one pass: each sum is
    /// still added leaf by leaf in its trees' order (the same doubles), but the two chains of additions run side by side.
    /// </summary>
    public static (double First, double Second) ScoreTogether(StackedTrees first, StackedTrees second, ReadOnlySpan<float> x)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (!first.EightAtOnce || !second.EightAtOnce || x.Length < first.Inputs.Count || x.Length < second.Inputs.Count)
            return (first.Score(x), second.Score(x));
        var a = first.Bias;
        var b = second.Bias;
        Add(first, second, x, ref a, ref b);
        return (a, b);
    }

    private static unsafe void Add(StackedTrees first, StackedTrees? second, ReadOnlySpan<float> x, ref double sumA, ref double sumB)
    {
        // The sums in locals never passed by reference (registers): added through a ref, every addition also waited on a
        // store and a load.
        double a = sumA, b = sumB;
        int countA = first.Trees.Count, countB = second?.Trees.Count ?? 0;
        second ??= first;
        // Up to 32 inputs (the candidate has 26) are two registers of 16: an input is then picked by a permutation, not gathered.
        var permute = Avx512F.IsSupported && x.Length <= 32;
        var table = stackalloc float[32];
        if (permute) x.CopyTo(new Span<float>(table, 32));
        var low = permute ? Avx512F.LoadVector512(table) : default;
        var high = permute ? Avx512F.LoadVector512(table + 16) : default;
        var rest = stackalloc double[8];
        fixed (float* input = x)
        fixed (int* featureA = first._laneFeature, featureB = second._laneFeature)
        fixed (float* thresholdA = first._laneThreshold, thresholdB = second._laneThreshold)
        fixed (double* leavesA = first._laneLeaves, leavesB = second._laneLeaves)
            for (var k = 0; k < Math.Max(countA, countB); k += 8)
            {
                // The leaves are added straight from the registers (a wide store read back 8 bytes at a time waits for
                // the store), except in a last, partial step.
                if (k < countA)
                {
                    var (low4, high4) = Leaves(input, permute, low, high, featureA, thresholdA, leavesA, first._lanes, k);
                    if (countA - k >= 8) a = AddInOrder(a, low4, high4);
                    else a = AddFirst(a, low4, high4, countA - k, rest);
                }
                if (k < countB)
                {
                    var (low4, high4) = Leaves(input, permute, low, high, featureB, thresholdB, leavesB, second._lanes, k);
                    if (countB - k >= 8) b = AddInOrder(b, low4, high4);
                    else b = AddFirst(b, low4, high4, countB - k, rest);
                }
            }
        sumA = a;
        sumB = b;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static double AddInOrder(double s, Vector256<double> low, Vector256<double> high)
    {
        s += low.ToScalar();
        s += low.GetElement(1);
        s += low.GetElement(2);
        s += low.GetElement(3);
        s += high.ToScalar();
        s += high.GetElement(1);
        s += high.GetElement(2);
        s += high.GetElement(3);
        return s;
    }

    private static unsafe double AddFirst(double s, Vector256<double> low, Vector256<double> high, int n, double* rest)
    {
        Avx.Store(rest, low);
        Avx.Store(rest + 4, high);
        for (var j = 0; j < n; j++) s += rest[j];
        return s;
    }

    // The leaves trees k to k + 7 reach on the inputs: the root's, its left's and its right's comparisons for eight
    // trees at once, then each tree's leaf picked by them (no gather of leaves).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static unsafe (Vector256<double> Low, Vector256<double> High) Leaves(float* input, bool permute, Vector512<float> low, Vector512<float> high,
        int* feature, float* threshold, double* leaves, int lanes, int k)
    {
        Vector256<float> Inputs(int* at) => permute
            ? Avx512F.PermuteVar16x32x2(low, Avx.LoadVector256(at).ToVector512Unsafe(), high).GetLower()
            : Avx2.GatherVector256(input, Avx.LoadVector256(at), 4);
        var root = Avx.CompareLessThanOrEqual(Inputs(feature + k), Avx.LoadVector256(threshold + k)).AsInt32();
        var left = Avx.CompareLessThanOrEqual(Inputs(feature + lanes + k), Avx.LoadVector256(threshold + lanes + k)).AsInt32();
        var right = Avx.CompareLessThanOrEqual(Inputs(feature + 2 * lanes + k), Avx.LoadVector256(threshold + 2 * lanes + k)).AsInt32();
        // Root true: the left pair (leaf 0 when left's comparison is true, else 1); false: the right pair (2, else 3).
        if (Avx512F.IsSupported)
        {
            var l = leaves + k;
            var pick = Vector512.ConditionalSelect(Avx512F.ConvertToVector512Int64(root).AsDouble(),
                Vector512.ConditionalSelect(Avx512F.ConvertToVector512Int64(left).AsDouble(), Avx512F.LoadVector512(l), Avx512F.LoadVector512(l + lanes)),
                Vector512.ConditionalSelect(Avx512F.ConvertToVector512Int64(right).AsDouble(), Avx512F.LoadVector512(l + 2 * lanes), Avx512F.LoadVector512(l + 3 * lanes)));
            return (pick.GetLower(), pick.GetUpper());
        }
        Vector256<double> Half(int half)
        {
            var l = leaves + k + 4 * half;
            Vector256<double> Mask(Vector256<int> m) => Avx2.ConvertToVector256Int64(half == 0 ? m.GetLower() : m.GetUpper()).AsDouble();
            return Vector256.ConditionalSelect(Mask(root),
                Vector256.ConditionalSelect(Mask(left), Avx.LoadVector256(l), Avx.LoadVector256(l + lanes)),
                Vector256.ConditionalSelect(Mask(right), Avx.LoadVector256(l + 2 * lanes), Avx.LoadVector256(l + 3 * lanes)));
        }
        return (Half(0), Half(1));
    }

    /// <summary>The calibrated probability of a raw score.</summary>
    public double Probability(double score) => 1 / (1 + Math.Exp(Slope * score + Offset));

    private static string? ProblemOf(int inputs, IReadOnlyList<RegressionTree> trees)
    {
        for (var k = 0; k < trees.Count; k++)
        {
            var t = trees[k];
            var nodes = t.Feature.Length;
            if (t.Threshold.Length != nodes || t.Left.Length != nodes || t.Right.Length != nodes)
                return $"trees[{k}]: feature, threshold, left and right must be as long as each other";
            if (t.Leaves.Length != nodes + 1) return $"trees[{k}]: {t.Leaves.Length} leaves for {nodes} nodes (a binary tree has one more)";
            for (var i = 0; i < nodes; i++)
            {
                if (t.Feature[i] < 0 || t.Feature[i] >= inputs) return $"trees[{k}].feature[{i}]: {t.Feature[i]} is not an input (0 to {inputs - 1})";
                foreach (var child in (int[])[t.Left[i], t.Right[i]])
                    if (child >= nodes || ~child >= t.Leaves.Length || (child >= 0 && child <= i))
                        return $"trees[{k}]: node {i} has child {child}, not a later node or a leaf";
            }
        }
        return null;
    }
}
