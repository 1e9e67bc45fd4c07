using KefuScore.Engine.Text;
using KefuScore.Web.Dashboard;

namespace KefuScore.Web.Tests.Dashboard;

/// <summary>
/// Input errors (a profile's YAML, shared YAML checks) as the dashboard shows them under the line they are about, in
/// Simplified Chinese and English, beside the command line's English that must not change.
/// </summary>
public sealed class InputMessageTextTests
{
    private static readonly Lang Zh = new(false), En = new(true);

    /// <summary>One row per input code: the message, its Chinese, its English, and the CLI's English.</summary>
    internal static readonly (Msg Msg, string Zh, string En, string Cli)[] Cases =
    [
        (new(Codes.Untranslated, "shift 'x': too long"),
            "shift 'x': too long", "shift 'x': too long", "shift 'x': too long"),
        (new(Codes.InputRequired),
            "必须填写", "Required", "is required"),
        (new(Codes.InputSingleValue),
            "只能填一个值", "Must be a single value", "must be a single value"),
        (new(Codes.InputList),
            "应是一个列表", "Must be a list", "must be a list"),
        (new(Codes.InputListOfValues),
            "应是一个值的列表", "Must be a list of values", "must be a list of values"),
        (new(Codes.InputMapping),
            "应是“键: 值”的结构", "Must be a set of key: value pairs", "must be a mapping"),
        (new(Codes.InputUnknownKey, "id, kind"),
            "无法识别的字段（可用：id, kind）", "Unknown field (expected one of: id, kind)", "unknown key (expected one of: id, kind)"),
        (new(Codes.InputNotNumber, "fast"),
            "「fast」不是数字", "“fast” is not a number", "'fast' is not a number"),
        (new(Codes.InputNotWhole, "1.5"),
            "「1.5」不是整数", "“1.5” is not a whole number", "'1.5' is not a whole number"),
        (new(Codes.InputNotBool, "maybe"),
            "「maybe」应为 true 或 false", "“maybe” must be true or false", "'maybe' is not true or false"),
        (new(Codes.InputNotDuration, "soon"),
            "「soon」不是有效的时长，请写成 180s、10m 或 24h", "“soon” is not a duration; write it like 180s, 10m or 24h", "'soon' is not a duration like 180s, 10m, 24h"),
        (new(Codes.InputNotDate, "2026-13-01"),
            "「2026-13-01」不是有效的日期，请写成 2026-02-10", "“2026-13-01” is not a date; write it like 2026-02-10", "'2026-13-01' is not a date like 2026-02-10"),
        (new(Codes.InputNotOneOf, "fortnight", "day, week, month, rolling"),
            "「fortnight」不是可选的值（可选：day, week, month, rolling）", "“fortnight” is not one of the allowed values (day, week, month, rolling)", "'fortnight' is not one of day, week, month, rolling"),
        (new(Codes.InputAboveZero),
            "应大于 0", "Must be above 0", "must be above 0"),
        (new(Codes.InputAtLeastOne),
            "至少为 1", "Must be 1 or more", "must be 1 or more"),
        (new(Codes.InputYamlSyntax, "While scanning a plain scalar, found a tab character."),
            "格式有误，无法按 YAML 读取（请检查缩进、冒号和引号）", "Not readable as YAML (While scanning a plain scalar, found a tab character.)", "While scanning a plain scalar, found a tab character."),
        (new(Codes.InputDocumentMapping, "id:, metrics:, …"),
            "文件内容应是“键: 值”的结构（id:, metrics:, …）", "The file must be a set of key: value pairs (id:, metrics:, …)", "the document must be a mapping (id:, metrics:, …)"),
        (new(Codes.InputCannotRead, "Access denied"),
            "文件无法读取", "The file cannot be read", "cannot be read: Access denied"),
        (new(Codes.InputTooMany, 1234, 100),
            "共 1,234 处问题，只列出前 100 处", "1,234 problems in all; only the first 100 are listed", "1,234 problems in all; only the first 100 are listed (limit: 100 errors)"),
        (new(Codes.ProfileNames),
            "名称应按语言填写，如 { zh-CN: 满意率, en: Satisfaction rate }", "Names must map a language to a name, e.g. { zh-CN: 满意率, en: Satisfaction rate }", "must map a culture to a name, e.g. { zh-CN: 满意率, en: Satisfaction rate }"),
        (new(Codes.ProfileStars),
            "应为 1–5 星各自对应满意、一般或不满意", "Must map 1–5 stars to satisfied, neutral or dissatisfied", "must map stars 1-5 to satisfied, neutral or dissatisfied"),
        (new(Codes.ProfileStarsKey),
            "星级应是 1 到 5 的数字", "Stars must be a number from 1 to 5", "must be a number of stars from 1 to 5"),
        (new(Codes.ProfileStarUnmapped, 3),
            "3 星没有对应的评价等级", "3 stars is not mapped to a level", "3 stars is not mapped to a level"),
        (new(Codes.ProfileConditionOne),
            "每个条件只能有一个比较：below、at_most、above 或 at_least", "A condition needs exactly one comparison: below, at_most, above or at_least", "a condition needs exactly one of below, at_most, above, at_least"),
        (new(Codes.ProfileConsequenceShape),
            "处罚应写成 { kind: fine, amount: 1000 } 的形式，或它们的列表", "A consequence must look like { kind: fine, amount: 1000 }, or be a list of them", "must be a mapping like { kind: fine, amount: 1000 } or a list of them"),
        (new(Codes.ProfileMetricTwice, "m1"),
            "指标编号「m1」重复使用", "Metric id “m1” is used twice", "metric id 'm1' is used twice"),
        (new(Codes.ProfileAssessmentTwice, "a1"),
            "考核规则编号「a1」重复使用", "Assessment id “a1” is used twice", "assessment id 'a1' is used twice"),
        (new(Codes.ProfileIndicatorTwice, "i1"),
            "体验分指标编号「i1」重复使用", "Indicator id “i1” is used twice", "indicator id 'i1' is used twice"),
        (new(Codes.ProfileRoleNoMetric, "m9"),
            "「m9」不是本规则中的指标", "“m9” is not a metric of these rules", "'m9' is not a metric of this profile"),
        (new(Codes.ProfileRoleKind, "m1", "reply_within"),
            "「m1」的指标类型不对（应为 reply_within）", "“m1” is not a reply_within metric", "'m1' is not a reply_within metric"),
        (new(Codes.ProfileMetricShape, "m1"),
            "指标「m1」在不同版本中的类型不一致（比率、平均值、计数不能互换）", "Metric “m1” changes between a rate, an average and a count across versions", "metric 'm1' changes between a rate, an average and a count across versions"),
        (new(Codes.ProfileWithin),
            "回复时限指标需要大于 0 的时限（如 180s）", "A reply-within metric needs a limit above 0 (e.g. 180s)", "a reply_within metric needs a threshold in seconds above 0"),
        (new(Codes.ProfileLevels),
            "评价占比指标需要写明统计哪些评价等级", "A rating-share metric needs the levels it counts", "a rating_share metric needs the levels it counts"),
        (new(Codes.ProfileBuyerUnit),
            "按买家统计只适用于回复时限、咨询量和投诉率指标", "Counting by buyer applies only to reply-within, consultations and complaint-rate metrics", "the buyer unit applies to reply_within, consultations and complaint_rate"),
        (new(Codes.ProfileComplaintBuyer),
            "投诉率按买家统计：请写 unit: buyer", "A complaint rate counts buyers: write unit: buyer", "a complaint_rate counts buyers: give unit: buyer"),
        (new(Codes.ProfileFirstRound),
            "只看首轮需要按会话统计（unit: session）", "First round only needs unit: session", "first_round needs unit: session"),
        (new(Codes.ProfileNeedsSession),
            "需要按会话统计（unit: session）", "Needs unit: session", "needs unit: session"),
        (new(Codes.ProfileNoCondition, "a1"),
            "考核规则「a1」需要写明不达标条件（fail_when）或达标条件（pass_when）", "Assessment “a1” needs fail_when or pass_when", "assessment 'a1' needs fail_when or pass_when"),
        (new(Codes.ProfileBothConditions, "a1"),
            "考核规则「a1」同时写了不达标和达标条件，只能选一个", "Assessment “a1” has both fail_when and pass_when: choose one", "assessment 'a1' has both fail_when and pass_when: choose one"),
        (new(Codes.ProfileRollingDays),
            "滚动周期需要至少 1 天（days）", "A rolling period needs at least 1 day (days)", "a rolling period needs days ≥ 1"),
        (new(Codes.ProfileUnknownMetric, "nope", "m1, m2"),
            "没有叫「nope」的指标（已有：m1, m2）", "No metric “nope” (known: m1, m2)", "unknown metric 'nope' (known: m1, m2)"),
        (new(Codes.ProfileConsequenceKind, "jail"),
            "「jail」不是已知的处罚类型（可选：campaign_ban、fine、points、restriction、badge、warning）", "“jail” is not a known kind of consequence (campaign_ban, fine, points, restriction, badge, warning)", "unknown consequence kind 'jail' (campaign_ban, fine, points, restriction, badge, warning)"),
        (new(Codes.ProfileSessionLonger),
            "会话的关闭时间不能长于 idle_close", "A session cannot stay open longer than idle_close", "a session cannot stay open longer than idle_close"),
        (new(Codes.ProfilePeriodBackwards, "sf", new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 10)),
            "「sf」的结束日期（2026年2月1日）早于开始日期（2026年2月10日）", "“sf” ends (1 Feb 2026) before it starts (10 Feb 2026)", "'sf' ends (2026-02-01) before it starts (2026-02-10)"),
        (new(Codes.ProfileUnknownAssessment, "a9"),
            "没有叫「a9」的考核规则", "No assessment “a9”", "unknown assessment 'a9'"),
        (new(Codes.ProfileUnknownIndicator, "i9"),
            "没有叫「i9」的体验分指标", "No indicator “i9”", "unknown indicator 'i9'"),
        (new(Codes.ProfileUnknownStandard, "gold"),
            "没有叫「gold」的达标标准", "No standard “gold”", "unknown standard 'gold'"),
        (new(Codes.ProfileIndicatorMetric),
            "来自聊天数据的指标需要写明它读取哪个指标（metric）", "A metric indicator names the metric it reads (metric)", "a metric indicator names the profile metric it reads"),
        (new(Codes.ProfileOrderIndicator, "speed", "bad_review_rate"),
            "「speed」不是内置的订单指标（可选：bad_review_rate）；聊天指标请写 source: metric", "“speed” is not a built-in order indicator (bad_review_rate); use source: metric for a chat metric", "'speed' is not a built-in order indicator (bad_review_rate); use source: metric for a chat metric"),
        (new(Codes.ProfileMapping),
            "指标需要且只能有一种换算方式：bands 或 percentile", "An indicator needs exactly one mapping: bands or percentile", "an indicator needs exactly one mapping: bands or percentile"),
        (new(Codes.ProfileDefaultTable),
            "需要一张 default（通用行业）的分位表", "Needs a table for the default industry", "needs a 'default' industry table"),
        (new(Codes.ProfileDefaultIndustry),
            "需要 default（通用行业）的权重", "Needs weights for the default industry", "needs a 'default' industry"),
        (new(Codes.ProfileBands),
            "应是 [数值, 分数] 的列表", "Must be a list of [value, score] pairs", "must be a list of [value, score] pairs"),
        (new(Codes.ProfileBandPair),
            "每一项都应是两个数字 [数值, 分数]", "Each entry must be a [value, score] pair of numbers", "each entry must be a [value, score] pair of numbers"),
        (new(Codes.ProfileBandOrder, new Num(0.5, NumKind.Plain), new Num(0.9, NumKind.Plain)),
            "数值必须递增（0.5 排在 0.9 之后）", "Values must increase (0.5 after 0.9)", "values must increase (0.5 after 0.9)"),
        (new(Codes.ProfileScale),
            "分数范围应写成 [最低, 最高]，且最低小于最高，如 [50, 100]", "Must be [min, max] with min below max, e.g. [50, 100]", "must be [min, max] with min < max, e.g. [50, 100]"),
        (new(Codes.ProfileWindowDays),
            "统计窗口至少 1 天", "The window must be 1 day or more", "a window of 1 day or more is required"),
        (new(Codes.ProfileWeights, new Num(0.9, NumKind.Plain)),
            "各维度权重之和为 0.9，应为 1", "The weights add up to 0.9, not 1", "weights add up to 0.9, not 1"),
        (new(Codes.ProfileNoBuiltIn, "tmall", "douyin, jd"),
            "没有叫「tmall」的内置规则（内置：douyin, jd）", "No built-in rules “tmall” (built-in: douyin, jd)", "no built-in profile 'tmall' and no such file (built-in: douyin, jd)"),
        (new(Codes.ProfileTimeZone, "Mars/Olympus", "not found"),
            "「Mars/Olympus」不是本机认识的时区（如 Asia/Shanghai）", "“Mars/Olympus” is not a time zone known to this server (e.g. Asia/Shanghai)", "'Mars/Olympus' is not a time zone known to this machine (not found)"),
        (new(Codes.ProfileNoStored, "mine@3"),
            "没有已保存的规则「mine@3」", "No stored rules “mine@3”", "no stored profile 'mine@3'"),
        (new(Codes.ProfileBadId, "My Rules"),
            "规则编号「My Rules」只能包含小写字母、数字、_、. 和 -（最多 64 个字符）", "The id “My Rules” may hold only lower-case letters, digits, _, . and - (at most 64)", "'My Rules' is not an id of lower-case letters, digits, '_', '.' or '-' (at most 64)"),
        (new(Codes.ProfileBuiltInId, "douyin"),
            "「douyin」是内置规则的编号，请给你的规则另起一个", "“douyin” is a built-in rules' id; give yours its own", "'douyin' is a built-in profile's id; give your profile its own"),
    ];

    public static TheoryData<int> Rows() => [.. Enumerable.Range(0, Cases.Length)];

    [Theory]
    [MemberData(nameof(Rows))]
    public void Each_input_code_reads_in_Chinese_English_and_the_command_lines_English(int row)
    {
        var (msg, zh, en, cli) = Cases[row];
        Assert.Equal(zh, Zh.Say(msg));
        Assert.Equal(en, En.Say(msg));
        Assert.Equal(cli, EnglishText.Render(msg));
    }

    [Fact]
    public void The_Chinese_texts_are_Chinese_sentences()
    {
        // Every Chinese text but the pass-through one says what is wrong in Chinese (YAML keywords the reader must
        // type may appear inside it, as the file itself shows them).
        foreach (var (msg, zh, _, _) in Cases.Where(c => c.Msg.Code != Codes.Untranslated))
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", zh);
    }
}
