using KefuScore.Engine.Quality;

namespace KefuScore.Engine.Tests.Quality;

public sealed class ReviewSamplerTests
{
    /// <summary>a1: 4 conversations with findings (f1–f4) and 6 clean (k1–k6); a2: 1 with findings and 1 clean.</summary>
    private static readonly List<ReviewCandidate> Candidates =
    [
        .. Enumerable.Range(1, 4).Select(i => new ReviewCandidate("a1", $"f{i}", i)),
        .. Enumerable.Range(1, 6).Select(i => new ReviewCandidate("a1", $"k{i}", 0)),
        new("a2", "g1", 2),
        new("a2", "h1", 0),
    ];

    [Fact]
    public void Each_agent_gets_the_flagged_share_from_findings_and_the_rest_clean()
    {
        var picks = ReviewSampler.Draw(Candidates, perAgent: 5, flaggedShare: 0.6, seed: 7);

        var a1 = picks.Where(p => p.Agent == "a1").ToList();
        Assert.Equal(3, a1.Count(p => p.Stratum == "findings"));   // ceil(5 × 0.6)
        Assert.Equal(2, a1.Count(p => p.Stratum == "clean"));
        Assert.All(a1.Where(p => p.Stratum == "findings"), p => Assert.StartsWith("f", p.Conversation, StringComparison.Ordinal));
        Assert.All(a1.Where(p => p.Stratum == "clean"), p => Assert.StartsWith("k", p.Conversation, StringComparison.Ordinal));
        // a2 has only two conversations: both, whatever the share.
        Assert.Equal([("g1", "findings"), ("h1", "clean")], picks.Where(p => p.Agent == "a2").Select(p => (p.Conversation, p.Stratum)));
    }

    [Fact]
    public void A_short_stratum_is_made_up_from_the_other()
    {
        var picks = ReviewSampler.Draw(Candidates, perAgent: 9, flaggedShare: 0.2, seed: 7).Where(p => p.Agent == "a1").ToList();

        // Wanted 2 with findings and 7 clean; only 6 clean exist, so 3 with findings.
        Assert.Equal((3, 6), (picks.Count(p => p.Stratum == "findings"), picks.Count(p => p.Stratum == "clean")));
    }

    [Fact]
    public void The_same_seed_gives_the_same_sample_in_any_input_order_and_another_seed_another()
    {
        var a = ReviewSampler.Draw(Candidates, 4, 0.5, seed: 1);
        var b = ReviewSampler.Draw(Enumerable.Reverse(Candidates), 4, 0.5, seed: 1);
        var seeds = Enumerable.Range(1, 20).Select(s => string.Join(",", ReviewSampler.Draw(Candidates, 4, 0.5, s).Select(p => p.Conversation))).Distinct().Count();

        Assert.Equal(a, b);
        Assert.True(seeds > 1);
        Assert.Equal(ReviewSampler.Hash(3, "c1"), ReviewSampler.Hash(3, "c1"));
    }
}
