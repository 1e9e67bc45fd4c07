using KefuScore.Engine.Quality;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using RegressionTree = KefuScore.Engine.Quality.RegressionTree;

namespace KefuScore.App.Learning;

/// <summary>
/// How the stacked trees are grown (decisions.md §87): how many, leaves per tree, learning rate. 3 leaves at rate 0.1
/// with 150 trees had the best mean F1 of rude and overpromise on family cross-validation (0.7264 → 0.7732; held out
/// rude F1 0.78 → 0.79, overpromise 0.87 → 0.90): the built-in model's (<see cref="KefuScore.App.Quality.InspectionTrainer.DefaultTrees"/>).
/// </summary>
public sealed record TreeOptions(int Trees, int Leaves = 3, double LearningRate = 0.1, int MinimumLeaf = TreeOptions.DefaultMinimumLeaf)
{
    /// <summary>The fewest examples a leaf holds: a leaf of a handful is one group's wording.</summary>
    public const int DefaultMinimumLeaf = 20;
}

/// <summary>
/// Trains a <see cref="StackedTrees"/> with ML.NET 6's FastTree (gradient-boosted regression trees, one thread, seed 18)
/// over dense inputs, and copies the trees, their weights and the Platt calibration out into the engine's arrays, which
/// score without ML.NET.
/// </summary>
public static class StackedTreesTrainer
{
    public static StackedTrees Train(IReadOnlyList<string> inputs, IReadOnlyList<(float[] X, int Class)> rows, TreeOptions options) =>
        Fit(inputs, rows, options).Trees;

    /// <summary>The trees copied out and ML.NET's own model with the data it was fitted on (a test compares their scores).</summary>
    internal static (StackedTrees Trees, ITransformer Model, IDataView Data, MLContext Ml) Fit(IReadOnlyList<string> inputs, IReadOnlyList<(float[] X, int Class)> rows, TreeOptions options)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        if (rows.Count == 0 || rows.All(r => r.Class == 0) || rows.All(r => r.Class == 1))
            throw new ArgumentException("stacked trees need examples of both classes to learn from", nameof(rows));
        var ml = new MLContext(TextModelTrainer.Seed);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, inputs.Count);
        var data = ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Label = r.Class == 1, Features = r.X }), schema);
        var trainer = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = options.Trees, NumberOfLeaves = options.Leaves, LearningRate = options.LearningRate,
            MinimumExampleCountPerLeaf = options.MinimumLeaf, NumberOfThreads = 1, Seed = TextModelTrainer.Seed,
        });
        var fitted = trainer.Fit(data);
        var model = fitted.Model;
        var ensemble = model.SubModel.TrainedTreeEnsemble;
        var trees = new List<RegressionTree>(ensemble.Trees.Count);
        for (var t = 0; t < ensemble.Trees.Count; t++)
        {
            var tree = ensemble.Trees[t];
            if (tree.CategoricalSplitFlags.Any(c => c)) throw new InvalidOperationException("a categorical split: the stacked trees are trained on numbers only");
            trees.Add(new RegressionTree(ensemble.TreeWeights[t], [.. tree.NumericalSplitFeatureIndexes], [.. tree.NumericalSplitThresholds],
                [.. tree.LeftChild], [.. tree.RightChild], [.. tree.LeafValues]));
        }
        var stack = new StackedTrees([.. inputs], trees, ensemble.Bias, model.Calibrator.Slope, model.Calibrator.Offset);
        if (stack.Problem is { } problem) throw new InvalidOperationException($"FastTree gave trees the engine cannot read: {problem}");
        return (stack, fitted, data, ml);
    }

    internal sealed class Row
    {
        public bool Label { get; set; }
        public float[] Features { get; set; } = [];
    }
}
