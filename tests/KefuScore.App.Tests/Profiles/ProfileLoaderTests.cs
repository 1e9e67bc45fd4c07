using KefuScore.App.Profiles;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;
using KefuScore.Engine.Text;

namespace KefuScore.App.Tests.Profiles;

public sealed class ProfileLoaderTests
{
    private static CompiledProfile Compile(string yaml) =>
        CompiledProfile.Compile(ProfileLoader.Parse(yaml, "test.yaml"), Run.Shanghai);

    [Theory]
    [InlineData("douyin")]
    [InlineData("kuaishou")]
    [InlineData("douyin-feige")]
    [InlineData("taobao")]
    [InlineData("jd")]
    [InlineData("pinduoduo")]
    [InlineData("kuaishou-2021")]
    public void Every_built_in_profile_loads_and_a_copy_in_a_file_gives_the_same_numbers(string id)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kefu-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, ProfileCatalog.BuiltInText(id));
        try
        {
            var events = RandomChats.Generate(seed: 5, conversations: 60);
            var builtIn = Run.Report(Builtin.Get(id), events);
            var copy = Run.Report(ProfileCatalog.Compile(path), events);
            Assert.Equal(Flatten(builtIn), Flatten(copy));
            Assert.NotEmpty(Flatten(builtIn));
        }
        finally { File.Delete(path); }
    }

    private static List<string> Flatten(Report r) =>
        r.Shops.SelectMany(s => s.Periods.SelectMany(p => p.Metrics.Select(m => $"{s.Shop} {p.Period} {m.Metric.Id} {m.Cell.Numerator}/{m.Cell.Denominator} {m.Cell.SumTicks}/{m.Cell.Count}")
            .Concat(p.Verdicts.Select(v => $"{s.Shop} {p.Period} {v.Rule} {v.Status}")))).ToList();

    [Fact]
    public void The_buyer_unit_is_refused_where_it_has_no_meaning_and_session_rules_must_be_positive()
    {
        var e = Assert.Throws<ProfileException>(() => ProfileLoader.Parse("""
            id: mine
            sessions: { continue_within: 0s }
            metrics:
              - { id: wait, kind: reply_time, unit: buyer }
              - { id: complaints, kind: complaint_rate }
              - { id: first, kind: reply_within, within: 30s, session_rule: first_round }
            """, "mine.yaml"));
        Assert.Contains(e.Errors, x => x.Path == "metrics[0].unit" && x.Problem.Contains("reply_within, consultations and complaint_rate", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.Path == "metrics[1].unit" && x.Problem.Contains("unit: buyer", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.Path == "metrics[2].session_rule");
        Assert.Contains(e.Errors, x => x.Path == "sessions.continue_within");
    }

    [Fact]
    public void A_field_that_cannot_be_read_is_not_blamed_again_for_the_default_it_fell_back_to()
    {
        var e = Assert.Throws<ProfileException>(() => ProfileLoader.Parse("""
            id: mine
            metrics:
              - id: rate
                kind: reply_within
                within: soon
            """, "mine.yaml"));
        var only = Assert.Single(e.Errors);
        Assert.Equal(("metrics[0].within (line 5)", "'soon' is not a duration like 180s, 10m, 24h"), (only.Path, only.Problem));
        Assert.Equal(Codes.InputNotDuration, only.Reason.Code);
    }

    [Fact]
    public void Every_problem_is_reported_with_its_path_and_line()
    {
        var e = Assert.Throws<ProfileException>(() => ProfileLoader.Parse("""
            id: mine
            period: fortnight
            metrics:
              - id: r
                kind: reply_quickly
              - id: s
                kind: reply_within
                within: 180s
                hours: "9 to 5"
                colour: blue
            assessments:
              - id: a
                fail_when:
                  - { metric: s, under: 0.5 }
            """, "mine.yaml"));
        var text = string.Join("\n", e.Errors);
        Assert.Contains("period (line 2): 'fortnight' is not one of day, week, month, rolling", text, StringComparison.Ordinal);
        Assert.Contains("metrics[0].kind: 'reply_quickly' is not one of", text, StringComparison.Ordinal);
        Assert.Contains("metrics[1].hours: '9 to 5' is not a window", text, StringComparison.Ordinal);
        Assert.Contains("metrics[1].colour (line 10): unknown key", text, StringComparison.Ordinal);
        Assert.Contains("assessments[0].fail_when[0]", text, StringComparison.Ordinal);
        Assert.Equal("mine.yaml", e.ProfileSource);
    }

    [Fact]
    public void Yaml_syntax_errors_name_the_line()
    {
        var e = Assert.Throws<ProfileException>(() => ProfileLoader.Parse("id: x\nmetrics: [\n", "x.yaml"));
        Assert.Contains("line", e.Errors.Single().Path, StringComparison.Ordinal);
    }

    private const string Versioned = """
        id: versioned
        period: day
        metrics:
          - id: reply_rate_3min
            kind: reply_within
            within: 180s
            hours: "09:00-19:00"
        assessments:
          - id: standard
            fail_when: [ { metric: reply_rate_3min, below: 0.97 } ]
        versions:
          - effective_from: 2026-11-21
            metrics:
              - id: reply_rate_3min
                kind: reply_within
                within: 180s
                hours: "08:00-23:00"
            assessments:
              - id: standard
                fail_when: [ { metric: reply_rate_3min, below: 0.80 } ]
        """;

    [Fact]
    public void History_is_computed_under_the_version_in_force_that_day()
    {
        var profile = Compile(Versioned);
        // 20:00 is outside 09:00-19:00 on the 20th but inside 08:00-23:00 from the 21st.
        var events = Chat.On("2026-11-20", conversation: "a").Customer("10:00:00").Agent("10:01:00").Customer("20:00:00").Agent("20:10:00").Events
            .Concat(Chat.On("2026-11-21", conversation: "b").Customer("10:00:00").Agent("10:01:00").Customer("20:00:00").Agent("20:01:00")
                .Customer("21:00:00").Agent("21:01:00").Customer("22:00:00").Agent("22:01:00").Customer("22:30:00").Agent("22:40:00").Events);
        var report = Run.Report(profile, events);
        Assert.Equal((1, 1), report.Period("2026-11-20").Ratio("reply_rate_3min"));
        var day2 = report.Period("2026-11-21");
        Assert.Equal((4, 5), day2.Ratio("reply_rate_3min"));
        Assert.Equal(VerdictStatus.Pass, day2.Verdict("standard").Status); // 80% meets the new 80% line, not the old 97%
    }

    [Fact]
    public void A_special_period_can_exempt_an_assessment()
    {
        var profile = Compile("""
            id: exempt
            metrics:
              - { id: r, kind: reply_within, within: 180s }
            assessments:
              - id: standard
                fail_when: [ { metric: r, below: 0.97 } ]
            special_periods:
              - { id: holiday, from: 2026-11-20, to: 2026-11-20, exempt: [standard] }
            """);
        var report = Run.Report(profile, Chat.On("2026-11-20").Customer("10:00:00").Agent("10:10:00").Events);
        Assert.Equal(VerdictStatus.None, report.Period("2026-11-20").Verdict("standard").Status);
    }
}
