using System.Text.Json;
using KefuScore.App.Incentives;
using KefuScore.App.Tests.Cli;
using KefuScore.App.Yaml;

namespace KefuScore.App.Tests.Incentives;

public sealed class GradeTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kefu-grade-" + Guid.NewGuid().ToString("N"));

    public GradeTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// Friday 2026-11-20: a1 answers two customers within a minute and is rated satisfied; a2 answers one after 5 minutes,
    /// is rated dissatisfied and complained about. Saturday's chat lies outside --to.
    /// </summary>
    private const string Events = """
        {"type":"message","id":"m1","shop":"s1","at":"2026-11-20T10:00:00+08:00","conversation":"c1","customer":"u1","sender":"customer","text":"在吗"}
        {"type":"message","id":"m2","shop":"s1","at":"2026-11-20T10:00:30+08:00","conversation":"c1","sender":"agent","agent":"a1","text":"亲,在的"}
        {"type":"rating","id":"r1","shop":"s1","at":"2026-11-20T10:05:00+08:00","conversation":"c1","agent":"a1","satisfaction":"satisfied"}
        {"type":"message","id":"m3","shop":"s1","at":"2026-11-20T11:00:00+08:00","conversation":"c2","customer":"u2","sender":"customer","text":"发货了吗"}
        {"type":"message","id":"m4","shop":"s1","at":"2026-11-20T11:00:50+08:00","conversation":"c2","sender":"agent","agent":"a1","text":"亲,今天发"}
        {"type":"message","id":"m5","shop":"s1","at":"2026-11-20T12:00:00+08:00","conversation":"c3","customer":"u3","sender":"customer","text":"有人吗"}
        {"type":"message","id":"m6","shop":"s1","at":"2026-11-20T12:05:00+08:00","conversation":"c3","sender":"agent","agent":"a2","text":"您好"}
        {"type":"rating","id":"r2","shop":"s1","at":"2026-11-20T12:10:00+08:00","conversation":"c3","agent":"a2","satisfaction":"dissatisfied"}
        {"type":"complaint","id":"k1","shop":"s1","at":"2026-11-20T12:20:00+08:00","conversation":"c3","agent":"a2","category":"slow_reply"}
        {"type":"message","id":"m7","shop":"s1","at":"2026-11-21T10:00:00+08:00","conversation":"c4","customer":"u4","sender":"customer","text":"在吗"}
        {"type":"message","id":"m8","shop":"s1","at":"2026-11-21T10:10:00+08:00","conversation":"c4","sender":"agent","agent":"a1","text":"您好"}
        """;

    private const string Rules = """
        grades:
          - { id: star, name: 明星客服, when: { satisfaction_rate: ">= 0.9", reply_rate_3min: ">= 0.9" } }
          - { id: ok, name: 合格, when: { complaints: "<= 0" } }
          - { id: improve, name: 待提升 }
        rewards:
          base: { star: 300, ok: 100 }
          bonus: [ { figure: reply_rate_3min, above: 0.5, per_point: 2 } ]
          per_complaint_breached: -50
        contest:
          name: 日冠军
          figure: reply_rate_3min
          qualify: { messages_answered: ">= 1" }
          prizes: [88]
        """;

    [Fact]
    public void Kefu_grade_prints_each_agents_grade_rank_and_reward_for_the_period()
    {
        var input = Path.Combine(_folder, "day.jsonl");
        var rules = Path.Combine(_folder, "rules.yaml");
        File.WriteAllText(input, Events);
        File.WriteAllText(rules, Rules);

        var (exit, stdout, stderr) = KefuCli.Run("grade", "--input", input, "--rules", rules, "--from", "2026-11-20", "--to", "2026-11-20");

        Assert.True(exit == 0, stderr);
        var agents = JsonDocument.Parse(stdout).RootElement.GetProperty("agents");
        var a1 = agents[0];
        var a2 = agents[1];
        Assert.Equal(("a1", "star", 1), (a1.GetProperty("agent").GetString(), a1.GetProperty("grade").GetString(), a1.GetProperty("rank").GetInt32()));
        // 300 + (1.0 − 0.5) × 100 × 2 = 400, + 88 for first place. Saturday's late reply is outside the period.
        Assert.Equal(488, a1.GetProperty("reward").GetDouble());
        Assert.Equal(2, a1.GetProperty("figures").GetProperty("messages_answered").GetDouble());
        Assert.Equal(1, a1.GetProperty("figures").GetProperty("reply_rate_3min").GetDouble());
        // a2: a complaint, so not "ok"; reply rate 0; second of two, no prize; handling unknown from a file: no deduction.
        Assert.Equal(("a2", "improve", 2, 0.0), (a2.GetProperty("agent").GetString(), a2.GetProperty("grade").GetString(), a2.GetProperty("rank").GetInt32(), a2.GetProperty("reward").GetDouble()));
        Assert.Equal(1, a2.GetProperty("figures").GetProperty("complaints").GetDouble());
        Assert.False(a2.GetProperty("figures").TryGetProperty("complaints_breached", out _));
        Assert.Equal("日冠军", JsonDocument.Parse(stdout).RootElement.GetProperty("contest").GetString());
    }

    [Fact]
    public void The_built_in_rules_load_and_name_the_seeds_schemes()
    {
        var rules = IncentivesLoader.BuiltIn();

        Assert.Equal(["gold", "silver", "bronze", "improve"], rules.Grades.Select(g => g.Id));
        Assert.Equal("金牌客服", rules.Grades[0].Name);
        Assert.Equal("月度服务之星", rules.Contest!.Name);
        Assert.Equal([false], rules.Contest.TieBreakDescending.Skip(1));   // -avg_reply_seconds: lower is better
    }

    [Fact]
    public void A_bad_rules_file_names_every_problem_with_its_line()
    {
        var e = Assert.Throws<YamlFileException>(() => IncentivesLoader.Parse(
            "grades:\n  - { id: a, when: { satisfaction_rate: \"high\" } }\nrewards:\n  base: { b: 10 }\n  cap: -5\ncontest: { figure: x, order: up }", "rules.yaml"));

        Assert.Equal(
            [
                "grades[0].when.satisfaction_rate (line 2): 'high' is not a threshold like \">= 0.9\" or \"<= 2\"",
                "rewards.base.b (line 4): is not a grade id",
                "rewards.cap (line 5): must not be negative",
                "contest.order (line 6): 'up' is not desc or asc",
            ],
            e.Problems.Select(p => p.ToString()));
    }
}
