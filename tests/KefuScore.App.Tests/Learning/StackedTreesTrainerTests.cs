using KefuScore.App.Learning;
using KefuScore.App.Quality;
using KefuScore.App.Tests.Cli;
using KefuScore.App.Tests.Quality;
using KefuScore.Engine.Quality;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace KefuScore.App.Tests.Learning;

/// <summary>Trees trained by ML.NET FastTree, copied into the engine's arrays and a model file (decisions.md §87).</summary>
public sealed class StackedTreesTrainerTests
{
    // Two numbers and a flag; class 1 when the first is high, or the flag is set and the second is high: a shape one
    // linear threshold cannot draw.
    private static List<(float[] X, int Class)> Rows()
    {
        var random = new Random(7);
        var rows = new List<(float[] X, int Class)>();
        for (var i = 0; i < 400; i++)
        {
            float a = (float)(random.NextDouble() * 4 - 2), b = (float)(random.NextDouble() * 4 - 2), flag = random.Next(2);
            rows.Add(([a, b, flag], a > 1 || (flag == 1 && b > 0.5) ? 1 : 0));
        }
        return rows;
    }

    // 4 leaves: complete trees of depth ≤ 3; 64 leaves (10 a leaf at least): deeper than StackedTrees.CompleteDepth, walked.
    [Theory]
    [InlineData(4, 20)]
    [InlineData(64, 2)]
    public void The_engines_arrays_score_what_mlnet_scores(int leaves, int minimumLeaf)
    {
        var rows = Rows();
        var (trees, model, data, _) = StackedTreesTrainer.Fit(["score:rude", "score:vague", "cue:blame"], rows, new TreeOptions(30, leaves, MinimumLeaf: minimumLeaf));
        Assert.Equal(30, trees.Trees.Count);
        Assert.Equal(leaves == 4, trees.Complete);
        var scored = model.Transform(data);
        var scores = scored.GetColumn<float>("Score").ToArray();
        var probabilities = scored.GetColumn<float>("Probability").ToArray();
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(scores[i], trees.Score(rows[i].X), 4);
            Assert.Equal(probabilities[i], trees.Probability(trees.Score(rows[i].X)), 4);
        }
        // And the trees learnt the shape: most rows on the right side of 0.5.
        Assert.True(rows.Count(r => trees.Probability(trees.Score(r.X)) >= 0.5 == (r.Class == 1)) >= 0.95 * rows.Count);
    }

    [Fact]
    public void Stacked_trees_are_the_same_after_a_model_file()
    {
        var messages = LabelledMessages.Load(Path.Combine(InspectionEvaluationTests.Data, "inspection", "dev.jsonl"));
        var training = InspectionTrainer.Train(InspectionLoader.BuiltIn(), messages, trees: new TreeOptions(20));
        var model = training.Model;
        Assert.Equal(InspectionTrainer.StackedRules, model.Outputs.Where(o => o.Stack is not null).Select(o => o.Label));
        using var stream = new MemoryStream();
        TextModelFile.Write(stream, InspectionTrainer.Kind, model);
        stream.Position = 0;
        var back = TextModelFile.Read(stream, "memory", InspectionTrainer.Kind);
        for (var k = 0; k < model.Outputs.Count; k++)
        {
            Assert.Equal(model.Outputs[k].Threshold, back.Outputs[k].Threshold, 4);
            if (model.Outputs[k].Stack is not { } stack) continue;
            var read = back.Outputs[k].Stack!;
            Assert.Equal(stack.Inputs, read.Inputs);
            Assert.Equal(stack.Trees.SelectMany(t => t.Threshold), read.Trees.SelectMany(t => t.Threshold));
            Assert.Equal(stack.Trees.SelectMany(t => t.Leaves), read.Trees.SelectMany(t => t.Leaves));
        }
        // The file rounds the linear weights to 5 places; the stacked probabilities move by no more than that allows.
        foreach (var m in messages.Take(300))
            foreach (var text in m.Messages)
            {
                var slots = model.Slots(text);
                var before = model.Probabilities(slots);
                var after = back.Probabilities(slots);
                for (var k = 0; k < before.Length; k++) Assert.Equal(before[k], after[k], 2);
            }
    }

    [Fact]
    public void A_model_file_with_trees_that_cannot_be_walked_is_refused_naming_the_field()
    {
        var rude = new LinearOutput("rude", new float[256], 0, Stack: new StackedTrees(["score:rude"],
            [new RegressionTree(1, [0], [0.5f], [~0], [~1], [-1, 1])], 0, -1, 0));
        using var stream = new MemoryStream();
        TextModelFile.Write(stream, InspectionTrainer.Kind, new LinearTextModel(8, false, [rude]));
        var json = System.Text.Encoding.UTF8.GetString(stream.ToArray()).Replace("\"feature\":[0]", "\"feature\":[3]", StringComparison.Ordinal);
        var e = Assert.Throws<TextModelException>(() => TextModelFile.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)), "m.json", InspectionTrainer.Kind));
        Assert.Equal("m.json: outputs[0].stack.trees[0].feature[0]: 3 is not an input (0 to 0)", e.Message);
        json = json.Replace("\"feature\":[3]", "\"feature\":[\"x\"]", StringComparison.Ordinal);
        e = Assert.Throws<TextModelException>(() => TextModelFile.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)), "m.json", InspectionTrainer.Kind));
        Assert.Equal("m.json: outputs[0].stack.trees[0].feature[0]: expected a number", e.Message);
    }

    [Fact]
    public void Train_with_trees_writes_them_and_refuses_bad_options()
    {
        var labels = Path.Combine(InspectionEvaluationTests.Data, "inspection", "dev.jsonl");
        var (exit, _, stderr) = KefuCli.Run("inspect", "train", "--labels", labels, "--trees", "5000", "--out", "x.json");
        Assert.Equal(2, exit);
        Assert.Contains("--trees: must be from 0 to 2000", stderr);
        (exit, _, stderr) = KefuCli.Run("inspect", "train", "--labels", labels, "--trees", "10", "--tree-leaves", "1", "--out", "x.json");
        Assert.Equal(2, exit);
        Assert.Contains("--tree-leaves: must be from 2 to 128", stderr);
        var model = Path.Combine(Path.GetTempPath(), $"kefu-model-{Guid.NewGuid():N}.json");
        try
        {
            (exit, _, _) = KefuCli.Run("inspect", "train", "--labels", labels, "--trees", "10", "--tree-leaves", "4", "--out", model);
            Assert.Equal(0, exit);
            var read = TextModelFile.Load(model, InspectionTrainer.Kind);
            Assert.Equal(10, read.Find(RuleIds.Rude)!.Stack!.Trees.Count);
            Assert.All(read.Find(RuleIds.Rude)!.Stack!.Trees, t => Assert.True(t.Leaves.Length <= 4));
            Assert.Null(read.Find(RuleIds.Vague)!.Stack);
        }
        finally
        {
            File.Delete(model);
        }
    }
}
