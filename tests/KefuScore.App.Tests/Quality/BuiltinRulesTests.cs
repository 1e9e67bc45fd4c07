using KefuScore.App.Quality;
using KefuScore.Engine.Quality;

namespace KefuScore.App.Tests.Quality;

/// <summary>The shipped rules (Quality/inspection.yaml) on literal messages: what each flags and what it must leave alone.</summary>
public sealed class BuiltinRulesTests
{
    private static readonly InspectionRules Rules = InspectionLoader.BuiltIn();

    private static IReadOnlyList<string> Match(string rule, string text) => new PhraseMatcher(Rules.Find(rule)!).Matches(text);

    [Fact]
    public void The_built_in_rules_configure_all_five_rules() =>
        Assert.Equal(RuleIds.All, Rules.Rules.Select(r => r.Id));

    [Theory]
    [InlineData("这款是全网最低价", "全网最低")]
    [InlineData("这是我们家最好的面膜", "最好")]
    [InlineData("今天买最便宜", "最便宜")]
    [InlineData("销量第一,放心买", "第一")]
    [InlineData("保证100%有效", "100%有效")]
    [InlineData("百分百正品", "百分百")]
    [InlineData("国家级认证的顶级原料", "国家级、顶级")]
    [InlineData("绝对不会掉色", "绝对")]
    [InlineData("可以根治脱发", "根治")]
    [InlineData("这是唯一的正品渠道", "唯一")]
    [InlineData("永久保修", "永久")]
    [InlineData("万能清洁剂", "万能")]
    [InlineData("特效祛痘", "特效")]
    [InlineData("１００％纯天然", "１００％")]
    [InlineData("我们是TOP1品牌", "TOP1")]
    [InlineData("最近最低价", "最低")]
    public void Absolute_claims_are_flagged(string text, string evidence) =>
        Assert.Equal(evidence, string.Join("、", Match(RuleIds.AbsoluteClaim, text)));

    [Theory]
    [InlineData("亲,最近在做活动哦")]
    [InlineData("最后一天优惠")]
    [InlineData("最终价格以下单为准")]
    [InlineData("第一次购买可以领券")]
    [InlineData("发货后第一天就能到")]
    [InlineData("第一步先点击退款")]
    [InlineData("我们第一时间为您处理")]
    [InlineData("最快明天发货,最迟后天")]
    [InlineData("最多可以买三件,最少一件")]
    [InlineData("您最好先拍照留证")]
    [InlineData("面料是100%纯棉的")]
    [InlineData("最新物流显示已到站")]
    public void Ordinary_words_are_not_absolute_claims(string text) => Assert.Empty(Match(RuleIds.AbsoluteClaim, text));

    [Theory]
    [InlineData("你自己看详情页", "你自己看")]
    [InlineData("不知道啊", "不知道啊")]
    [InlineData("爱买不买", "爱买不买")]
    [InlineData("烦不烦啊你", "烦不烦")]
    [InlineData("说了多少遍了", "说了多少遍")]
    [InlineData("听不懂吗?", "听不懂吗")]
    [InlineData("没办法", "没办法")]
    public void Rude_phrases_are_flagged(string text, string evidence) =>
        Assert.Equal(evidence, string.Join("、", Match(RuleIds.Rude, text)));

    [Theory]
    [InlineData("您可以在详情页查看尺码表")]
    [InlineData("亲,麻烦您再说一遍地址")]
    public void Patient_answers_are_not_rude(string text) => Assert.Empty(Match(RuleIds.Rude, text));

    [Theory]
    [InlineData("不知道", "不知道")]
    [InlineData("这个不清楚", "不清楚")]
    [InlineData("不确定能不能到", "不确定")]
    public void Vague_answers_match(string text, string evidence) =>
        Assert.Equal(evidence, string.Join("、", Match(RuleIds.Vague, text)));

    [Theory]
    [InlineData("不知道您需要哪个颜色呢")]
    [InlineData("有不清楚的地方随时问我")]
    [InlineData("不确定的话可以先加购")]
    public void Polite_questions_are_not_vague(string text) => Assert.Empty(Match(RuleIds.Vague, text));

    [Theory]
    [InlineData("您好,请问有什么可以帮您")]
    [InlineData("亲,在的")]
    [InlineData("先生您好")]
    [InlineData("女士,您的快递已发出")]
    [InlineData("小姐姐,这款有货哦")]
    [InlineData("宝宝,已经帮你备注了")]
    public void Polite_addresses_are_recognised(string text) => Assert.NotEmpty(Match(RuleIds.NoPoliteAddress, text));

    [Theory]
    [InlineData("在")]
    [InlineData("有货,拍吧")]
    public void Bare_answers_lack_a_polite_address(string text) => Assert.Empty(Match(RuleIds.NoPoliteAddress, text));

    [Fact]
    public void The_defaults_are_120_seconds_for_a_follow_up_and_300_for_a_silence()
    {
        Assert.Equal(TimeSpan.FromSeconds(120), Rules.Find(RuleIds.Vague)!.Within);
        Assert.Equal(TimeSpan.FromSeconds(300), Rules.Find(RuleIds.LongSilence)!.Within);
    }
}
