using KefuScore.Engine.Quality;

namespace KefuScore.Engine.Tests.Quality;

/// <summary>Issue 18's speed work changes how features are computed, not what they are; and threads do not change findings.</summary>
public sealed class FastFeaturesTests
{
    [Theory]
    [InlineData("你自己看")]
    [InlineData("  全网最低　ＴＯＰ１ 哦  ")]
    [InlineData("在")]
    public void Slots_in_one_pass_are_the_slots_of_each_n_gram_and_token(string text)
    {
        // What the slots are by definition: each 1- to 3-gram of ^folded$ (a lone mark excluded) and each #token, hashed.
        var expected = TextFeatures.Grams(text).Select(g => TextFeatures.Slot(g, 18))
            .Append(TextFeatures.Slot("#cue:blame", 18)).Append(TextFeatures.Slot("#lex:rude", 18)).Distinct().Order().ToArray();

        Assert.Equal(expected, TextFeatures.Slots(text, 18, ["cue:blame", "lex:rude"]));
        Assert.Equal(expected, TextFeatures.Slots(text, 18, [TextFeatures.TokenSlot("cue:blame", 18), TextFeatures.TokenSlot("lex:rude", 18)]));
    }

    [Fact]
    public void One_thread_or_several_give_the_same_inspection()
    {
        var rules = new InspectionRules { Rules = [new InspectionRule { Id = RuleIds.Rude, Weight = 5, Words = ["爱买不买"] }, new InspectionRule { Id = RuleIds.NoPoliteAddress, Weight = 1, Words = ["您", "亲"] }] };
        // 40 shops of one conversation each (a chat's ids repeat, so each is its own shop): even ones rude and curt.
        var events = Enumerable.Range(0, 40).SelectMany(i => Chat.On("2026-11-20", shop: $"s{i}").Customer("10:00:00", "在吗")
            .Agent("10:00:05", $"a{i % 3}", i % 2 == 0 ? "爱买不买" : "亲，在的").Events).ToList();
        var inspector = new Inspector(rules);

        var one = inspector.Inspect(events, 1);
        var many = inspector.Inspect(events, 4);

        // A finding's reason holds its arguments in an array (compared by reference): compare what it says.
        static object Said(Finding f) => (f.Shop, f.Conversation, f.Message, f.Agent, f.Rule, f.Evidence);
        Assert.Equal(one.Findings.Select(Said), many.Findings.Select(Said));
        Assert.Equal(one.Agents, many.Agents);
        Assert.Equal(one.Conversations, many.Conversations);
        Assert.Equal((20, 20), (one.Findings.Count(f => f.Rule == RuleIds.Rude), one.Findings.Count(f => f.Rule == RuleIds.NoPoliteAddress)));
    }

    [Theory]
    [InlineData(5, 1 << 18)]     // few: Span.Sort
    [InlineData(30, 1 << 18)]    // a message's slots: the counting passes
    [InlineData(300, 1 << 8)]    // many repeats
    [InlineData(1000, 1 << 24)]  // slots of 24 bits
    [InlineData(100, int.MaxValue)]
    [InlineData(3000, 1 << 18)]  // too many for the stack: Span.Sort
    public void Distinct_slots_are_the_sorted_set_whichever_sort_runs(int count, int below)
    {
        var random = new Random(count);
        for (var round = 0; round < 20; round++)
        {
            var slots = Enumerable.Range(0, count).Select(_ => random.Next(below)).ToArray();
            if (round == 1) slots[count / 2] = -7; // a negative value: Span.Sort
            var expected = slots.Distinct().Order().ToArray();
            var unique = TextFeatures.Distinct(slots);
            Assert.Equal(expected, slots[..unique]);
        }
    }
}
