using KefuScore.Engine.Profiles;

namespace KefuScore.Engine.Tests.Profiles;

/// <summary>Which way is better for each role: the rule every page colours a change by.</summary>
public sealed class MetricRolesTests
{
    [Theory]
    [InlineData(MetricRole.Reply, true)]        // more replies within 3 minutes
    [InlineData(MetricRole.Satisfied, true)]    // more satisfied ratings
    [InlineData(MetricRole.ReplyTime, false)]   // a shorter reply time
    [InlineData(MetricRole.Dissatisfied, false)]
    [InlineData(MetricRole.Unanswered, false)]
    public void More_is_better_only_for_replies_in_time_and_satisfied_ratings(MetricRole role, bool higher) =>
        Assert.Equal(higher, MetricRoles.HigherIsBetter(role));
}
