using System.Text.RegularExpressions;
using KefuScore.Engine.Quality;

namespace KefuScore.Engine.Tests.Quality;

/// <summary>decisions.md §81: cues found with their plain words in one pass are the cues their alternations match.</summary>
public sealed class CueMatcherTests
{
    [Theory]
    [InlineData("抱歉", "抱歉")]
    [InlineData("说不(准|好)", "说不准 说不好")]
    [InlineData("(说|讲)不(清|准)", "说不清 说不准 讲不清 讲不准")]
    [InlineData("(你|您)?当初", "你当初 您当初 当初")]
    [InlineData("(?:a|b)c|d", "ac bc d")]
    [InlineData(@"no\.1", "no.1")]
    [InlineData("哪(知道|晓得|说(得|不)准)", "哪知道 哪晓得 哪说得准 哪说不准")]
    public void A_pattern_of_plain_words_stands_for_those_words(string pattern, string words) =>
        Assert.Equal(words.Split(' '), CueMatcher.Words(pattern));

    [Theory]
    [InlineData("^不(退|换)")]
    [InlineData("[哦哈]$")]
    [InlineData(@"\d+小时内")]
    [InlineData("赔.{0,2}倍")]
    [InlineData("(?<hit>top)")]
    [InlineData("好+")]
    [InlineData("好*")]
    [InlineData("好??")]
    [InlineData("(好)?")]
    [InlineData("a|")]
    [InlineData("(a|b")]
    [InlineData("a)")]
    [InlineData(@"\bhi")]
    [InlineData("")]
    public void Anything_else_stays_a_regular_expression(string pattern) => Assert.Null(CueMatcher.Words(pattern));

    private static readonly string[][] Cues =
    [
        ["抱歉", "对不(住|起)", "谢谢"],
        ["^不(退|换|行)", "不想(说|回答)", "^(没空|算了)$", "说事$"],
        ["(小问题|小事).{0,6}(问|值得)", "(你|您)?当初", "看清楚"],
        [@"\d+小时内", "以.{0,4}为准", "工作日"],
        ["[哦哈呢]$", "～", "亲"],
        ["hi", "hello"],
        ["(a|b", "c)"],
    ];

    [Theory]
    [InlineData("抱歉，让您久等了")]
    [InlineData("不退")]
    [InlineData("我不想说")]
    [InlineData("算了")]
    [InlineData("那就算了吧")]
    [InlineData("小事一桩还要问")]
    [InlineData("你当初怎么不看清楚")]
    [InlineData("48小时内发货，以实际为准哦")]
    [InlineData("which one, hello亲")]
    [InlineData("对不住对不起谢谢")]
    [InlineData("xc)ab")]
    [InlineData("")]
    [InlineData("好的")]
    public void Each_cue_is_found_where_its_alternation_matches(string text)
    {
        var matcher = new CueMatcher(Cues);
        var found = new bool[Cues.Length];
        matcher.Find(text, found);
        for (var k = 0; k < Cues.Length; k++)
            Assert.Equal(new Regex(TextPattern.Alternation(Cues[k]), RegexOptions.CultureInvariant).IsMatch(text), found[k]);
    }
}
