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
public sealed record StackedTrees(IReadOnlyList<string> Inputs, IReadOnlyList<RegressionTree> Trees, double Bias, double Slope, double Offset)
{
    /// <summary>The prefix of an input that is an output's raw linear score.</summary>
    public const string ScorePrefix = "score:";

    /// <summary>The raw score of the trees on one input vector (as long as <see cref="Inputs"/>).</summary>
    public double Score(ReadOnlySpan<float> x)
    {
        var s = Bias;
        foreach (var t in Trees)
        {
            if (t.Feature.Length == 0) { s += t.Weight * t.Leaves[0]; continue; }
            var node = 0;
            while (node >= 0) node = x[t.Feature[node]] <= t.Threshold[node] ? t.Left[node] : t.Right[node];
            s += t.Weight * t.Leaves[~node];
        }
        return s;
    }

    /// <summary>The calibrated probability of a raw score.</summary>
    public double Probability(double score) => 1 / (1 + Math.Exp(Slope * score + Offset));

    /// <summary>
    /// What is wrong with the trees (null when nothing): a node's feature outside the inputs, a child outside the
    /// nodes or leaves, leaves not one more than the nodes, or a path that returns to a node (a loop).
    /// </summary>
    public string? Problem()
    {
        for (var k = 0; k < Trees.Count; k++)
        {
            var t = Trees[k];
            var nodes = t.Feature.Length;
            if (t.Threshold.Length != nodes || t.Left.Length != nodes || t.Right.Length != nodes)
                return $"trees[{k}]: feature, threshold, left and right must be as long as each other";
            if (t.Leaves.Length != nodes + 1) return $"trees[{k}]: {t.Leaves.Length} leaves for {nodes} nodes (a binary tree has one more)";
            for (var i = 0; i < nodes; i++)
            {
                if (t.Feature[i] < 0 || t.Feature[i] >= Inputs.Count) return $"trees[{k}].feature[{i}]: {t.Feature[i]} is not an input (0 to {Inputs.Count - 1})";
                foreach (var child in (int[])[t.Left[i], t.Right[i]])
                    if (child >= nodes || ~child >= t.Leaves.Length || (child >= 0 && child <= i))
                        return $"trees[{k}]: node {i} has child {child}, not a later node or a leaf";
            }
        }
        return null;
    }
}
