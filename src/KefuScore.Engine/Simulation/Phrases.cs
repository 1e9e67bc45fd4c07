namespace KefuScore.Engine.Simulation;

/// <summary>
/// Short Chinese texts for simulated chats and reviews. A few agent lines are deliberately poor (curt, rude,
/// or absolute claims that advertising law forbids) so that quality inspection has something to find.
/// </summary>
public static class Phrases
{
    public static IReadOnlyList<string> CustomerOpeners { get; } =
    [
        "在吗?", "你好", "有人吗?", "这个还有货吗?", "什么时候发货?", "能便宜点吗?", "可以开发票吗?",
        "发什么快递?", "尺码怎么选?", "我的快递怎么还没到?", "这个是正品吗?", "怎么退货?", "能改地址吗?",
        "有优惠券吗?", "质量怎么样?", "拍了能今天发吗?", "这款有现货吗", "赠品还有吗?",
    ];

    public static IReadOnlyList<string> CustomerFollowUps { get; } =
    [
        "好的", "谢谢", "那我拍了", "多久能到?", "可以退吗?", "还有别的颜色吗?", "嗯嗯", "?", "那我再看看",
        "能包邮吗?", "165斤穿多大", "发顺丰可以吗", "好的谢谢", "已经拍了,尽快发货哈", "能送个小礼品吗",
    ];

    /// <summary>What a customer sends again when nobody answers.</summary>
    public static IReadOnlyList<string> CustomerImpatient { get; } = ["在吗?", "有人吗?", "怎么不回复", "人呢?", "能快点吗"];

    public static IReadOnlyList<string> AgentReplies { get; } =
    [
        "您好,亲,在的", "亲,有货的,可以直接拍哦", "亲,付款后48小时内发货", "您好,默认中通快递哦",
        "亲,可以开发票的,下单备注抬头就好", "亲,参考详情页尺码表,您平时穿多大呢?", "亲,已经帮您查询,物流在路上了,请耐心等待",
        "亲,支持7天无理由退换货的", "亲,地址已经帮您修改好了", "亲,店铺首页有优惠券可以领取哦",
        "好的,亲,还有什么可以帮您的吗?", "感谢您的支持,祝您生活愉快!", "稍等,我帮您查一下", "亲,建议拍M码哦",
        "您好,这款是现货,今天下午四点前拍下当天发", "亲,顺丰需要补差价10元哦", "亲,赠品数量有限,先拍先得",
    ];

    /// <summary>Curt or rude lines (about one agent message in fifty).</summary>
    public static IReadOnlyList<string> AgentPoor { get; } = ["在", "有", "不知道", "自己看详情页", "说了多少遍了", "不能"];

    /// <summary>Absolute claims (绝对化用语) and promises nobody can keep (about one agent message in a hundred).</summary>
    public static IReadOnlyList<string> AgentAbsolute { get; } =
    [
        "全网最低价,放心购买", "100%正品,假一赔十", "绝对不会掉色的", "明天肯定到", "全国第一品牌,质量最好",
    ];

    public static string AgentAuto => "您好,欢迎光临本店,客服马上为您服务~";

    public static string Welcome => "欢迎光临!有什么可以帮您?";

    public static IReadOnlyList<string> BotReplies { get; } =
    [
        "亲,现在是非工作时间,客服上班后会第一时间回复您", "您好,我是智能客服小助手,请问有什么可以帮您?",
        "亲,发货时间一般为付款后48小时内", "亲,您可以点击下方菜单查询物流哦",
    ];

    public static IReadOnlyList<string> GoodReviews { get; } = ["质量很好,很满意", "物流很快,包装完好", "和图片一样,好评", "第二次购买了,一如既往的好", "客服态度很好"];

    public static IReadOnlyList<string> MediumReviews { get; } = ["一般般吧", "还行,有点色差", "物流有点慢", "尺码偏小"];

    public static IReadOnlyList<string> BadReviews { get; } = ["和描述不符", "差评,质量太差", "用了一次就坏了", "客服不理人", "假货,别买"];

    public static string ComplaintText(string category) => category switch
    {
        "attitude" => "客服态度差",
        "slow_reply" => "客服回复太慢,等了半天",
        "false_advertising" => "客服说是正品,收到是假货",
        "quality" => "收到的东西坏了",
        "logistics" => "快递一直不到",
        "aftersale" => "退款一直不处理",
        _ => "问题一直没解决",
    };
}
