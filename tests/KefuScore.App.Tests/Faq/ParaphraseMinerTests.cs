using KefuScore.App.Faq;
using KefuScore.Tests;
using KefuScore.Engine.Events;

namespace KefuScore.App.Tests.Faq;

public sealed class ParaphraseMinerTests
{
    private static readonly IReadOnlyList<FaqEntry> Kb = FaqCsv.Parse("""
        question,answer,keywords
        下单后多久发货,亲，付款后48小时内发货，节假日顺延。,发货时间
        运费怎么算,亲，全店满99元包邮。,运费 包邮
        """, "kb.csv");

    [Theory]
    [InlineData("亲，付款后48小时内发货，节假日顺延。", 1.0)]
    [InlineData("亲，付款后48小时内发货，节假日顺延。还有其他问题随时找我哦～", 0.76)]
    [InlineData("您好，付款后48小时内发货的，节假日顺延", 0.814)]
    [InlineData("付款后48小时内发货", 0.775)]
    [InlineData("48小时内给您发出", 0.365)]
    [InlineData("亲，您的包裹已经发货了，单号稍后发您", 0.067)]
    [InlineData("亲，全店满99元包邮。", 0.0)]
    public void The_worked_example_of_the_threshold(string reply, double expected) =>
        Assert.Equal(expected, Math.Round(AnswerSimilarity.Cosine("亲，付款后48小时内发货，节假日顺延。", reply), 3));

    [Fact]
    public void A_question_answered_with_the_entrys_answer_becomes_a_candidate_of_that_entry()
    {
        var chat = Chat.On("2026-11-20")
            .Customer("10:00:00", "在吗")
            .Customer("10:00:05", "啥时候能寄出来呀", id: "q1")
            .Agent("10:00:40", "a1", "亲～付款后48小时内发货，节假日顺延哦", id: "r1");

        var found = ParaphraseMiner.Mine(chat.Events, Kb);

        var c = Assert.Single(found);
        Assert.Equal(("下单后多久发货", "啥时候能寄出来呀", "c1", "q1", "r1", "a1"), (c.Entry, c.Text, c.Conversation, c.Message, c.Reply, c.Agent));
        Assert.True(c.Similarity >= ParaphraseMiner.Threshold, $"similarity {c.Similarity}");
    }

    [Fact]
    public void A_question_answered_in_other_words_or_about_another_matter_gives_nothing()
    {
        var chat = Chat.On("2026-11-20")
            .Customer("10:00:05", "啥时候能寄出来呀")
            .Agent("10:00:40", "a1", "48小时内给您发出")
            .Customer("10:01:00", "我的快递到哪了")
            .Agent("10:01:30", "a1", "亲，您的包裹已经发货了，单号稍后发您");

        Assert.Empty(ParaphraseMiner.Mine(chat.Events, Kb));
    }

    [Fact]
    public void The_entrys_own_question_a_bare_greeting_and_an_auto_reply_give_nothing()
    {
        var chat = Chat.On("2026-11-20")
            .Customer("10:00:05", "下单后多久发货？")
            .Agent("10:00:40", "a1", "亲，付款后48小时内发货，节假日顺延。")
            .Customer("10:01:00", "在吗")
            .Agent("10:01:30", "a1", "亲，全店满99元包邮。");
        var auto = Chat.On("2026-11-20", conversation: "c2").Customer("23:00:00", "邮费谁出啊");
        var reply = new ChatEvent
        {
            Type = EventType.Message, Id = "auto1", Shop = "s1", At = auto.At("23:00:02"), Conversation = "c2", Sender = Sender.Bot,
            Kind = MessageKind.Auto, Text = "亲，全店满99元包邮。",
        };

        Assert.Empty(ParaphraseMiner.Mine([.. chat.Events, .. auto.Events, reply], Kb));
    }

    [Fact]
    public void A_wording_asked_twice_is_one_candidate_and_the_reply_goes_to_the_closest_answer()
    {
        var one = Chat.On("2026-11-20").Customer("10:00:00", "邮费谁出啊").Agent("10:00:30", "a1", "亲，全店满99元包邮的");
        var two = Chat.On("2026-11-21", conversation: "c2").Customer("11:00:00", "邮费谁出啊").Agent("11:00:30", "a2", "全店满99元包邮。");

        var found = ParaphraseMiner.Mine([.. two.Events, .. one.Events], Kb);

        var c = Assert.Single(found);
        Assert.Equal(("运费怎么算", "邮费谁出啊", "c1"), (c.Entry, c.Text, c.Conversation));
    }
}
