using KefuScore.Engine.Staffing;
using KefuScore.Tests;

namespace KefuScore.Engine.Tests.Staffing;

public sealed class ConsultationHistoryTests
{
    [Fact]
    public void Counts_each_conversation_once_at_its_first_customer_message_and_measures_handling()
    {
        // c1 starts 10:10:15 (interval 40), two follow-ups; c2 starts 10:20:00 (interval 41); c3 is agent-only.
        var c1 = Chat.On("2026-11-20", conversation: "c1").Customer("10:10:15").Agent("10:11:15").Customer("10:13:00").Customer("10:13:30").Agent("10:14:00");
        var c2 = Chat.On("2026-11-20", conversation: "c2").Customer("10:20:00").AutoReply("10:20:01").Agent("10:22:00");
        var c3 = Chat.On("2026-11-20", conversation: "c3").Agent("11:00:00");
        var events = c1.Events.Concat(c2.Events).Concat(c3.Events).Reverse(); // order does not matter

        var history = ConsultationHistory.From(events, Run.Shanghai);

        var day = history.Days[new DateOnly(2026, 11, 20)];
        Assert.Equal(1, day[40]);
        Assert.Equal(1, day[41]);
        Assert.Equal(2, day.Sum());
        Assert.Equal(2, history.AnsweredConversations);
        // c1 holds a slot 10:10:15–10:14:00 (225 s), c2 10:20:00–10:22:00 (120 s; the auto-reply is not a reply).
        Assert.Equal(172.5, history.MeanHandleSeconds, 9);
        Assert.Equal(2.0, history.MessagesPerConsultation, 9); // 4 customer messages in 2 consultations
        // The one follow-up wait: 10:13:00 → 10:14:00.
        Assert.Equal(60, history.FollowUpReplySeconds);
    }

    [Fact]
    public void A_return_after_more_than_30_minutes_of_silence_is_a_new_consultation()
    {
        // The same conversation id: 10:00 answered 10:02; the customer comes back at 10:40 (38 minutes later) and
        // again on the next day; each return waits for an agent again.
        var chat = Chat.On("2026-11-20").Customer("10:00:00").Agent("10:02:00").Customer("10:40:00").Agent("10:41:00")
            .Then("2026-11-21").Customer("09:00:00").Agent("09:03:00");

        var history = ConsultationHistory.From(chat.Events, Run.Shanghai);

        Assert.Equal(1, history.Days[new DateOnly(2026, 11, 20)][40]); // 10:00
        Assert.Equal(1, history.Days[new DateOnly(2026, 11, 20)][42]); // 10:40
        Assert.Equal(1, history.Days[new DateOnly(2026, 11, 21)][36]); // 09:00
        Assert.Equal(3, history.AnsweredConversations);
        Assert.Equal((120 + 60 + 180) / 3.0, history.MeanHandleSeconds, 9);
        Assert.Null(history.FollowUpReplySeconds);
    }
}
