using System.Text;
using KefuScore.App.Calendars;
using KefuScore.App.Complaints;
using KefuScore.App.Faq;
using KefuScore.App.Incentives;
using KefuScore.App.Profiles;
using KefuScore.App.Quality;
using KefuScore.App.Reading.Mapping;
using KefuScore.App.Staffing;
using KefuScore.App.Tests.Cli;
using KefuScore.App.Tests.Reading;
using KefuScore.App.Training;
using KefuScore.App.Yaml;
using KefuScore.Engine.Profiles;

namespace KefuScore.App.Tests.Security;

/// <summary>
/// Issue 17, findings 1 and 3: YAML nested 35,000 levels overflowed the stack and aborted the process; one anchor of
/// 200 unknown keys named 2,000 times gave 404,001 errors. Every YAML entry point goes through <see cref="YamlGuard"/>.
/// </summary>
public sealed class YamlLimitsTests : IDisposable
{
    private readonly TempDir _dir = new();

    /// <summary>70 KB: a key whose value is a flow sequence nested 35,000 levels.</summary>
    internal static string Deep(string key, int levels = 35_000) => $"{key}: {new string('[', levels)}{new string(']', levels)}\n";

    /// <summary>An anchor of <paramref name="keys"/> unknown keys, named <paramref name="repeats"/> times in a list under <paramref name="key"/>.</summary>
    internal static string AliasBomb(string key, int keys = 200, int repeats = 2_000)
    {
        var b = new StringBuilder("anchor: &a {");
        for (var i = 0; i < keys; i++) b.Append(i == 0 ? "" : ", ").Append('k').Append(i).Append(": 1");
        b.Append("}\n").Append(key).Append(": [");
        for (var i = 0; i < repeats; i++) b.Append(i == 0 ? "*a" : ",*a");
        return b.Append("]\n").ToString();
    }

    /// <summary>Each YAML reader, as a call that either returns or throws its own "cannot be used" exception.</summary>
    public static TheoryData<string> Readers => ["profile", "mapping", "calendar", "complaints", "faq_policy", "incentives", "inspection", "shifts", "training"];

    private static Exception? ParseWith(string reader, string text) => Record.Exception(() =>
    {
        _ = reader switch
        {
            "profile" => (object)ProfileLoader.Parse(text, "t.yaml"),
            "mapping" => ImportMapping.Parse(text, "t.yaml"),
            "calendar" => CalendarLoader.Parse(text, "t.yaml"),
            "complaints" => ComplaintPolicyLoader.Parse(text, "t.yaml"),
            "faq_policy" => FaqPolicyLoader.Parse(text, "t.yaml"),
            "incentives" => IncentivesLoader.Parse(text, "t.yaml"),
            "inspection" => InspectionLoader.Parse(text, "t.yaml"),
            "shifts" => ShiftLoader.Parse(text, "t.yaml"),
            "training" => TrainingLoader.Parse(text, "t.yaml"),
            _ => throw new ArgumentOutOfRangeException(nameof(reader)),
        };
    });

    internal static bool IsCleanRefusal(Exception? e) => e is YamlFileException or ProfileException or MappingException;

    [Theory]
    [MemberData(nameof(Readers))]
    public void Nesting_35000_levels_is_refused_naming_the_depth_limit(string reader)
    {
        var e = ParseWith(reader, Deep("week"));
        Assert.True(IsCleanRefusal(e), $"{reader}: {e}");
        Assert.Contains($"limit: depth {YamlGuard.MaxDepth}", e!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_at_the_limit_is_read_and_one_more_level_is_refused()
    {
        Assert.NotNull(YamlGuard.Load(Deep("x", YamlGuard.MaxDepth - 1)));   // the root mapping is one level
        var e = Assert.ThrowsAny<YamlDotNet.Core.YamlException>(() => YamlGuard.Load(Deep("x", YamlGuard.MaxDepth)));
        Assert.Contains("limit: depth 64", e.InnerException!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void The_alias_bomb_is_refused_with_one_short_error(string reader)
    {
        var yaml = AliasBomb("grades");
        Assert.InRange(yaml.Length, 7_000, 8_000);   // the 7.7 KB file of the finding
        var e = ParseWith(reader, yaml);
        Assert.True(IsCleanRefusal(e), $"{reader}: {e}");
        Assert.Contains("once aliases are expanded (limit: 100,000 nodes)", e!.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 1_000, e.Message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Many_problems_under_the_node_limit_list_the_first_100_and_count_the_rest()
    {
        // 200 unknown keys named 100 times: 40,000 problems, well under the node limit.
        var e = Assert.Throws<YamlFileException>(() => IncentivesLoader.Parse(AliasBomb("grades", repeats: 100), "bomb.yaml"));
        Assert.Equal(YamlGuard.MaxErrors + 1, e.Problems.Count);
        Assert.Contains("problems in all; only the first 100 are listed (limit: 100 errors)", e.Problems[^1].Problem, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 40_000, e.Message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_profile_with_thousands_of_problems_lists_100()
    {
        var b = new StringBuilder("id: p\nmetrics: []\n");
        for (var i = 0; i < 5_000; i++) b.Append("unknown").Append(i).Append(": 1\n");
        var e = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(b.ToString(), "p.yaml"));
        Assert.InRange(e.Errors.Count, 2, YamlGuard.MaxErrors + 1);
        Assert.Contains("5,0", e.Errors[^1].Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alias_to_an_anchor_still_open_is_refused_rather_than_made_a_cycle()
    {
        var e = ParseWith("incentives", "grades: &a [*a]\n");
        Assert.True(IsCleanRefusal(e), e?.ToString());
        Assert.Contains("names no anchor defined before it", e!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_over_1_MiB_is_refused()
    {
        var text = "description: " + new string('x', YamlGuard.MaxDocumentChars) + "\n";
        var e = ParseWith("profile", text);
        Assert.True(IsCleanRefusal(e), e?.ToString());
        Assert.Contains("more than the limit of 1,048,576 (1 MiB)", e!.Message, StringComparison.Ordinal);
        var path = _dir.WriteText("big.yaml", text);
        var file = Assert.Throws<YamlFileException>(() => CalendarLoader.Load(path));
        Assert.Contains("1 MiB", file.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kefu_profiles_show_of_a_deep_file_exits_2_naming_the_limit()
    {
        var path = _dir.WriteText("deep.yaml", "id: deep\n" + Deep("metrics"));
        var (exit, _, stderr) = KefuCli.Run("profiles", "show", path);
        Assert.Equal(2, exit);
        Assert.Contains("limit: depth 64", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Kefu_profiles_show_of_an_alias_bomb_exits_2_with_a_short_message()
    {
        var path = _dir.WriteText("bomb.yaml", "id: bomb\n" + AliasBomb("metrics", keys: 600, repeats: 3_000));
        var (exit, _, stderr) = KefuCli.Run("profiles", "show", path);
        Assert.Equal(2, exit);
        Assert.Contains("limit: 100,000 nodes", stderr, StringComparison.Ordinal);
        Assert.True(stderr.Length < 2_000, stderr);
    }

    [Fact]
    public void Built_in_profiles_stay_within_the_limits()
    {
        foreach (var id in ProfileCatalog.BuiltInIds) Assert.NotNull(ProfileCatalog.Load(id));
    }

    public void Dispose() => _dir.Dispose();
}
