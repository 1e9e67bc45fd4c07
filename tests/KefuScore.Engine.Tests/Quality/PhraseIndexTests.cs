using System.Runtime.InteropServices;
using KefuScore.Engine.Quality;

namespace KefuScore.Engine.Tests.Quality;

/// <summary>decisions.md §58: the words of all lexicon rules found in one pass give each rule the matches its own search gave.</summary>
public sealed class PhraseIndexTests
{
    private static readonly PhraseMatcher[] Matchers =
    [
        new(new InspectionRule { Id = "absolute_claim", Words = ["第一", "绝对", "ＴＯＰ"], Patterns = ["最."], Except = ["最近", "第一次", "最近"] }),
        new(new InspectionRule { Id = "rude", Words = ["不知道啊", "你自己看", "自己看", "看看"], Except = [] }),
        new(new InspectionRule { Id = "vague", Words = ["不知道", "知道"], Except = ["不知道您"] }),
    ];

    /// <summary>decisions.md §81: the first turn's yes/no is whether the matches are any.</summary>
    [Theory]
    [InlineData("第一次买？最近最低价，绝对第一")]
    [InlineData("第一次买")]
    [InlineData("最近")]
    [InlineData("不知道您说的是哪件")]
    [InlineData("ｔｏｐ的第一")]
    [InlineData("好的")]
    public void A_matcher_has_a_match_where_its_matches_are_some(string text)
    {
        foreach (var m in Matchers) Assert.Equal(m.Matches(text).Count > 0, m.HasMatch(text));
    }

    [Theory]
    [InlineData("第一次买？最近最低价，绝对第一")]
    [InlineData("不知道啊，你自己看看看")]
    [InlineData("不知道您说的是哪件，我不知道")]
    [InlineData("ｔｏｐ的第一")]
    [InlineData("好的")]
    public void Each_rule_gets_the_matches_of_its_own_search(string text)
    {
        var index = new PhraseIndex(Matchers);
        var folded = PhraseMatcher.Fold(text);
        var hits = new List<PhraseIndex.Hit>();
        index.Find(folded, hits);

        for (var k = 0; k < Matchers.Length; k++)
        {
            var words = hits.Where(h => h.Matcher == k && !h.Except).Select(h => (h.Start, h.End)).ToList();
            var excepts = hits.Where(h => h.Matcher == k && h.Except).Select(h => (h.Start, h.End)).ToList();
            Assert.Equal(Matchers[k].Matches(text, folded), Matchers[k].Matches(text, folded, CollectionsMarshal.AsSpan(words), CollectionsMarshal.AsSpan(excepts)));
        }
    }

    [Fact]
    public void Overlapping_occurrences_are_all_found()
    {
        var hits = new List<PhraseIndex.Hit>();
        new PhraseIndex(Matchers).Find("看看看", hits);

        Assert.Equal([new(1, 0, 2, false), new(1, 1, 3, false)], hits);
    }
}
