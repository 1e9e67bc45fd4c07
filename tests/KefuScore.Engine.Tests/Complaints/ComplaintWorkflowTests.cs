using System.Globalization;
using KefuScore.Engine.Complaints;

namespace KefuScore.Engine.Tests.Complaints;

public sealed class ComplaintWorkflowTests
{
    [Theory]
    [InlineData("open", "investigating", true)]
    [InlineData("open", "resolved", true)]
    [InlineData("open", "rejected", true)]
    [InlineData("investigating", "resolved", true)]
    [InlineData("investigating", "rejected", true)]
    [InlineData("resolved", "investigating", true)]   // reopened
    [InlineData("rejected", "investigating", true)]
    [InlineData("investigating", "open", false)]
    [InlineData("resolved", "open", false)]
    [InlineData("resolved", "rejected", false)]
    [InlineData("open", "open", false)]
    [InlineData("investigating", "investigating", false)]
    public void Allowed_moves(string from, string to, bool allowed)
    {
        Assert.True(ComplaintWords.TryState(from, out var f));
        Assert.True(ComplaintWords.TryState(to, out var t));
        Assert.Equal(allowed, ComplaintWorkflow.CanMove(f, t));
    }

    private static DateTimeOffset T(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public void The_first_move_is_the_response_and_closing_then_reopening_clears_the_close()
    {
        var times = new ComplaintTimes(ComplaintCategory.SlowReply, T("2026-11-20T10:00:00+08:00"));

        var investigating = ComplaintWorkflow.Apply(times, ComplaintState.Open, ComplaintState.Investigating, T("2026-11-20T10:30:00+08:00"));
        var resolved = ComplaintWorkflow.Apply(investigating, ComplaintState.Investigating, ComplaintState.Resolved, T("2026-11-20T15:00:00+08:00"));
        var reopened = ComplaintWorkflow.Apply(resolved, ComplaintState.Resolved, ComplaintState.Investigating, T("2026-11-21T09:00:00+08:00"));

        Assert.Equal(T("2026-11-20T10:30:00+08:00"), investigating.Responded);
        Assert.Null(investigating.Closed);
        Assert.Equal(T("2026-11-20T10:30:00+08:00"), resolved.Responded);
        Assert.Equal(T("2026-11-20T15:00:00+08:00"), resolved.Closed);
        Assert.Equal(T("2026-11-20T10:30:00+08:00"), reopened.Responded);
        Assert.Null(reopened.Closed);
    }

    [Fact]
    public void A_move_the_workflow_does_not_allow_names_the_allowed_ones()
    {
        var times = new ComplaintTimes(ComplaintCategory.Other, T("2026-11-20T10:00:00+08:00"));

        var e = Assert.Throws<InvalidOperationException>(() => ComplaintWorkflow.Apply(times, ComplaintState.Resolved, ComplaintState.Rejected, T("2026-11-20T11:00:00+08:00")));

        Assert.Equal("a complaint cannot move from resolved to rejected (allowed: investigating)", e.Message);
    }

    [Theory]
    [InlineData("attitude", ComplaintCategory.Attitude, "服务态度")]
    [InlineData("slow_reply", ComplaintCategory.SlowReply, "回复不及时")]
    [InlineData("false_advertising", ComplaintCategory.FalseAdvertising, "虚假宣传")]
    [InlineData("aftersale", ComplaintCategory.Aftersale, "售后")]
    public void Category_words(string id, ComplaintCategory category, string name)
    {
        Assert.True(ComplaintWords.TryCategory(id, out var c));
        Assert.Equal(category, c);
        Assert.Equal(id, c.Id());
        Assert.Equal(name, c.Name());
        Assert.False(ComplaintWords.TryCategory("Attitude", out _));
    }
}
