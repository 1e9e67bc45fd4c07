using KefuScore.Engine.Quality;

namespace KefuScore.Engine.Tests.Quality;

/// <summary>The engine's evaluator of trees stacked on a linear model's outputs (decisions.md §87), by hand.</summary>
public sealed class StackedTreesTests
{
    // x0 ≤ 0.5 → leaf 0 (−1); else x1 ≤ 2 → leaf 1 (+0.5), else leaf 2 (+2). Weight 1; a second tree of one leaf, 0.25 at weight 2.
    private static StackedTrees Sample() => new(["score:rude", "cue:blame"],
        [new RegressionTree(1, [0, 1], [0.5f, 2f], [~0, ~1], [1, ~2], [-1, 0.5, 2]), new RegressionTree(2, [], [], [], [], [0.25])],
        bias: 0.1, slope: -1, offset: 0);

    private static StackedTrees Other(RegressionTree[] trees) => new(["score:rude", "cue:blame"], trees, 0.1, -1, 0);

    [Fact]
    public void Trees_that_cannot_be_walked_are_not_scored() =>
        Assert.Throws<InvalidOperationException>(() => Other([new RegressionTree(1, [0, 2], [0, 0], [~0, ~1], [1, ~2], [0, 0, 0])]).Score([0, 0, 0]));

    [Theory]
    [InlineData(0.5f, 9f, 0.1 - 1 + 0.5)]
    [InlineData(0.6f, 2f, 0.1 + 0.5 + 0.5)]
    [InlineData(0.6f, 2.1f, 0.1 + 2 + 0.5)]
    public void A_score_is_the_bias_and_each_trees_weighted_leaf(float x0, float x1, double expected) =>
        Assert.Equal(expected, Sample().Score([x0, x1]), 12);

    [Fact]
    public void Trees_that_cannot_be_walked_are_named()
    {
        Assert.Null(Sample().Problem);
        Assert.Equal("trees[0].feature[1]: 2 is not an input (0 to 1)",
            Other([new RegressionTree(1, [0, 2], [0, 0], [~0, ~1], [1, ~2], [0, 0, 0])]).Problem);
        Assert.Equal("trees[0]: node 1 has child 0, not a later node or a leaf",
            Other([new RegressionTree(1, [0, 1], [0, 0], [~0, 0], [1, ~2], [0, 0, 0])]).Problem);
        Assert.Equal("trees[0]: 2 leaves for 2 nodes (a binary tree has one more)",
            Other([new RegressionTree(1, [0, 1], [0, 0], [~0, ~1], [1, ~1], [0, 0])]).Problem);
    }

    // A model of two outputs over 2^8 slots; rude is stacked on its own score and the blame cue.
    [Fact]
    public void A_stacked_output_reads_the_outputs_scores_and_whether_a_token_is_present()
    {
        const int bits = 8;
        var blame = TextFeatures.TokenSlot("cue:blame", bits);
        var other = (blame + 1) % (1 << bits);
        var rudeWeights = new float[1 << bits];
        rudeWeights[other] = 1;
        var rude = new LinearOutput("rude", rudeWeights, 0, Stack: Sample());
        var vague = new LinearOutput("vague", new float[1 << bits], 0.3f);
        var model = new LinearTextModel(bits, false, [vague, rude]);
        // rude's linear score: 1 with `other`, 0 without. Without other: x0 = 0 → −1 + 0.5 + 0.1 = −0.4.
        Assert.Equal(1 / (1 + Math.Exp(0.4)), model.Probability(1, [0.3, 0], [blame]), 12);
        // With other, blame present (x1 = 1 ≤ 2): 0.1 + 0.5 + 0.5 = 1.1.
        Assert.Equal(1 / (1 + Math.Exp(-1.1)), model.Probability(1, [0.3, 1], [.. new[] { other, blame }.Order()]), 12);
        // An output without trees keeps its linear calibration.
        Assert.Equal(1 / (1 + Math.Exp(-0.3)), model.Probability(0, [0.3, 1], [other]), 12);
    }

    [Fact]
    public void A_stack_naming_no_output_is_refused()
    {
        var rude = new LinearOutput("rude", new float[256], 0, Stack: new StackedTrees(["score:rudeness", "cue:blame"], Sample().Trees, 0, -1, 0));
        var e = Assert.Throws<ArgumentException>(() => new LinearTextModel(8, false, [rude]));
        Assert.Contains("stack input 'score:rudeness' names no output of the model", e.Message);
    }

    // Random trees of at most two levels in every shape ML.NET writes (one leaf, one split, a second split on either
    // side), thresholds and inputs from one small set so that inputs equal to thresholds are common; 19 trees, so the
    // last step of eight is partial.
    private static StackedTrees RandomDepthTwo(Random random, int trees, int inputs)
    {
        float[] values = [-1, 0, 0.5f, 1, 2.5f];
        float Value() => values[random.Next(values.Length)];
        double Leaf() => random.NextDouble() * 2 - 1;
        var made = new List<RegressionTree>();
        for (var k = 0; k < trees; k++)
        {
            int f0 = random.Next(inputs), f1 = random.Next(inputs);
            var weight = 0.5 + random.NextDouble();
            made.Add((k % 4) switch
            {
                0 => new RegressionTree(weight, [], [], [], [], [Leaf()]),
                1 => new RegressionTree(weight, [f0], [Value()], [~0], [~1], [Leaf(), Leaf()]),
                2 => new RegressionTree(weight, [f0, f1], [Value(), Value()], [1, ~0], [~2, ~1], [Leaf(), Leaf(), Leaf()]),
                _ => new RegressionTree(weight, [f0, f1], [Value(), Value()], [~0, ~1], [1, ~2], [Leaf(), Leaf(), Leaf()]),
            });
        }
        return new StackedTrees([.. Enumerable.Range(0, inputs).Select(i => $"cue:c{i}")], made, random.NextDouble(), -1.5, 0.2);
    }

    [Fact]
    public void Eight_trees_a_step_and_two_ensembles_together_give_the_walks_exact_doubles()
    {
        var random = new Random(87);
        float[] values = [-1, 0, 0.25f, 0.5f, 1, 2.5f, 3];
        var rude = RandomDepthTwo(random, 19, 6);
        var overpromise = RandomDepthTwo(random, 13, 6);
        Assert.Equal(System.Runtime.Intrinsics.X86.Avx2.IsSupported, rude.EightAtOnce);
        for (var n = 0; n < 500; n++)
        {
            var x = Enumerable.Range(0, 6).Select(_ => values[random.Next(values.Length)]).ToArray();
            var walked = rude.ScoreOneByOne(x, complete: false);
            Assert.Equal(walked, rude.ScoreOneByOne(x, complete: true));
            Assert.Equal(walked, rude.Score(x));
            Assert.Equal((walked, overpromise.ScoreOneByOne(x, complete: false)), StackedTrees.ScoreTogether(rude, overpromise, x));
        }
    }

    [Fact]
    public void Two_stacks_on_the_same_inputs_scored_in_one_pass_give_each_ones_probability()
    {
        const int bits = 8;
        var random = new Random(18);
        var rudeStack = RandomDepthTwo(random, 21, 6);
        var overpromiseStack = RandomDepthTwo(random, 21, 6);
        var model = new LinearTextModel(bits, false,
            [new LinearOutput("rude", new float[1 << bits], 0, Stack: rudeStack), new LinearOutput("vague", new float[1 << bits], 0),
             new LinearOutput("overpromise", new float[1 << bits], 0, Stack: overpromiseStack)]);
        var tokens = rudeStack.Inputs.Select(name => TextFeatures.TokenSlot(name, bits)).Distinct().ToArray();
        Span<double> together = stackalloc double[3];
        for (var n = 0; n < 200; n++)
        {
            int[] slots = [.. tokens.Where(_ => random.Next(2) == 0).Order()];
            model.Probabilities([0, 0, 0], slots, together);
            Assert.Equal(model.Probability(0, [0, 0, 0], slots), together[0]);
            Assert.Equal(model.Probability(2, [0, 0, 0], slots), together[2]);
            var x = rudeStack.Inputs.Select(name => slots.Contains(TextFeatures.TokenSlot(name, bits)) ? 1f : 0f).ToArray();
            Assert.Equal(overpromiseStack.Probability(overpromiseStack.ScoreOneByOne(x, complete: false)), together[2]);
        }
    }
}
