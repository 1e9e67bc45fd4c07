using KefuScore.Engine.Events;
using KefuScore.Engine.Quality;

namespace KefuScore.Engine.Tests.Quality;

/// <summary>The mechanics of inspection on small literal rule sets; the shipped word lists are tested in KefuScore.App.Tests.</summary>
public sealed class InspectorTests
{
    private static readonly InspectionRules Rules = new()
    {
        Rules =
        [
            new InspectionRule { Id = RuleIds.NoPoliteAddress, Weight = 1, Words = ["您", "亲"] },
            new InspectionRule { Id = RuleIds.AbsoluteClaim, Weight = 5, Words = ["第一"], Patterns = ["最\\p{IsCJKUnifiedIdeographs}", "100\\s*%"], Except = ["最近", "第一次"] },
            new InspectionRule { Id = RuleIds.Rude, Weight = 5, Words = ["爱买不买"] },
            new InspectionRule { Id = RuleIds.Vague, Weight = 2, Words = ["不知道"], Except = ["不知道您"], Within = TimeSpan.FromSeconds(120) },
            new InspectionRule { Id = RuleIds.LongSilence, Weight = 2, Within = TimeSpan.FromSeconds(300) },
        ],
    };

    private static IReadOnlyList<Finding> Inspect(Chat chat) => new Inspector(Rules).InspectConversation(chat.Events);

    [Fact]
    public void An_except_phrase_covering_the_start_of_a_match_drops_it_and_the_search_resumes_one_character_later()
    {
        var m = new PhraseMatcher(Rules.Find(RuleIds.AbsoluteClaim)!);
        Assert.Empty(m.Matches("最近很忙,第一次买吗"));
        Assert.Equal(["最低"], m.Matches("最近最低价"));
        Assert.Equal(["第一"], m.Matches("销量第一"));
    }

    [Fact]
    public void Full_width_digits_are_folded_but_the_evidence_is_the_original_text()
    {
        var m = new PhraseMatcher(Rules.Find(RuleIds.AbsoluteClaim)!);
        Assert.Equal(["１００％"], m.Matches("保证１００％正品"));
        Assert.Equal(["100 %"], m.Matches("100 %有效"));
    }

    [Fact]
    public void Only_each_agents_first_text_message_must_address_the_customer_politely()
    {
        var chat = Chat.On("2026-11-20")
            .Customer("10:00:00", "在吗")
            .Agent("10:00:20", "a1", "在的", id: "m2")
            .Agent("10:00:30", "a1", "在的在的")
            .Agent("10:01:00", "a2", "亲,我来为您处理");
        var f = Assert.Single(Inspect(chat));
        Assert.Equal((RuleIds.NoPoliteAddress, "m2", "a1", "在的"), (f.Rule, f.Message, f.Agent, f.Evidence));
    }

    [Fact]
    public void Bots_and_auto_replies_are_not_inspected()
    {
        var chat = Chat.On("2026-11-20").Customer("10:00:00").Bot("10:00:01").AutoReply("10:00:02");
        Assert.Empty(Inspect(chat));
    }

    [Fact]
    public void A_vague_answer_with_a_follow_up_within_the_window_is_fine_and_without_one_is_a_finding()
    {
        var followed = Chat.On("2026-11-20", conversation: "c1").Customer("10:00:00", "什么时候发货")
            .Agent("10:00:10", text: "您好,不知道呢").Agent("10:02:10", text: "亲,查到了,明天发");
        Assert.Empty(Inspect(followed));

        var late = Chat.On("2026-11-20", conversation: "c2").Customer("10:00:00", "什么时候发货")
            .Agent("10:00:10", text: "您好,不知道呢", id: "v1").Agent("10:02:11", text: "亲,查到了,明天发");
        var f = Assert.Single(Inspect(late));
        Assert.Equal((RuleIds.Vague, "v1", "不知道"), (f.Rule, f.Message, f.Evidence));
    }

    [Fact]
    public void Polite_doubt_is_not_vague()
    {
        var chat = Chat.On("2026-11-20").Customer("10:00:00").Agent("10:00:10", text: "不知道您要哪个颜色呢?");
        Assert.Empty(Inspect(chat));
    }

    [Fact]
    public void Long_silence_is_a_wait_over_the_limit_after_an_agent_took_the_conversation()
    {
        var chat = Chat.On("2026-11-20")
            .Customer("09:50:00", "在吗")                       // before any agent: a first-reply matter, not a silence
            .Agent("10:00:00", text: "您好")
            .Customer("10:01:00", "多久发货", id: "w1")
            .Customer("10:03:00", "人呢")
            .Bot("10:04:00")                                    // bots do not end the wait
            .Agent("10:06:01", text: "亲,明天发")                 // 301 s after w1
            .Customer("10:07:00", "好")
            .Agent("10:12:00", text: "亲,还有问题吗");              // exactly 300 s: within
        var f = Assert.Single(Inspect(chat));
        Assert.Equal((RuleIds.LongSilence, "w1", "a1", "waited 301 s for a reply (limit 300 s)"), (f.Rule, f.Message, f.Agent, f.Evidence));
    }

    [Fact]
    public void An_unanswered_wait_counts_only_while_the_customer_is_still_writing()
    {
        var left = Chat.On("2026-11-20", conversation: "c1").Customer("10:00:00").Agent("10:00:10", text: "您好").Customer("10:01:00", "谢谢");
        Assert.Empty(Inspect(left));

        var chasing = Chat.On("2026-11-20", conversation: "c2").Customer("10:00:00").Agent("10:00:10", text: "您好")
            .Customer("10:01:00", "还在吗", id: "w1").Customer("10:07:00", "???");
        var f = Assert.Single(Inspect(chasing));
        Assert.Equal(("w1", "a1"), (f.Message, f.Agent));
        Assert.StartsWith("no reply; the customer was still writing 360 s", f.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void A_silence_goes_to_the_agent_the_conversation_was_transferred_to()
    {
        var chat = Chat.On("2026-11-20").Customer("10:00:00").Agent("10:00:10", "a1", "您好")
            .Session("10:00:20", "transferred", "a2").Customer("10:01:00", "换人了吗", id: "w1").Agent("10:08:00", "a2", "亲,我在");
        var f = Assert.Single(Inspect(chat));
        Assert.Equal(("w1", "a2"), (f.Message, f.Agent));
    }

    [Fact]
    public void Scores_cost_each_finding_its_weight_per_100_messages_and_floor_at_zero()
    {
        var events = new List<ChatEvent>();
        var c1 = Chat.On("2026-11-20", conversation: "c1").Customer("10:00:00");
        for (var i = 0; i < 10; i++) c1.Agent($"10:00:{10 + i}", "a1", i == 0 ? "您好,这是最好的" : "好的");
        var c2 = Chat.On("2026-11-20", conversation: "c2").Customer("11:00:00").Agent("11:00:10", "a2", "爱买不买");
        events.AddRange(c1.Events);
        events.AddRange(c2.Events);
        events.Add(c1.Events[1]); // a duplicate id is ignored

        var inspection = new Inspector(Rules).Inspect(events);
        var a1 = inspection.Agents["a1"];
        Assert.Equal((10, 1, 5.0), (a1.Messages, a1.Findings, a1.Penalty));
        Assert.Equal(50.0, a1.Score);                               // 100 − 5 × 100 / 10
        var a2 = inspection.Agents["a2"];
        Assert.Equal((1, 2, 0.0), (a2.Messages, a2.Findings, a2.Score)); // no_polite_address 1 + rude 5 → 600 per 100: floored
        Assert.Equal(["c1", "c2"], inspection.Conversations.Select(c => c.Conversation));
        Assert.Equal(["absolute_claim", "no_polite_address", "rude"], inspection.Findings.Select(f => f.Rule));
    }

    [Fact]
    public void A_disabled_rule_finds_nothing()
    {
        var rules = Rules with { Rules = [.. Rules.Rules.Select(r => r with { Enabled = r.Id != RuleIds.NoPoliteAddress })] };
        var chat = Chat.On("2026-11-20").Customer("10:00:00").Agent("10:00:10", text: "在的");
        Assert.Empty(new Inspector(rules).InspectConversation(chat.Events));
    }
}
