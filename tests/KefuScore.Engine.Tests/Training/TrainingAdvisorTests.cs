using KefuScore.Engine.Training;

namespace KefuScore.Engine.Tests.Training;

public sealed class TrainingAdvisorTests
{
    private static readonly TrainingCatalogue Catalogue = new(
        [new("etiquette", "客服礼仪", "Etiquette"), new("product_knowledge", "产品知识", "Product knowledge"), new("emotions", "情绪管理", "Handling emotions"), new("honesty", "诚实守信", "Honesty in selling")],
        new Dictionary<string, IReadOnlyList<string>> { ["absolute_claim"] = ["honesty", "product_knowledge"], ["rude"] = ["etiquette", "emotions"] },
        new Dictionary<string, IReadOnlyList<string>> { ["attitude"] = ["etiquette", "emotions"] });

    private static Dictionary<string, int> Counts(params (string, int)[] xs) => xs.ToDictionary(x => x.Item1, x => x.Item2);

    [Fact]
    public void An_agent_with_absolute_claims_is_pointed_to_honesty_and_product_knowledge()
    {
        var s = TrainingAdvisor.Suggest(Catalogue, "a1", Counts(("absolute_claim", 3)), Counts(), new HashSet<string>());

        Assert.Equal([("product_knowledge", "absolute_claim ×3"), ("honesty", "absolute_claim ×3")], s.Select(x => (x.Course.Id, string.Join("; ", x.Because))));
    }

    [Fact]
    public void Findings_and_complaints_pointing_to_one_course_are_both_reasons_and_a_done_course_is_left_out()
    {
        var s = TrainingAdvisor.Suggest(Catalogue, "a2", Counts(("rude", 1), ("vague", 4)), Counts(("attitude", 2)), new HashSet<string> { "emotions" });

        var etiquette = Assert.Single(s);
        Assert.Equal("etiquette", etiquette.Course.Id);
        Assert.Equal(["rude ×1", "complaint:attitude ×2"], etiquette.Because);
    }

    [Fact]
    public void No_findings_no_suggestions()
    {
        Assert.Empty(TrainingAdvisor.Suggest(Catalogue, "a3", Counts(("rude", 0)), Counts(), new HashSet<string>()));
    }
}
