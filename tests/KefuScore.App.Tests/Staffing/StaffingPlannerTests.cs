using KefuScore.App.Profiles;
using KefuScore.App.Staffing;
using KefuScore.Engine.Staffing;

namespace KefuScore.App.Tests.Staffing;

public sealed class StaffingPlannerTests
{
    /// <summary>Four weeks of 6 consultations per quarter hour 09:00–19:00, and <paramref name="night"/> between 00:00 and 09:00.</summary>
    private static ConsultationHistory History(double night, int concurrency)
    {
        var history = new ConsultationHistory();
        for (var d = new DateOnly(2026, 11, 2); d < new DateOnly(2026, 11, 30); d = d.AddDays(1))
        {
            for (var i = 36; i < 76; i++) history.Add(d, i, 6);
            if (night > 0) for (var i = 0; i < 36; i++) history.Add(d, i, night);
        }
        history.SetHandling(meanHandleSeconds: 300, messagesPerConsultation: 1, followUpReplySeconds: 30, answeredConversations: 1000, observedConcurrency: concurrency);
        return history;
    }

    [Fact]
    public void Concurrency_comes_from_the_history_unless_given()
    {
        // 6 consultations per 15 minutes of 300 s each is 2 Erlangs: with 3 chats at once per agent, 1–2 agents, not
        // the 11–15 of issue 16.
        var profile = ProfileCatalog.Compile("douyin");
        var plan = StaffingPlanner.Plan(History(0, 3), profile, new PlanRequest { Date = new DateOnly(2026, 11, 30), CheckRounds = 0, Replays = 2 });

        Assert.Equal(3, plan.Concurrency);
        Assert.InRange(plan.Intervals[40].Agents, 1, 2);
        var given = StaffingPlanner.Plan(History(0, 3), profile, new PlanRequest { Date = new DateOnly(2026, 11, 30), Concurrency = 1, CheckRounds = 0, Replays = 2 });
        Assert.Equal(1, given.Concurrency);
        Assert.True(given.Intervals[40].Agents > plan.Intervals[40].Agents);
    }

    [Fact]
    public void An_hour_the_replay_leaves_below_the_line_is_a_gap()
    {
        // 2 consultations a quarter hour all night wait until 09:00, when Erlang sizes 09:00 as if it started empty.
        // Without replay rounds the 09:00 hour replays below 97%: the plan must count it short, never "gap 0".
        var profile = ProfileCatalog.Compile("douyin");
        var plan = StaffingPlanner.Plan(History(2, 1), profile, new PlanRequest { Date = new DateOnly(2026, 11, 30), CheckRounds = 0, Replays = 2 });

        var nine = plan.Replay.Hours[9];
        Assert.True(nine.Rate < 0.97, $"09:00 replayed at {nine.Rate}");
        Assert.All(plan.Intervals.Skip(36).Take(4), i => Assert.True(i.Short));
        Assert.True(plan.ShortIntervals >= 4);
        Assert.Equal(plan.Intervals.Count(i => i.Gap > 0 || plan.Replay.Hours[i.Index / 4].Rate < 0.97 && i.Index is >= 36 and < 76), plan.ShortIntervals);
    }
}
