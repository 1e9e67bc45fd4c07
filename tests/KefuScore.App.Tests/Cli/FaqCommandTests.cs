using System.Text.Json;
using KefuScore.App.Tests.Faq;

namespace KefuScore.App.Tests.Cli;

public sealed class FaqCommandTests
{
    private static readonly string Kb = Path.Combine(FaqMatcherTests.Data, "faq.csv");

    [Fact]
    public void Ask_prints_the_best_entries_as_JSON()
    {
        var (exit, stdout, _) = KefuCli.Run("faq", "--kb", Kb, "--ask", "能给我开个票吗", "--top", "2");

        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(0, exit);
        Assert.Equal("能给我开个票吗", json.GetProperty("question").GetString());
        Assert.Equal(2, json.GetProperty("matches").GetArrayLength());
        Assert.Equal("可以开发票吗", json.GetProperty("matches")[0].GetProperty("question").GetString());
        Assert.Equal(14, json.GetProperty("matches")[0].GetProperty("line").GetInt32());
    }

    [Fact]
    public void Test_prints_the_top1_accuracy_and_the_misses()
    {
        var (exit, stdout, _) = KefuCli.Run("faq", "--kb", Kb, "--test", Path.Combine(FaqMatcherTests.Data, "paraphrases.tsv"));

        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(0, exit);
        Assert.Equal(113, json.GetProperty("cases").GetInt32());
        Assert.Equal(json.GetProperty("cases").GetInt32() - json.GetProperty("correct").GetInt32(), json.GetProperty("missed").GetArrayLength());
        Assert.True(json.GetProperty("top1").GetDouble() >= 0.72);
    }

    [Fact]
    public void A_bad_knowledge_base_or_missing_question_is_a_usage_error()
    {
        var bad = Path.Combine(Path.GetTempPath(), $"kefu-faq-{Guid.NewGuid():N}.csv");
        File.WriteAllText(bad, "question,answer\n发货,\n");
        try
        {
            var (exit, _, stderr) = KefuCli.Run("faq", "--kb", bad, "--ask", "发货");
            var (neither, _, err2) = KefuCli.Run("faq", "--kb", Kb);

            Assert.Equal(2, exit);
            Assert.Equal($"kefu: {bad}: line 2, answer: is empty", stderr.Trim());
            Assert.Equal(2, neither);
            Assert.Equal("kefu: give either --ask \"question\" or --test FILE", err2.Trim());
        }
        finally
        {
            File.Delete(bad);
        }
    }
}
