using KefuScore.App.Profiles;
using KefuScore.Engine.Profiles;

namespace KefuScore.App.Tests.Profiles;

/// <summary>A profile names "the" reply rate, reply time, satisfied, dissatisfied and unanswered metrics once.</summary>
public sealed class MetricRolesTests
{
    [Theory]
    [InlineData("douyin", "reply_rate_3min", "avg_reply_seconds", "satisfaction_rate", "dissatisfaction_rate", "unanswered")]
    [InlineData("jd", "first_reply_rate_30s", "avg_reply_seconds", null, "dissatisfaction_rate", null)]
    [InlineData("kuaishou", "reply_rate_3min", "avg_reply_seconds", "good_review_rate", "bad_review_rate", null)]
    // poor_attitude_rate (neutral + dissatisfied with reason "attitude") is no dissatisfaction rate: no role.
    [InlineData("kuaishou-2021", "reply_rate_3min", null, "good_review_rate", null, null)]
    [InlineData("pinduoduo", "reply_rate_3min", null, null, "dissatisfaction_rate", null)]
    public void Built_in_profiles_name_their_roles(string id, string? reply, string? time, string? satisfied, string? dissatisfied, string? unanswered)
    {
        var roles = Builtin.Get(id).Roles;
        Assert.Equal(reply, roles.Reply?.Id);
        Assert.Equal(time, roles.ReplyTime?.Id);
        Assert.Equal(satisfied, roles.Satisfied?.Id);
        Assert.Equal(dissatisfied, roles.Dissatisfied?.Id);
        Assert.Equal(unanswered, roles.Unanswered?.Id);
    }

    [Fact]
    public void Without_roles_the_reply_role_is_the_first_reply_rate_that_is_not_first_reply_only()
    {
        var roles = CompiledProfile.Compile(ProfileLoader.Parse("""
            id: mine
            metrics:
              - { id: first, kind: reply_within, within: 120s, first_only: true }
              - { id: rr3, kind: reply_within, within: 180s }
              - { id: attitude, kind: rating_share, levels: [dissatisfied], reason: attitude }
              - { id: bad, kind: rating_share, levels: [dissatisfied] }
            """, "mine.yaml"), Run.Shanghai).Roles;
        Assert.Equal("rr3", roles.Reply?.Id);
        Assert.Equal("bad", roles.Dissatisfied?.Id);
        Assert.Null(roles.Satisfied);
    }

    [Fact]
    public void A_role_naming_a_missing_metric_or_one_of_the_wrong_kind_is_refused_with_its_path()
    {
        var e = Assert.Throws<ProfileException>(() => ProfileLoader.Parse("""
            id: mine
            roles: { reply: avg, satisfied: nothing, speed: rr3 }
            metrics:
              - { id: rr3, kind: reply_within, within: 180s }
              - { id: avg, kind: reply_time }
            """, "mine.yaml"));
        Assert.Contains(e.Errors, x => x.Path == "roles.reply" && x.Problem.Contains("not a reply_within metric", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.Path == "roles.satisfied" && x.Problem.Contains("'nothing' is not a metric", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.Path.StartsWith("roles.speed", StringComparison.Ordinal) && x.Problem.Contains("unknown key", StringComparison.Ordinal));
    }
}
