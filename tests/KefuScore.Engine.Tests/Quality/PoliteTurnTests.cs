using KefuScore.Engine.Quality;

namespace KefuScore.Engine.Tests.Quality;

/// <summary>
/// Issue 18's context rule, on literal messages: the polite address is judged on the agent's whole first turn, and a
/// short factual answer inside an ongoing exchange is not a violation; and how a model and the word lists combine.
/// </summary>
public sealed class PoliteTurnTests
{
    private static readonly InspectionRules Rules = new()
    {
        Rules =
        [
            new InspectionRule { Id = RuleIds.NoPoliteAddress, Weight = 1, Words = ["您", "亲"] },
            new InspectionRule { Id = RuleIds.AbsoluteClaim, Weight = 5, Words = ["第一"] },
            new InspectionRule { Id = RuleIds.Rude, Weight = 5, Words = ["爱买不买"] },
        ],
    };

    private static IReadOnlyList<Finding> Inspect(Chat chat, LinearTextModel? model = null) => new Inspector(Rules, model).InspectConversation(chat.Events);

    [Fact]
    public void A_quick_second_message_with_a_polite_address_makes_the_first_turn_polite()
    {
        var chat = Chat.On("2026-11-20").Customer("10:00:00", "在吗").Agent("10:00:05", "a1", "在").Agent("10:00:09", "a1", "亲，请问有什么可以帮您");
        Assert.Empty(Inspect(chat));
    }

    [Fact]
    public void A_message_after_the_window_or_after_the_customer_wrote_again_is_not_part_of_the_first_turn()
    {
        var late = Chat.On("2026-11-20").Customer("10:00:00", "在吗").Agent("10:00:05", "a1", "在", id: "m1").Agent("10:01:06", "a1", "亲，请问要看哪款");
        Assert.Equal(("m1", "在"), Assert.Single(Inspect(late)) is var f ? (f.Message, f.Evidence) : default);

        var interrupted = Chat.On("2026-11-20").Customer("10:00:00", "在吗").Agent("10:00:05", "a1", "在", id: "m1").Customer("10:00:07", "有货吗").Agent("10:00:09", "a1", "亲，有的");
        Assert.Equal("m1", Assert.Single(Inspect(interrupted)).Message);
    }

    [Fact]
    public void The_window_is_inclusive_sixty_seconds_by_default()
    {
        var chat = Chat.On("2026-11-20").Customer("10:00:00", "在吗").Agent("10:00:05", "a1", "在").Agent("10:01:05", "a1", "您好，请讲");
        Assert.Empty(Inspect(chat));
    }

    [Theory]
    [InlineData("在")]
    [InlineData("有")]
    [InlineData("不能")]
    [InlineData("明天发。")]
    public void A_short_factual_answer_after_a_welcome_message_is_not_a_violation(string answer)
    {
        var chat = Chat.On("2026-11-20").Welcome("10:00:00").Customer("10:00:10", "这个有货吗").Agent("10:00:20", "a1", answer);
        Assert.Empty(Inspect(chat));
    }

    [Fact]
    public void The_same_short_answer_opening_a_new_conversation_is_still_a_violation()
    {
        var chat = Chat.On("2026-11-20").Customer("10:00:10", "这个有货吗").Agent("10:00:20", "a1", "有", id: "m2");
        var f = Assert.Single(Inspect(chat));
        Assert.Equal((RuleIds.NoPoliteAddress, "m2", "有"), (f.Rule, f.Message, f.Evidence));
    }

    [Fact]
    public void After_a_bot_or_another_agent_the_exchange_is_ongoing_but_a_long_curt_answer_is_still_a_violation()
    {
        var afterBot = Chat.On("2026-11-20").Customer("10:00:00", "能包邮吗").Bot("10:00:01").Agent("10:00:30", "a1", "不能");
        Assert.Empty(Inspect(afterBot));

        var transferred = Chat.On("2026-11-20").Customer("10:00:00", "在吗").Agent("10:00:05", "a1", "亲，在的")
            .Agent("10:02:00", "a2", "你要哪个颜色直接拍就完了", id: "m3");
        var f = Assert.Single(Inspect(transferred));
        Assert.Equal(("a2", "m3"), (f.Agent, f.Message));
    }

    [Fact]
    public void A_model_decides_rude_but_the_advertising_law_list_always_finds_an_absolute_claim()
    {
        // A model that never finds either: 爱买不买 is then no finding, 第一 still is.
        var silent = Model(-10, (RuleIds.Rude, [], 0), (RuleIds.AbsoluteClaim, [], 0));
        var chat = Chat.On("2026-11-20").Customer("10:00:00", "在吗").Agent("10:00:05", "a1", "亲，在的")
            .Agent("10:00:20", "a1", "爱买不买", id: "rude").Agent("10:00:40", "a1", "销量第一", id: "claim");
        Assert.Equal([(RuleIds.AbsoluteClaim, "claim")], Inspect(chat, silent).Select(f => (f.Rule, f.Message)));
    }

    [Fact]
    public void A_model_finds_a_wording_the_list_does_not_hold_and_names_the_n_grams_that_decided_it()
    {
        var model = Model(-3, (RuleIds.Rude, ["拉倒"], 6));
        var chat = Chat.On("2026-11-20").Customer("10:00:00", "在吗").Agent("10:00:05", "a1", "亲，在的").Agent("10:00:20", "a1", "不买拉倒", id: "m");
        var f = Assert.Single(Inspect(chat, model));
        Assert.Equal((RuleIds.Rude, "m"), (f.Rule, f.Message));
        Assert.Equal("模型 model 0.95: 拉倒", f.Evidence); // 1 / (1 + e^-(6 - 3))
    }

    [Fact]
    public void A_model_that_finds_a_turn_polite_spares_it_and_one_that_does_not_leaves_the_finding()
    {
        var chat = Chat.On("2026-11-20").Customer("10:00:00", "在吗").Agent("10:00:05", "a1", "哈喽～欢迎光临");
        Assert.Empty(Inspect(chat, Model(-3, (RuleIds.NoPoliteAddress, ["哈喽", "欢迎"], -5))));
        Assert.Single(Inspect(chat, Model(3, (RuleIds.NoPoliteAddress, [], 0))));
    }

    /// <summary>A hand-made model: each output's bias and one weight on each named n-gram.</summary>
    private static LinearTextModel Model(float bias, params (string Rule, string[] Grams, float Weight)[] outputs)
    {
        const int bits = 12;
        return new LinearTextModel(bits, false, [.. outputs.Select(o =>
        {
            var w = new float[1 << bits];
            foreach (var g in o.Grams) w[TextFeatures.Slot(g, bits)] = o.Weight;
            return new LinearOutput(o.Rule, w, bias);
        })]);
    }
}
