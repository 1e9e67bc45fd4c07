namespace KefuScore.Engine.Score;

/// <summary>
/// The seed articles' reasons why the experience score drops and what to do about each (seeds/004: 二、分数怎么下降了;
/// 一、抖店怎么提升服务体验分). Every indicator and every complaint category falls into one of them.
/// </summary>
public static class Advice
{
    public sealed record Entry(string Category, string ReasonZh, string ReasonEn, string AdviceZh, string AdviceEn);

    public static IReadOnlyList<Entry> All { get; } =
    [
        new("slow_reply", "回复慢", "Slow replies", "及时回复消费者:缩短首次响应,常见问题提前备好答案", "Reply faster: shorten first responses, prepare answers to common questions"),
        new("product_info", "虚假宣传或失信行为", "False advertising or broken promises", "提供准确的商品信息:描述准确,避免夸大宣传", "Give accurate product information; do not exaggerate"),
        new("quality", "假货或质量问题", "Fakes and quality problems", "确保商品质量和真实性,做好质量控制", "Make sure products are genuine and control quality"),
        new("logistics", "物流问题", "Logistics problems", "优化物流配送:按时发货,准确跟踪,预防物流问题", "Better logistics: ship on time, track accurately, prevent delivery problems"),
        new("aftersale", "售后处理不当", "After-sales handled badly", "提供售后保障:及时、合理地处理退换货", "Handle after-sales properly: returns and refunds promptly and fairly"),
        new("communication", "缺乏沟通和互动", "Too little communication", "积极互动与沟通:关注用户反馈,及时帮助", "More communication: listen to feedback and help in time"),
    ];

    public static IReadOnlyList<string> Categories { get; } = All.Select(e => e.Category).ToList();

    public static Entry For(string category) => All.FirstOrDefault(e => e.Category == category) ?? All[^1];

    /// <summary>The seeds' category of a complaint category (SPEC §3).</summary>
    public static string OfComplaint(string category) => category switch
    {
        "slow_reply" => "slow_reply",
        "false_advertising" => "product_info",
        "quality" => "quality",
        "logistics" or "lost" => "logistics",
        "aftersale" => "aftersale",
        _ => "communication",
    };
}
