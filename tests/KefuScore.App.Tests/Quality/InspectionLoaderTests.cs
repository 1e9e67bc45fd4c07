using KefuScore.App.Quality;
using KefuScore.App.Yaml;

namespace KefuScore.App.Tests.Quality;

public sealed class InspectionLoaderTests
{
    [Fact]
    public void Every_problem_is_reported_with_its_path_and_line()
    {
        var e = Assert.Throws<YamlFileException>(() => InspectionLoader.Parse("""
            rules:
              - id: absolute_claim
                words: [第一]
                patterns: ['最(?!近']
              - id: long_silence
                within: soon
                words: [x]
              - id: shouting
            """, "mine.yaml"));
        var problems = e.Problems.Select(p => p.ToString()).ToList();
        Assert.Contains(problems, p => p.StartsWith("rules[0].patterns[0] (line 4): '最(?!近' is not a regular expression", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("rules[1].within (line 6): 'soon' is not a duration", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("rules[1].words (line 7): unknown key", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("rules[2].id (line 8): 'shouting' is not a rule", StringComparison.Ordinal));
        Assert.StartsWith("mine.yaml:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_configured_twice_is_an_error() =>
        Assert.Contains("configured twice", Assert.Throws<YamlFileException>(() => InspectionLoader.Parse("""
            rules:
              - { id: rude, words: [烦] }
              - { id: rude, words: [滚] }
            """, "x")).Message, StringComparison.Ordinal);
}
