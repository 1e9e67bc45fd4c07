using KefuScore.Engine.Quality;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace KefuScore.App.Learning;

/// <summary>One training example: its feature slots (<see cref="TextFeatures"/>) and its class.</summary>
public sealed record TextExample(int[] Slots, int Class);

/// <summary>
/// Trains <see cref="LinearTextModel"/> outputs with ML.NET 6 (issue 18): our own hashed character n-grams go in as a
/// sparse vector, ML.NET's optimiser finds the weights, and the weights come out into the engine's model, which
/// scores without ML.NET (a dot product over a message's slots: fast enough for a million messages). One thread and a
/// fixed seed, so the same data trains the same model.
/// </summary>
public static class TextModelTrainer
{
    public const int Seed = 18;

    /// <summary>A binary output (class 1 = the label holds): SDCA logistic regression with its Platt calibration.</summary>
    public static LinearOutput Binary(string label, int bits, IReadOnlyList<TextExample> examples, double threshold = 0.5, float l2 = 1e-3f,
        IReadOnlySet<int>? scaled = null, float scale = 1)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0 || examples.All(e => e.Class == 0) || examples.All(e => e.Class == 1))
            throw new ArgumentException($"'{label}' needs examples of both classes to learn from", nameof(examples));
        var ml = new MLContext(Seed);
        var data = ml.Data.LoadFromEnumerable(examples.Select(e => new BinaryRow { Label = e.Class == 1, Features = Vector(e.Slots, bits, scaled, scale) }), Schema<BinaryRow>(bits, null));
        var trainer = ml.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options
        {
            NumberOfThreads = 1, L2Regularization = l2, MaximumNumberOfIterations = 50, Shuffle = true,
        });
        var model = trainer.Fit(data).Model;
        var weights = new float[1 << bits];
        model.SubModel.Weights.ToArray().CopyTo(weights, 0);
        if (scaled is not null)
            foreach (var slot in scaled) weights[slot] *= scale;
        return new LinearOutput(label, weights, model.SubModel.Bias, model.Calibrator.Slope, model.Calibrator.Offset, threshold);
    }

    /// <summary>One softmax output per label (maximum entropy, SDCA), in the order of <paramref name="labels"/>.</summary>
    public static IReadOnlyList<LinearOutput> Softmax(IReadOnlyList<string> labels, int bits, IReadOnlyList<TextExample> examples, float l2 = 1e-4f)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(examples);
        if (labels.Count < 2) throw new ArgumentException("a choice needs at least two labels", nameof(labels));
        var ml = new MLContext(Seed);
        // Loaded from a uint field, a key column takes the value as the 0-based class (key k + 1 inside ML.NET).
        var rows = examples.Select(e => new KeyRow { Label = (uint)e.Class, Features = Vector(e.Slots, bits) });
        var data = ml.Data.LoadFromEnumerable(rows, Schema<KeyRow>(bits, labels.Count));
        var trainer = ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
        {
            NumberOfThreads = 1, L2Regularization = l2, MaximumNumberOfIterations = 60, Shuffle = true,
        });
        var model = trainer.Fit(data).Model;
        VBuffer<float>[] weights = [];
        model.GetWeights(ref weights, out var classes);
        var biases = model.GetBiases().ToArray();
        var outputs = new List<LinearOutput>(labels.Count);
        for (var k = 0; k < labels.Count; k++)
        {
            var w = new float[1 << bits];
            if (k < classes) weights[k].DenseValues().ToArray().CopyTo(w, 0);
            outputs.Add(new LinearOutput(labels[k], w, k < biases.Length ? biases[k] : -1e6f, Threshold: 0));
        }
        return outputs;
    }

    private static VBuffer<float> Vector(int[] slots, int bits, IReadOnlySet<int>? scaled = null, float scale = 1) =>
        new(1 << bits, slots.Length, [.. slots.Select(s => scaled is not null && scaled.Contains(s) ? scale : 1f)], slots);

    private static SchemaDefinition Schema<T>(int bits, int? keys)
    {
        var schema = SchemaDefinition.Create(typeof(T));
        schema[nameof(BinaryRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 1 << bits);
        if (keys is { } n) schema[nameof(KeyRow.Label)].ColumnType = new KeyDataViewType(typeof(uint), n);
        return schema;
    }

    private sealed class BinaryRow
    {
        public bool Label { get; set; }
        public VBuffer<float> Features { get; set; }
    }

    private sealed class KeyRow
    {
        public uint Label { get; set; }
        public VBuffer<float> Features { get; set; }
    }
}
