using KefuScore.App.Reading;
using KefuScore.App.Reading.Mapping;
using KefuScore.Engine.Events;

namespace KefuScore.App.Tests.Reading.Mapping;

/// <summary>Conversations rebuilt from reply links, in the shape of the twcs export (see docs/examples/twcs-mapping.yaml).</summary>
public sealed class ThreadRebuildTests : IDisposable
{
    private const string Header = ",tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n";

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ImportMapping Twcs => ImportMapping.Load(Path.Combine(Repo.Root, "docs", "examples", "twcs-mapping.yaml"));

    private (List<ChatEvent> Events, List<RejectedLine> Rejected) Read(string rows) =>
        Reads.All(EventFiles.Read(_dir.WriteText("t.csv", Header + rows), Twcs));

    [Fact]
    public void Replies_before_the_tweets_they_answer_join_one_thread_whose_shop_is_the_first_agent()
    {
        var (events, rejected) = Read("""
            0,3,Acme,False,Tue Oct 31 22:10:00 +0000 2017,@u1 sorry!,,2.0
            1,4,OtherCo,False,Tue Oct 31 22:20:00 +0000 2017,@u1 us too,,2.0
            2,2,u1,True,Tue Oct 31 22:05:00 +0000 2017,@Acme still broken,"3,4",1.0
            3,1,u1,True,Tue Oct 31 22:00:00 +0000 2017,@Acme broken,2,
            """);

        Assert.Empty(rejected);
        Assert.All(events, e => Assert.Equal(("1", "Acme"), (e.Conversation, e.Shop)));
        Assert.Equal(Sender.Agent, events.Single(e => e.Id == "4").Sender);
        Assert.Equal("OtherCo", events.Single(e => e.Id == "4").Agent);
        Assert.Equal("u1", events.Single(e => e.Id == "1").Customer);
        Assert.Equal(Reads.Time("2017-10-31T22:00:00Z"), events.Single(e => e.Id == "1").At);
    }

    [Fact]
    public void Links_outside_the_file_name_the_thread_after_the_missing_tweet_and_join_its_answers()
    {
        var (events, _) = Read("""
            0,11,u2,True,Tue Oct 31 10:00:00 +0000 2017,@Acme me too,,10.0
            1,12,Acme,False,Tue Oct 31 10:05:00 +0000 2017,@u2 on it,99,11.0
            2,13,u3,True,Tue Oct 31 10:01:00 +0000 2017,@Acme same,,10.0
            3,20,Acme,False,Tue Oct 31 11:00:00 +0000 2017,@u4 hello,,
            """);

        Assert.Equal(["10", "10", "10", "20"], events.Select(e => e.Conversation));
        Assert.All(events, e => Assert.Equal("Acme", e.Shop));
    }

    [Fact]
    public void A_thread_with_no_agent_reply_is_rejected_row_by_row_for_its_unknown_shop()
    {
        var (events, rejected) = Read("""
            0,30,u5,True,Tue Oct 31 10:00:00 +0000 2017,"@Acme hello
            anyone?",,
            1,31,u5,True,Tue Oct 31 10:30:00 +0000 2017,@Acme hello??,,30.0
            2,40,Acme,False,Tue Oct 31 11:00:00 +0000 2017,@u6 hi,,
            3,41,u6,True,31 Oct 2017,@Acme hi,,40
            """);

        Assert.Equal("40", Assert.Single(events).Id);
        Assert.Equal([2L, 4, 6], rejected.Select(r => r.Line));
        Assert.Equal(("shop", MappedSource.UnknownShop), (rejected[0].Field, rejected[0].Reason));
        Assert.Equal("shop", rejected[1].Field);
        Assert.Equal("at", rejected[2].Field);
    }

    [Fact]
    public void A_bare_carriage_return_inside_an_unquoted_field_stays_in_the_text_and_lines_stay_right()
    {
        var (events, rejected) = Read(
            "0,50,u7,True,Tue Oct 31 10:00:00 +0000 2017,@Acme \r\rI just love,51,\n" // line 2
            + "1,51,Acme,False,Tue Oct 31 10:01:00 +0000 2017,\"@u7 thanks\r\nbye\",,50.0\r\n" // lines 3–4
            + "2,52,u7,True,bad time,@Acme x,,51\n"); // line 5

        Assert.Equal(["50", "51"], events.Select(e => e.Id));
        Assert.Equal("@Acme \r\rI just love", events[0].Text);
        Assert.Equal(("50", "Acme"), (events[0].Conversation, events[0].Shop));
        Assert.Equal("@u7 thanks\r\nbye", events[1].Text);
        Assert.Equal(5L, Assert.Single(rejected).Line);
    }

    [Theory]
    [InlineData("3.0", "3")]
    [InlineData("3", "3")]
    [InlineData(" 12.00 ", "12")]
    [InlineData("3.5", "3.5")]
    [InlineData("a.0", "a.0")]
    public void Pandas_float_ids_read_as_whole_numbers(string id, string expected) => Assert.Equal(expected, Threads.Normalise(id));
}
