using System.Text.Json;
using KefuScore.App.Tests.Reading;

namespace KefuScore.App.Tests.Cli;

public sealed class ExplainAndProfilesCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void Explain_says_for_each_message_whether_it_counted_and_why()
    {
        var path = _dir.WriteText("c.jsonl", """
            {"type":"message","id":"m1","shop":"s1","conversation":"c1","sender":"customer","at":"2026-11-20T08:30:00+08:00","text":"早"}
            {"type":"message","id":"m2","shop":"s1","conversation":"c1","sender":"customer","at":"2026-11-20T10:00:00+08:00","text":"在吗?"}
            {"type":"message","id":"m3","shop":"s1","conversation":"c1","sender":"bot","at":"2026-11-20T10:00:05+08:00","text":"您好,我是机器人"}
            {"type":"message","id":"m4","shop":"s1","conversation":"c1","sender":"agent","agent":"a1","at":"2026-11-20T10:04:00+08:00","text":"您好"}
            {"type":"message","id":"m5","shop":"s1","conversation":"c1","sender":"customer","at":"2026-11-20T10:05:00+08:00","text":"好的"}
            {"type":"message","id":"m6","shop":"s1","conversation":"c1","sender":"agent","agent":"a2","at":"2026-11-20T10:06:00+08:00","text":"亲,还有问题吗"}
            {"type":"message","id":"x1","shop":"s1","conversation":"other","sender":"customer","at":"2026-11-20T10:06:00+08:00"}
            """);
        var (exit, stdout, _) = KefuCli.Run("explain", "--input", path, "--conversation", "c1", "--format", "json");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        var messages = doc.RootElement.GetProperty("conversations")[0].GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["m1", "m2", "m5"], messages.Select(m => m.GetProperty("id").GetString()));
        Assert.Equal("outside_hours", messages[0].GetProperty("reason").GetString());
        Assert.False(messages[0].GetProperty("counted").GetBoolean());
        Assert.Equal("late", messages[1].GetProperty("reason").GetString());
        Assert.Equal(240.0, messages[1].GetProperty("reply_seconds").GetDouble());
        Assert.Equal("m4", messages[1].GetProperty("reply").GetProperty("id").GetString());
        Assert.Equal("m3", messages[1].GetProperty("ignored_reply").GetProperty("id").GetString());
        Assert.Equal("within", messages[2].GetProperty("reason").GetString());
        Assert.Equal("a2", messages[2].GetProperty("reply").GetProperty("agent").GetString());
    }

    [Fact]
    public void Explain_of_an_unknown_conversation_is_an_error()
    {
        var path = _dir.WriteText("c.jsonl", """{"type":"message","id":"m1","shop":"s1","conversation":"c1","sender":"customer","at":"2026-11-20T10:00:00+08:00"}""");
        Assert.Equal(2, KefuCli.Run("explain", "--input", path, "--conversation", "zzz").Exit);
    }

    [Fact]
    public void Profiles_lists_the_built_in_profiles()
    {
        var (exit, stdout, _) = KefuCli.Run("profiles", "--format", "json");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        var ids = doc.RootElement.EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToList();
        Assert.Equal(["douyin", "douyin-feige", "jd", "kuaishou", "kuaishou-2021", "pinduoduo", "taobao"], ids);
    }

    [Fact]
    public void Profiles_show_prints_the_yaml_and_a_broken_file_names_path_and_line()
    {
        var show = KefuCli.Run("profiles", "show", "kuaishou");
        Assert.Equal(0, show.Exit);
        Assert.Contains("good_review_rate", show.Out, StringComparison.Ordinal);

        var broken = _dir.WriteText("broken.yaml", """
            id: mine
            metrics:
              - id: r
                kind: reply_within
                within: three minutes
                hours: "09:00-19:00"
            assessments:
              - id: standard
                fail_when:
                  - { metric: nope, below: 0.97 }
            """);
        var (exit, _, stderr) = KefuCli.Run("profiles", "show", broken);
        Assert.Equal(2, exit);
        Assert.Contains("metrics[0].within (line 5)", stderr, StringComparison.Ordinal);
        Assert.Contains("unknown metric 'nope'", stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
