using System.Xml.Linq;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Text;
using KefuScore.Web.Dashboard;

namespace KefuScore.Web.Tests.Dashboard;

/// <summary>
/// The engine's messages as the dashboard shows them: every code in Simplified Chinese and in English, with figures
/// formatted for the reader, beside the command line's English that must not change.
/// </summary>
public sealed class MessageTextTests
{
    private static readonly Lang Zh = new(false), En = new(true);
    private static Ref Metric(string id) => new(RefKind.Metric, id);
    private static Num Share(double v) => new(v, NumKind.Share);
    private static Num Seconds(double v) => new(v, NumKind.Seconds);

    /// <summary>One row per code: the message, its Chinese, its English, and the CLI's English.</summary>
    private static readonly (Msg Msg, string Zh, string En, string Cli)[] Cases =
    [
        (new(Codes.VerdictExempt, new Ref(RefKind.Period, "spring_festival_2026")), "2026年春节期间不考核", "Not assessed during Spring Festival 2026", "exempt during spring_festival_2026"),
        (new(Codes.VerdictNoValue, Metric("reply_rate_3min")), "3分钟人工回复率无数据", "3-minute human reply rate: no data", "reply_rate_3min has no value"),
        (new(Codes.VerdictHolds, Metric("reply_rate_3min"), Share(0.9373), Comparison.Below, Share(0.97)),
            "3分钟人工回复率 93.7%，低于 97.0%", "3-minute human reply rate 93.7%, below 97.0%", "reply_rate_3min 0.9373 < 0.97"),
        (new(Codes.VerdictNotHolds, Metric("reply_rate_3min"), Share(0.9373), Comparison.Below, Share(0.5), Comparison.AtLeast),
            "3分钟人工回复率 93.7%，不低于 50.0%", "3-minute human reply rate 93.7%, at least 50.0%", "reply_rate_3min 0.9373 not < 0.5"),
        (new(Codes.VerdictInARow, 2), "（连续 2 期）", "(2 periods in a row)", "(2 periods in a row)"),
        (new(Codes.VerdictNotInARow, 7), "（未连续 7 期）", "(not 7 periods in a row)", "(not 7 periods in a row)"),
        (new(Codes.FindingText, "亲"), "亲", "亲", "亲"),
        (new(Codes.FindingWaited, Seconds(383), Seconds(300)), "顾客等了 6分23秒 才得到回复（上限 5分钟）", "The customer waited 6 min 23 s for a reply (limit 5 min)", "waited 383 s for a reply (limit 300 s)"),
        (new(Codes.FindingNoReply, Seconds(81806), Seconds(300)), "没有回复；这条消息之后 22小时43分 顾客仍在发消息（上限 5分钟）",
            "No reply; the customer was still writing 22 h 43 min after this message (limit 5 min)", "no reply; the customer was still writing 81806 s after this message (limit 300 s)"),
        (new(Codes.ExplainWithin, "a1", Seconds(42.5), Seconds(180)), "a1 在 42.5秒 后回复（不超过 3分钟）", "Answered by a1 after 42.5 s (within 3 min)", "answered by a1 after 42.5 s (≤ 180 s)"),
        (new(Codes.ExplainLate, "a1", Seconds(203), Seconds(180)), "a1 在 3分23秒 后才回复（超过 3分钟）：超时", "Answered by a1 after 3 min 23 s (over 3 min): late", "answered by a1 after 203 s (> 180 s): late"),
        (new(Codes.ExplainAnswered, "a1", Seconds(203)), "已回复：a1 在 3分23秒 后回复", "Answered by a1 after 3 min 23 s", "answered by a1 after 203 s"),
        (new(Codes.ExplainUnanswered), "没有有效的人工回复，算作未回复", "No valid human reply: unanswered", "no valid human reply"),
        (new(Codes.ExplainOutsideHours, "09:00-19:00"), "发送时间不在考核时段 09:00-19:00 内", "Sent outside the assessment hours 09:00-19:00", "sent outside the assessment hours 09:00-19:00"),
        (new(Codes.ExplainMerged, "round", "m1"), "并入 m1 开始的那一轮", "Merged into the round opened by m1", "merged into the round opened by m1"),
        (new(Codes.ExplainNotFirst), "不是该会话当天第一条计入的消息", "Not the conversation's first counted message of the day", "not the conversation's first counted message of the day"),
        (new(Codes.ExplainBotOnly), "会话只由机器人接待，本规则不计", "Handled by bots only, which these rules leave out", "the conversation was handled by bots only, which this profile leaves out"),
        (new(Codes.ExplainLeaveMessage), "会话以留言结束（关闭前没有有效回复），计入留言率", "Left as a message (no valid reply before it closed): counted in the leave-message rate",
            "the session was left as a message (留言): no valid reply before it closed; counted in the leave-message rate instead"),
        (new(Codes.ExplainNotInVersion), "当天生效的规则版本没有这个指标", "The rules in force that day have no such metric", "the metric is not in the profile version in force that day"),
        (new(Codes.IgnoredWelcome, "m2"), "m2 是欢迎语，不算回复", "m2 was a welcome message, which does not count", "m2 was a welcome message, which does not count"),
        (new(Codes.IgnoredBot, "m2"), "m2 是机器人回复，不算人工回复", "m2 was a bot reply, which does not count", "m2 was a bot reply, which does not count"),
        (new(Codes.IgnoredAssist, "m2"), "m2 是本规则不认可的辅助模式机器人回复", "m2 was an assist-mode bot reply these rules do not accept", "m2 was a assist-mode bot reply not accepted by this profile, which does not count"),
        (new(Codes.IgnoredSystem, "m2"), "m2 是系统消息，不算回复", "m2 was a system message, which does not count", "m2 was a system message, which does not count"),
        (new(Codes.IgnoredAuto, "m2"), "m2 是自动回复，不算人工回复", "m2 was an auto-reply, which does not count", "m2 was a auto-reply, which does not count"),
        (new(Codes.HoursNotWindow, "23点到8点"), "「23点到8点」不是有效的时段，请写成 23:00-08:00 的形式", "“23点到8点” is not a time window; write it like 23:00-08:00",
            "'23点到8点' is not a window like \"09:00-19:00\" or \"all\""),
        (new(Codes.HoursEmpty, "09:00-09:00"), "「09:00-09:00」的开始和结束相同，时段为空", "“09:00-09:00” starts and ends at the same time", "'09:00-09:00' is an empty window"),
        (new(Codes.WhatIfFormat, "service=abc"), "「service=abc」不是有效的假设值：请填写数字", "“service=abc” is not a valid what-if: enter a number",
            "--what-if: 'service=abc' is not KEY=VALUE with a number, e.g. service=65 or reply_rate_3min=0.95"),
        (new(Codes.WhatIfRange, new Ref(RefKind.Dimension, "service"), new Num(120, NumKind.Plain)), "服务体验分数 120 超出 0–100 的范围", "Service: 120 is outside 0–100", "--what-if: service=120 is outside 0–100"),
        (new(Codes.WhatIfRate, "reply_rate_3min", new Num(97, NumKind.Plain)), "「reply_rate_3min」是比例，97 应在 0–100% 之间（97% 写作 97% 或 0.97）",
            "“reply_rate_3min” is a rate: 97 must lie in 0–100% (97% or 0.97)", "--what-if: reply_rate_3min=97 is a rate and must lie in 0–1 (0.97 for 97%)"),
        (new(Codes.Said, "目标：须大于 0% 且小于 100%"), "目标：须大于 0% 且小于 100%", "目标：须大于 0% 且小于 100%", "目标：须大于 0% 且小于 100%"),
        (new(Codes.WhatIfKey, "speed", "reply_rate_3min"), "「speed」既不是维度（商品、物流、服务），也不是本规则的指标", "“speed” is neither a dimension (product, logistics, service) nor an indicator of these rules",
            "--what-if: 'speed' is neither a dimension (product, logistics, service) nor an indicator (reply_rate_3min)"),
        (new(Codes.TargetFormat, "97%"), "「97%」不是有效的目标：请选择指标并填写比例，如 97%", "“97%” is not a valid target: choose a metric and a share such as 97%", "'97%' is not METRIC=SHARE, e.g. reply_rate_3min=0.97"),
        (new(Codes.TargetShare, "97"), "目标比例 97 应大于 0、小于 100%", "The target share 97 must be above 0 and below 100%", "the share 97 must be strictly between 0 and 1"),
        (new(Codes.TargetMetric, Metric("consultations"), "douyin", "reply_rate_3min"), "「咨询量」不是本店规则中的回复率指标", "“Consultations” is not a reply-rate metric of this shop's rules",
            "'consultations' is not a reply-within metric of profile douyin (one of: reply_rate_3min)"),
        (new(Codes.NotEnoughHistory, new DateOnly(2026, 11, 30), 56), "历史数据不足：预测 2026年11月30日 需要此前 56 天中至少 7 个非节日的咨询数据",
            "Not enough history: forecasting 30 Nov 2026 needs consultations on at least 7 non-festival days in the 56 days before it",
            "not enough history: a forecast for 2026-11-30 needs consultations on at least 7 non-festival days in the 56 days before it"),
        (new(Codes.UpliftUser, new Num(1.5, NumKind.Plain)), "手动设定 ×1.5", "Set by hand: ×1.5", "set by the user: × 1.5"),
        (new(Codes.UpliftNotFestival), "非节日，不加量", "Not a festival day: no uplift", "not a festival day"),
        (new(Codes.UpliftNoEarlier, new DateOnly(2026, 2, 10), new DateOnly(2026, 2, 24)), "节日 2026年2月10日至2026年2月24日，但没有更早的节日数据可参考",
            "Festival 10 Feb 2026 to 24 Feb 2026, but no earlier festival to learn from", "festival 2026-02-10..2026-02-24, but no earlier festival period is known"),
        (new(Codes.UpliftTooLittle, new DateOnly(2027, 1, 30), new DateOnly(2027, 2, 13), new DateOnly(2026, 2, 10), new DateOnly(2026, 2, 24), 28),
            "节日 2027年1月30日至2027年2月13日，但上一个节日（2026年2月10日至2026年2月24日）的历史数据太少（需要节日内 3 天及此前 28 天中的 3 天）",
            "Festival 30 Jan 2027 to 13 Feb 2027, but too little history of the last festival (10 Feb 2026 to 24 Feb 2026; needs 3 days in it and 3 of the 28 days before it)",
            "festival 2027-01-30..2027-02-13, but the history has too little of last year's festival 2026-02-10..2026-02-24 (needs 3 days in it and 3 in the 28 days before it)"),
        (new(Codes.UpliftLearned, new DateOnly(2026, 2, 10), new DateOnly(2026, 2, 24), 15, new Num(182.46, NumKind.Plain), 28, new Num(120.04, NumKind.Plain), new Num(1.52001, NumKind.Plain)),
            "根据上一个节日（2026年2月10日至2026年2月24日）估算：节日 15 天日均 182.46，此前 28 天日均 120.04（×1.52）",
            "Learned from the last festival (10 Feb 2026 to 24 Feb 2026): 15 days at 182.46 a day against 28 days before at 120.04 (×1.52)",
            "learned from festival 2026-02-10..2026-02-24: 15 days at 182.5 vs 28 days before at 120 (× 1.52)"),
        (new(Codes.AlertIdRequired), "必须填写，最多 64 个字符", "Required, at most 64 characters", "is required, at most 64 characters"),
        (new(Codes.AlertIdTwice, "w1"), "「w1」重复使用", "“w1” is used twice", "'w1' is used twice"),
        (new(Codes.AlertWaitingThreshold), "等待时长应大于 0 秒、不超过 24 小时", "The wait must be above 0 s and at most 24 h", "waiting needs seconds above 0 and at most 86400"),
        (new(Codes.AlertSaturationThreshold), "饱和度应大于 0、不超过 1000%（1.0 即 100%）", "Saturation must be above 0 and at most 1000% (1.0 = 100%)", "saturation needs a share above 0 (1.0 = 100%) and at most 10"),
        (new(Codes.AlertProjectionThreshold), "预测线应大于 0、不超过 100%（如 97%）", "The projected line must be above 0 and at most 100% (e.g. 97%)", "projection_below needs a line above 0 and at most 1 (0.97 = 97%)"),
        (new(Codes.AlertProjectionMetric, "douyin", "reply_rate_3min"), "预测告警需要选择本店规则中的一个比率指标", "A projection alert needs a rate metric of this shop's rules", "projection_below needs a rate metric of profile 'douyin' (reply_rate_3min)"),
        (new(Codes.AlertNotJson, "x"), "内容格式有误，无法读取", "The content could not be read", "not JSON: x"),
        (new(Codes.AlertExpectedObject), "应包含免打扰时段和告警规则", "Expected quiet hours and alert rules", "expected an object with quiet_hours and rules"),
        (new(Codes.AlertQuietHoursText), "免打扰时段应写成 23:00-08:00 的形式，或留空", "Quiet hours must look like 23:00-08:00, or be empty", "expected a window like \"23:00-08:00\" or null"),
        (new(Codes.AlertExpectedRules), "缺少告警规则列表", "The list of alert rules is missing", "expected an array of rules"),
        (new(Codes.AlertExpectedRule), "告警规则格式有误", "An alert rule is malformed", "expected an object"),
        (new(Codes.AlertKind, "loud"), "「loud」不是已知的告警类型", "“loud” is not a known kind of alert", "'loud' is not one of waiting, no_agent_online, saturation, projection_below, dissatisfied, complaint"),
        (new(Codes.AlertNotNumber), "应填写数字", "Enter a number", "expected a number"),
        (new(Codes.AlertUnknownShop, "s9"), "店铺「s9」不存在", "Shop “s9” does not exist", "shop 's9' is not known"),
    ];

    public static TheoryData<int> Rows() => [.. Enumerable.Range(0, Cases.Length)];

    [Theory]
    [MemberData(nameof(Rows))]
    public void Each_code_reads_in_Chinese_English_and_the_command_lines_English(int row)
    {
        var (msg, zh, en, cli) = Cases[row];
        Assert.Equal(zh, Zh.Say(msg));
        Assert.Equal(en, En.Say(msg));
        Assert.Equal(cli, EnglishText.Render(msg));
    }

    [Fact]
    public void Every_code_has_a_case_here_and_a_text_in_both_languages()
    {
        Assert.Equal(Codes.All.Order(StringComparer.Ordinal),
            Cases.Concat(InputMessageTextTests.Cases).Concat(LoaderMessageTextTests.Cases).Select(c => c.Msg.Code).Distinct().Order(StringComparer.Ordinal));
        foreach (var code in Codes.All)
        {
            Assert.NotNull(Zh.Resource(code));
            Assert.NotNull(En.Resource(code));
        }
    }

    [Fact]
    public void Both_resource_files_hold_the_same_keys()
    {
        static IEnumerable<string> Keys(string file) =>
            XDocument.Load(Path.Combine(Root(), "src", "KefuScore.Web", "Dashboard", "Text", file)).Root!.Elements("data").Select(d => (string)d.Attribute("name")!).Order(StringComparer.Ordinal);
        Assert.Equal(Keys("Messages.resx"), Keys("MessagesEn.resx"));
    }

    [Fact]
    public void The_Chinese_texts_hold_no_identifier_and_no_raw_seconds()
    {
        foreach (var (msg, zh, _, _) in Cases.Where(c => c.Msg.Code != Codes.FindingText && c.Msg.Args.All(a => a is not string)))
        {
            Assert.DoesNotMatch(@"[a-z]+_[a-z_]+", zh);
            Assert.DoesNotMatch(@"\d{3,}\s*(秒|s\b)", zh);
        }
    }

    [Fact]
    public void A_verdicts_conditions_join_with_a_Chinese_semicolon_and_the_run_follows()
    {
        Msg[] reasons =
        [
            new(Codes.VerdictHolds, Metric("consultations"), new Num(120, NumKind.Count), Comparison.Above, new Num(100, NumKind.Count)),
            new(Codes.VerdictNotHolds, Metric("reply_rate_3min"), Share(0.9373), Comparison.Below, Share(0.5), Comparison.AtLeast),
            new(Codes.VerdictNotInARow, 2),
        ];
        Assert.Equal("咨询量 120，高于 100；3分钟人工回复率 93.7%，不低于 50.0%（未连续 2 期）", Zh.Say(reasons));
        Assert.Equal("Consultations 120, above 100; 3-minute human reply rate 93.7%, at least 50.0% (not 2 periods in a row)", En.Say(reasons));
        Assert.Equal("consultations 120 > 100; reply_rate_3min 0.9373 not < 0.5 (not 2 periods in a row)", EnglishText.Render(reasons));
    }

    [Fact]
    public void A_profiles_own_name_wins_over_the_resource_and_the_id_is_the_last_resort()
    {
        var names = new Dictionary<string, string> { ["zh-CN"] = "三分钟回复率", ["en"] = "Replies in 3 min" };
        Assert.Equal("三分钟回复率", Zh.Label(RefKind.Metric, "reply_rate_3min", names));
        Assert.Equal("Replies in 3 min", En.Label(RefKind.Metric, "reply_rate_3min", names));
        Assert.Equal("3分钟人工回复率", Zh.Label(RefKind.Metric, "reply_rate_3min"));
        Assert.Equal("my_metric", Zh.Label(RefKind.Metric, "my_metric"));
        Assert.Equal("铜牌客服", Zh.Grade("bronze"));
        Assert.Equal("待提升", Zh.Grade("improve"));
        Assert.Equal("Bronze", En.Grade("bronze"));
        Assert.Equal("虚假宣传", Zh.Term("complaint", "false_advertising"));
        Assert.Equal("回复不及时", Zh.Term("complaint", "slow_reply"));
        Assert.Equal("Slow reply", En.Term("complaint", "slow_reply"));
        Assert.Equal("长时间未回复", Zh.Label(RefKind.QualityRule, "long_silence"));
    }

    [Theory]
    [InlineData(45.5, "45.5秒", "45.5 s")]
    [InlineData(300, "5分钟", "5 min")]
    [InlineData(383, "6分23秒", "6 min 23 s")]
    [InlineData(3600, "1小时", "1 h")]
    [InlineData(81806, "22小时43分", "22 h 43 min")]
    public void Durations_read_as_minutes_and_hours(double seconds, string zh, string en)
    {
        Assert.Equal(zh, Zh.Duration(seconds));
        Assert.Equal(en, En.Duration(seconds));
    }

    [Fact]
    public void Dates_carry_the_year_only_when_it_is_not_this_year_and_money_is_in_yuan()
    {
        var today = new DateOnly(2026, 12, 5);
        Assert.Equal("12月5日", Zh.Date(new DateOnly(2026, 12, 5), today));
        Assert.Equal("2025年12月31日", Zh.Date(new DateOnly(2025, 12, 31), today));
        Assert.Equal("31 Dec 2025", En.Date(new DateOnly(2025, 12, 31), today));
        Assert.Equal("2026年12月", Zh.Month(2026, 12));
        Assert.Equal("Dec 2026", En.Month(2026, 12));
        Assert.Equal("1,000 元", Zh.Yuan(1000m));
        Assert.Equal("93.7%", Lang.Share(0.9373));
    }

    private static string Root()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "KefuScore.slnx"))) dir = Path.GetDirectoryName(dir)!;
        return dir;
    }
}
