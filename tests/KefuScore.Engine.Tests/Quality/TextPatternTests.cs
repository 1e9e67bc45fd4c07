using System.Text.RegularExpressions;
using KefuScore.Engine.Quality;

namespace KefuScore.Engine.Tests.Quality;

/// <summary>
/// decisions.md §58: a pattern's answer does not depend on the machine's load. When the backtracking engine runs out of
/// time the linear engine answers, and it answers the same.
/// </summary>
public sealed class TextPatternTests
{
    // (a|aa)+ before a letter that never comes: the backtracking engine tries every way of cutting the a's (Fibonacci
    // many), the linear one reads the text once.
    private static readonly string Aaa = new('a', 60);

    [Fact]
    public void A_pattern_that_times_out_backtracking_still_gets_the_right_answer()
    {
        var none = new TextPattern("^(a|aa)+b");
        var some = new TextPattern("^(a|aa)+b|a{60}$");

        // The b the pattern needs is in the text (else it is not searched at all: RequiredLiteral), just not after the a's.
        Assert.False(none.IsMatch(Aaa + "cb"));
        Assert.True(some.IsMatch(Aaa));
        Assert.Equal(1, none.Fallbacks);
        Assert.Equal(1, some.Fallbacks);
    }

    [Theory]
    [InlineData(@"(?:^|[^\d.])(?<hit>top\s*1)(?:\D|$)", "top")]
    [InlineData(@"(?:^|[^a-z])(?<hit>no\.\s*1)(?:\D|$)", "no.")]
    [InlineData(@"最(便宜|实惠|\p{IsCJKUnifiedIdeographs})", "最")]
    [InlineData(@"全网(最|第一|独家)\p{IsCJKUnifiedIdeographs}?", "全网")]
    [InlineData(@"100\s*%", "100")]
    [InlineData("(没有|再没得|莫得|没).{0,6}比", "比")]
    [InlineData("赔.{0,2}倍", "赔")]
    [InlineData("ab(?:cd)ef", "abcdef")]
    [InlineData("ab(?:cd)?ef", "ab")]
    [InlineData("abc+d", "ab")]
    [InlineData("x[ab]yz", "yz")]
    [InlineData("a{2}bcd", "bcd")]
    [InlineData("^不(退|换)", "不")]
    public void The_characters_every_match_contains_are_found(string pattern, string literal) =>
        Assert.Equal(literal, TextPattern.RequiredLiteral(pattern));

    [Theory]
    [InlineData("a|b")]
    [InlineData("(?i)abc")]
    [InlineData("(a|b)")]
    [InlineData(@"\d+小时内x|y")]
    [InlineData("[哦哈呢]$")]
    [InlineData("^(?:在|嗯)$")]
    [InlineData("a*")]
    [InlineData("(?=a)")]
    public void A_pattern_without_such_characters_has_none(string pattern) => Assert.Null(TextPattern.RequiredLiteral(pattern));

    [Fact]
    public void A_match_found_after_a_timeout_is_the_hit_groups_span()
    {
        var pattern = new TextPattern("x(?<hit>(a|aa)+)b|x(?<hit>a{60})$");

        Assert.True(pattern.TryMatch("x" + Aaa, 0, out var index, out var length, out var next));
        Assert.Equal((1, 60, 1), (index, length, next));
        Assert.Equal(1, pattern.Fallbacks);
    }

    [Fact]
    public void Threads_matching_at_once_find_what_one_thread_finds()
    {
        // The backtracking engine is one instance per core (a Regex lends its runner to one caller at a time): many
        // threads at once, each on the same pattern, must see the same spans as a single caller.
        var pattern = new TextPattern("(?:^|[^a-z])(?<hit>top\\s*\\d)");
        var texts = Enumerable.Range(0, 2_000).Select(i => $"第{i}款 top {i % 10} 还有top{(i + 3) % 10}和xtop1").ToArray();
        List<(int, int)> Spans(string text)
        {
            var spans = new List<(int, int)>();
            for (var start = 0; pattern.TryMatch(text, start, out var index, out var length, out var next); start = next) spans.Add((index, length));
            return spans;
        }
        var alone = texts.Select(Spans).ToArray();
        var together = new List<(int, int)>[texts.Length];

        Parallel.For(0, texts.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => together[i % texts.Length] = Spans(texts[i % texts.Length]));

        Assert.Equal(alone, together);
        Assert.All(alone, spans => Assert.Equal(2, spans.Count));
    }

    [Theory]
    [InlineData("销量no.1哦", 2, 4)]
    [InlineData("no. 1", 0, 5)]
    [InlineData("ano.1", -1, 0)]
    [InlineData("no.12", -1, 0)]
    public void The_hit_group_is_the_match_and_the_characters_around_only_decide(string text, int index, int length)
    {
        var pattern = new TextPattern(@"(?:^|[^a-z])(?<hit>no\.\s*1)(?:\D|$)");
        var found = pattern.TryMatch(text, 0, out var i, out var n, out _);

        Assert.Equal(index >= 0, found);
        if (found) Assert.Equal((index, length), (i, n));
        Assert.Equal(0, pattern.Fallbacks);
    }

    [Fact]
    public void Every_start_of_a_match_is_found_once()
    {
        var pattern = new TextPattern("最.");
        var spans = new List<(int, int)>();
        for (var pos = 0; pos <= 6 && pattern.TryMatch("最好最低最", pos, out var i, out var n, out pos);) spans.Add((i, n));

        Assert.Equal([(0, 2), (2, 2)], spans);
    }

    [Theory]
    [InlineData(@"(?<![a-z])no\.1")]
    [InlineData(@"top(?!\d)")]
    [InlineData(@"(好)\1")]
    [InlineData(@"(?>a+)b")]
    public void Patterns_the_linear_engine_cannot_run_are_named(string pattern)
    {
        Assert.NotNull(TextPattern.LinearProblem(pattern));
        Assert.Throws<NotSupportedException>(() => new TextPattern(pattern));
    }

    [Theory]
    [InlineData(@"(?:^|[^a-z])(?<hit>no\.\s*1)(?:\D|$)")]
    [InlineData(@"最(便宜|\p{IsCJKUnifiedIdeographs})")]
    [InlineData(@"^[^您亲]{0,12}[?？]$")]
    public void Patterns_without_look_arounds_run_on_both_engines(string pattern)
    {
        Assert.Null(TextPattern.LinearProblem(pattern));
        Assert.Null(TextPattern.LinearProblem(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled));
    }

    [Fact]
    public void TryCreate_compiles_a_pattern_or_says_whether_it_is_no_regex_or_needs_backtracking()
    {
        Assert.Null(TextPattern.TryCreate("([a-z", RegexOptions.CultureInvariant, out var broken));
        Assert.True(broken!.NotRegex);
        Assert.Null(TextPattern.TryCreate("(?<!您)好", RegexOptions.CultureInvariant, out var backtracking));
        Assert.False(backtracking!.NotRegex);
        Assert.Equal(backtracking.Message, TextPattern.LinearProblem("(?<!您)好"));

        var made = TextPattern.TryCreate(@"(?:^|[^a-z])(?<hit>no\.1)(?:\D|$)", TextPattern.Options, out var none);

        Assert.Null(none);
        Assert.True(made!.TryMatch("买 no.1 的", 0, out var index, out var length, out _));
        Assert.Equal((2, 4), (index, length));
    }
}
