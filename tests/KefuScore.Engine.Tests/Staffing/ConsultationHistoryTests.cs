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
        // An agent holds c1 from its first reply to its last, 10:11:15–10:14:00 (165 s), and c2 for its one reply at
        // 10:22:00 (0 s; the auto-reply is not a reply); each plus one reply's writing time (the follow-up median, 60 s).
        Assert.Equal((165 + 60 + 0 + 60) / 2.0, history.MeanHandleSeconds, 9);
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
        // One reply each: held 0 s plus the default 30 s of writing, whatever the wait before it.
        Assert.Equal(30, history.MeanHandleSeconds, 9);
        Assert.Null(history.FollowUpReplySeconds);
    }

    [Fact]
    public void A_night_wait_is_not_handle_time()
    {
        // Issue 16: a message at 23:00 answered at 09:00 counted ten hours of handling and asked 11–15 agents for a
        // few consultations per quarter hour. The agent holds it 09:00:00–09:04:00 (240 s) plus 30 s of writing.
        var chat = Chat.On("2026-11-20").Customer("23:00:00").Then("2026-11-21").Agent("09:00:00").Agent("09:04:00");

        var history = ConsultationHistory.From(chat.Events, Run.Shanghai);

        Assert.Equal(270, history.MeanHandleSeconds, 9);
    }

    [Fact]
    public void Concurrency_is_what_agents_held_at_once_in_the_data()
    {
        // a1 takes c1 at 10:00 (held to 10:20), c2 at 10:05 (to 10:15) and c3 at 10:10 (to 10:12): 1, 2, 3 held when
        // each was taken; then c4 at 11:00 alone (1). a2 holds one at a time (1, 1). Counts 1,1,1,1,2,3: the 90th
        // percentile is 3.
        var chats = new[]
        {
            Chat.On("2026-11-20", conversation: "c1").Customer("10:00:00").Agent("10:00:00").Agent("10:20:00"),
            Chat.On("2026-11-20", conversation: "c2").Customer("10:05:00").Agent("10:05:00").Agent("10:15:00"),
            Chat.On("2026-11-20", conversation: "c3").Customer("10:10:00").Agent("10:10:00").Agent("10:12:00"),
            Chat.On("2026-11-20", conversation: "c4").Customer("11:00:00").Agent("11:00:00"),
            Chat.On("2026-11-20", conversation: "c5").Customer("10:00:00").Agent("10:00:00", agent: "a2").Agent("10:10:00", agent: "a2"),
            Chat.On("2026-11-20", conversation: "c6").Customer("10:30:00").Agent("10:30:00", agent: "a2"),
        };

        var history = ConsultationHistory.From(chats.SelectMany(c => c.Events), Run.Shanghai);

        Assert.Equal(3, history.ObservedConcurrency);
    }

    [Fact]
    public void Without_agent_ids_concurrency_is_one()
    {
        var history = ConsultationHistory.From(Chat.On("2026-11-20").Customer("10:00:00").Events, Run.Shanghai);

        Assert.Equal(1, history.ObservedConcurrency);
    }
}
