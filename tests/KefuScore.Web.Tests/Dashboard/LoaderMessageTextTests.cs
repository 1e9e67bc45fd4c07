using System.Text.RegularExpressions;
using KefuScore.Engine.Text;
using KefuScore.Web.Dashboard;

namespace KefuScore.Web.Tests.Dashboard;

/// <summary>
/// An import's rejected lines, a refused change to a complaint, review or course, and the YAML loaders other than the
/// profile's, as the dashboard says them in Simplified Chinese and English, beside the command line's and the API's
/// English, which must not change.
/// </summary>
public sealed partial class LoaderMessageTextTests
{
    private static readonly Lang Zh = new(false), En = new(true);

    /// <summary>One row per code: the message, its Chinese, its English, and the CLI's English.</summary>
    internal static readonly (Msg Msg, string Zh, string En, string Cli)[] Cases =
    [
        (new(Codes.EventTooLong),
            "内容超过 1,048,576 个字符的上限", "Longer than the limit of 1,048,576 characters", "is longer than 1,048,576 characters (limit: 1,048,576 characters per field)"),
        (new(Codes.EventRequiredFor, new Ref(RefKind.EventType, "aftersale")),
            "售后事件必须填写", "Required for after-sales events", "is required for an aftersale event"),
        (new(Codes.EventNotOneOf, "chat", new Literal("customer, agent, bot, system")),
            "「chat」不是可选的值（可选：customer, agent, bot, system）", "“chat” is not one of the allowed values (customer, agent, bot, system)", "'chat' is not one of customer, agent, bot, system"),
        (new(Codes.EventNotTime, "2026-11-20 10:00"),
            "「2026-11-20 10:00」不是带时区的时间，请写成 2026-11-20T10:00:00+08:00", "“2026-11-20 10:00” is not a time with an offset; write it like 2026-11-20T10:00:00+08:00", "'2026-11-20 10:00' is not an ISO 8601 time with an offset or Z (e.g. 2026-11-20T10:00:00+08:00)"),
        (new(Codes.EventTimeRange, "2101-01-01T00:00:00Z"),
            "「2101-01-01T00:00:00Z」超出可接受的时间范围（1970 年至 2100 年）", "“2101-01-01T00:00:00Z” is outside the times events may carry (1970 to 2100)", "'2101-01-01T00:00:00Z' is outside the range events may carry, 1970-01-01T00:00:00Z up to 2100-01-01T00:00:00Z"),
        (new(Codes.EventNotWhole, "4.5"),
            "「4.5」不是整数", "“4.5” is not a whole number", "'4.5' is not a whole number"),
        (new(Codes.EventStarsRange, 6),
            "星级 6 不在 1–5 之间", "6 stars is outside 1–5", "6 is outside 1–5"),
        (new(Codes.EventRatingNeeds),
            "评价需要满意度或星级", "A rating needs a satisfaction or stars", "a rating needs satisfaction or stars"),
        (new(Codes.EventComplaintNeeds),
            "投诉需要关联会话或订单", "A complaint needs a conversation or an order", "a complaint needs a conversation or an order"),
        (new(Codes.EventCapacity, "-1"),
            "「-1」不是大于等于 0 的整数", "“-1” is not a whole number of 0 or more", "'-1' is not a whole number ≥ 0"),
        (new(Codes.JsonNotObject, new Ref(RefKind.JsonToken, "array")),
            "这一行不是 JSON 对象（是数组）", "The line is not a JSON object (it holds an array)", "not a JSON object: the line holds an array"),
        (new(Codes.JsonValueType, new Ref(RefKind.JsonToken, "object")),
            "应填文字或数字，不能是对象", "Must be text or a number, not an object", "must be a string or a number, not an object"),
        (new(Codes.JsonSyntax, "'}' is invalid after a value.", 17L),
            "这一行不是有效的 JSON（第 17 个字节处有误）", "The line is not valid JSON (at byte 17)", "not a JSON object: '}' is invalid after a value. (byte 17 of the line)"),
        (new(Codes.JsonUnreadable, "Cannot transcode invalid UTF-8."),
            "这一行不是有效的 JSON", "The line is not valid JSON", "not a JSON object: Cannot transcode invalid UTF-8."),
        (new(Codes.JsonTooLong, 16),
            "这一行超过 16 MiB 的上限", "The line is longer than the limit of 16 MiB", "not a JSON object: the line is longer than 16 MiB"),
        (new(Codes.ParquetNaive),
            "Parquet 时间没有时区，请存为 UTC 时间或写成 2026-11-20T10:00:00+08:00 的文字", "A Parquet time without a time zone; store UTC times or text like 2026-11-20T10:00:00+08:00", "Parquet timestamp without a time zone (isAdjustedToUTC = false); store UTC timestamps or text like 2026-11-20T10:00:00+08:00"),
        (new(Codes.XlsxNoOffset),
            "Excel 日期没有时区，请把时间写成文字，如 2026-11-20T10:00:00+08:00", "An Excel date has no time zone; write the time as text like 2026-11-20T10:00:00+08:00", "Excel date without a time zone offset; write the time as text like 2026-11-20T10:00:00+08:00"),
        (new(Codes.FileType, ".txt"),
            "不支持的文件类型「.txt」，请上传 .csv、.jsonl 或 .xlsx", "Unsupported file type “.txt”; upload .csv, .jsonl or .xlsx", "unknown file type '.txt'; expected .jsonl, .ndjson, .csv, .xlsx or .parquet"),
        (new(Codes.FileNotFound),
            "文件不存在", "The file does not exist", "file not found"),
        (new(Codes.FileNoFolder),
            "文件夹不存在", "The folder does not exist", "folder not found"),
        (new(Codes.FileDenied),
            "没有读取该文件的权限", "No permission to read the file", "permission denied"),
        (new(Codes.FileFormat, new Ref(RefKind.FileFormat, "xlsx"), "End of Central Directory record could not be found."),
            "无法按 Excel 格式读取，请检查文件是否完整", "Cannot be read as Excel; check that the file is complete", "cannot be read as an Excel .xlsx workbook: End of Central Directory record could not be found."),
        (new(Codes.FileFormatNear, new Ref(RefKind.FileFormat, "csv"), 12345L, "unclosed quote"),
            "第 12,345 行附近无法按 CSV 格式读取，请检查引号和分隔符", "Cannot be read as CSV near line 12,345; check quotes and separators", "cannot be read as CSV near line 12345: unclosed quote"),
        (new(Codes.FileRecordTooLong, 7L),
            "第 7 行附近的一条记录超过 16 MiB 的上限", "A record near line 7 is longer than the limit of 16 MiB", "a record near line 7 is longer than 16 MiB (limit: 16 MiB per CSV record)"),
        (new(Codes.RefusedToBeforeFrom),
            "结束日期不能早于开始日期", "The end date must not be before the start date", "must not be before from"),
        (new(Codes.RefusedNoKnowledgeBase, "s1"),
            "本店还没有 FAQ 知识库，请先在自动回复页上传", "This shop has no FAQ knowledge base yet; upload one on the FAQ page", "shop 's1' has no FAQ knowledge base (PUT /api/v1/shops/s1/faq)"),
        (new(Codes.RefusedNoParaphrase, 12L, "s1"),
            "说法 #12 不存在", "Wording #12 does not exist", "paraphrase 12 of shop 's1' does not exist"),
        (new(Codes.RefusedFuture, "2026-12-06T10:00:00.0000000+00:00"),
            "投诉时间不能晚于现在", "A complaint cannot be dated in the future", "2026-12-06T10:00:00.0000000+00:00 is in the future"),
        (new(Codes.RefusedNoComplaint, 1234L, "s1"),
            "投诉 #1,234 不存在", "Complaint #1,234 does not exist", "complaint 1234 of shop 's1' does not exist"),
        (new(Codes.RefusedMove, new Ref(RefKind.ComplaintState, "resolved"), new Ref(RefKind.ComplaintState, "investigating"), ""),
            "投诉已是「已解决」，不能再转为「调查中」（可能已被他人处理，请刷新）", "The complaint is Resolved and cannot move to Investigating (someone may have handled it; reload)", "a complaint cannot move from resolved to investigating (allowed: )"),
        (new(Codes.RefusedEmptyNote),
            "备注不能为空", "The note is empty", "a note needs some text"),
        (new(Codes.RefusedNoReviewItem, 3L, "s1"),
            "抽检项 #3 不存在", "Review item #3 does not exist", "review item 3 of shop 's1' does not exist"),
        (new(Codes.RefusedNoFinding, "c1", new Ref(RefKind.QualityRule, "rude"), "a1"),
            "会话 c1 中没有客服 a1 的「不耐烦 / 不礼貌」问题", "Conversation c1 has no “Rude or impatient” finding for agent a1", "conversation c1 has no rude finding for agent a1"),
        (new(Codes.RefusedNoFindingOn, "c1", new Ref(RefKind.QualityRule, "vague"), "m2", "a1"),
            "会话 c1 的消息 m2 没有客服 a1 的「含糊回复」问题", "Message m2 of conversation c1 has no “Vague reply” finding for agent a1", "conversation c1 has no vague finding on message m2 for agent a1"),
        (new(Codes.InputNotEither, "maybe", "agree", "disagree"),
            "「maybe」应为 agree 或 disagree", "“maybe” must be agree or disagree", "'maybe' is not agree or disagree"),
        (new(Codes.InputBetween, 1, 100),
            "应在 1 到 100 之间", "Must be from 1 to 100", "must be from 1 to 100"),
        (new(Codes.InputNumberRange, "2", new Num(1, NumKind.Plain)),
            "「2」应是 0 到 1 之间的数字", "“2” must be a number from 0 to 1", "'2' is not a number from 0 to 1"),
        (new(Codes.InputTwice, "day"),
            "「day」重复使用", "“day” is used twice", "'day' is used twice"),
        (new(Codes.InputNotNegative),
            "不能为负数", "Must not be negative", "must not be negative"),
        (new(Codes.InputMustNumber),
            "应填写数字", "Must be a number", "must be a number"),
        (new(Codes.CalendarNotDay),
            "不是星期几（mon、tue、wed、thu、fri、sat、sun）", "Not a day (mon, tue, wed, thu, fri, sat, sun)", "is not a day (mon, tue, wed, thu, fri, sat, sun)"),
        (new(Codes.CalendarWeekRequired),
            "必须填写每周营业时间，如 { mon: [\"09:00-18:00\"] }", "The weekly opening hours are required, e.g. { mon: [\"09:00-18:00\"] }", "is required: the weekly opening hours, e.g. { mon: [\"09:00-18:00\"] }"),
        (new(Codes.CalendarNotDates, "10月1日"),
            "「10月1日」不是日期（如 2026-10-01）或日期范围（如 2026-10-01..2026-10-07）", "“10月1日” is not a date like 2026-10-01 or a range like 2026-10-01..2026-10-07", "'10月1日' is not a date like 2026-10-01 or a range like 2026-10-01..2026-10-07"),
        (new(Codes.CalendarKeyNotDates),
            "不是日期（如 2026-11-20）或日期范围（如 2026-10-01..2026-10-07）", "Not a date like 2026-11-20 or a range like 2026-10-01..2026-10-07", "is not a date like 2026-11-20 or a range like 2026-10-01..2026-10-07"),
        (new(Codes.CalendarTwice, new DateOnly(2026, 10, 1)),
            "2026年10月1日 重复列出", "1 Oct 2026 is listed twice", "2026-10-01 is listed twice"),
        (new(Codes.CalendarNotHours, "9点-18点"),
            "「9点-18点」不是营业时段，请写成 09:00-18:00（跨夜写成 22:00-02:00）", "“9点-18点” is not opening hours like 09:00-18:00 (or 22:00-02:00 overnight)", "'9点-18点' is not hours like \"09:00-18:00\" or \"22:00-02:00\" (overnight)"),
        (new(Codes.PolicyLimits),
            "应按投诉类别填写响应和解决时限", "Must give each complaint category its respond and resolve limits", "must be a mapping of category to { respond, resolve }"),
        (new(Codes.PolicyNotCategory, "attitude, other"),
            "不是投诉类别（可选：attitude, other）", "Not a complaint category (one of: attitude, other)", "is not a complaint category (attitude, other)"),
        (new(Codes.PolicyLimit),
            "应写成 { respond: 2h, resolve: 24h } 的形式", "Must be written like { respond: 2h, resolve: 24h }", "must be a mapping like { respond: 2h, resolve: 24h }"),
        (new(Codes.PolicyResolveShorter),
            "解决时限不能短于响应时限", "The resolve limit must not be shorter than the respond limit", "must not be shorter than respond"),
        (new(Codes.PolicyOtherRequired),
            "必须填写其他类别（other）的时限，用于未列出的投诉类别", "The limits for other categories (other) are required", "is required: the limits for complaints of any category not listed"),
        (new(Codes.PolicyNotStep, "soon"),
            "「soon」不是时长，请写成 0s、30m、2h 或 1h30m", "“soon” is not a duration; write it like 0s, 30m, 2h or 1h30m", "'soon' is not a duration like 0s, 30m, 2h or 1h30m"),
        (new(Codes.PolicyStepOrder),
            "每一级都应比上一级更长", "Each step must be longer than the one before", "must be longer than the step before"),
        (new(Codes.PolicyNotDuration, "0s"),
            "「0s」不是大于 0 的时长，请写成 30m、2h 或 1h30m", "“0s” is not a positive duration; write it like 30m, 2h or 1h30m", "'0s' is not a positive duration like 30m, 2h or 1h30m"),
        (new(Codes.ShiftsRequired),
            "必须填写班次模板列表，每个班次包含 id、length 和 starts", "A list of shift templates is required, each with id, length and starts", "is required: a list of shift templates, each with id, length and starts"),
        (new(Codes.ShiftsEntry),
            "班次应包含 id、length 和 starts", "A shift needs id, length and starts", "must be a mapping with id, length and starts"),
        (new(Codes.ShiftsNotStart, "9am"),
            "「9am」不是开始时间（如 09:00）或范围（如 08:00-12:00/30m）", "“9am” is not a start time like 09:00 or a range like 08:00-12:00/30m", "'9am' is not a time like 09:00 or a range like 08:00-12:00/30m"),
        (new(Codes.ShiftsNotLength, "8 hours"),
            "「8 hours」不是时长，请写成 8h、30m 或 7h30m", "“8 hours” is not a duration; write it like 8h, 30m or 7h30m", "'8 hours' is not a duration like 8h, 30m or 7h30m"),
        (new(Codes.ShiftsNotAgents, "many"),
            "「many」不是客服人数（整数）", "“many” is not a whole number of agents", "'many' is not a whole number of agents"),
        (new(Codes.ShiftsLength),
            "班次时长应是 15 分钟的整数倍，且不超过 24 小时", "A shift's length must be a multiple of 15 minutes, at most 24 hours", "must be a positive multiple of 15 minutes, at most 24h"),
        (new(Codes.ShiftsBreak),
            "休息时长应是 15 分钟的整数倍，且短于班次", "A break must be a multiple of 15 minutes shorter than the shift", "must be a multiple of 15 minutes shorter than the shift"),
        (new(Codes.ShiftsBreakWindow),
            "休息时间窗应按 15 分钟取整，且开始不晚于结束", "The break window must be on quarter hours, its start not after its end", "must be multiples of 15 minutes with break_after ≤ break_before"),
        (new(Codes.ShiftsBreakEnd),
            "休息必须在班次内结束", "The break must end within the shift", "the break must end within the shift"),
        (new(Codes.ShiftsNoStart),
            "至少需要一个开始时间", "At least one start time is required", "at least one start time is required"),
        (new(Codes.ShiftsStart, "09:10"),
            "开始时间 09:10 不在整刻钟上，或班次会超过 24:00", "The start 09:10 is not on a quarter hour or the shift would run past 24:00", "09:10 is not on a quarter hour or the shift would run past 24:00"),
        (new(Codes.ShiftsMinAgents),
            "最少人数不能为负数", "The minimum must be 0 or more", "must be 0 or more"),
        (new(Codes.ShiftsMaxAgents),
            "最多人数不能少于最少人数", "The maximum must be at least the minimum", "must be at least min_agents"),
        (new(Codes.IncentivesGrades),
            "必须填写等级列表，从最好的开始", "A list of grades is required, best first", "is required: a list of grades, best first"),
        (new(Codes.IncentivesGrade),
            "等级应包含 id、name 和 when", "A grade needs id, name and when", "must be a mapping with id, name, when"),
        (new(Codes.IncentivesNotGrade),
            "不是已定义的等级", "Not a grade defined above", "is not a grade id"),
        (new(Codes.IncentivesBonus),
            "应写成 { figure, above, per_point } 的形式", "Must be written like { figure, above, per_point }", "must be { figure, above, per_point }"),
        (new(Codes.IncentivesAmount, "lots"),
            "「lots」不是金额", "“lots” is not an amount", "'lots' is not an amount"),
        (new(Codes.IncentivesThresholds),
            "应按指标填写门槛，如 \">= 0.9\"", "Must give each figure a threshold like \">= 0.9\"", "must be a mapping of figure to a threshold like \">= 0.9\""),
        (new(Codes.IncentivesThreshold, "high"),
            "「high」不是门槛，请写成 \">= 0.9\" 或 \"<= 2\"", "“high” is not a threshold like \">= 0.9\" or \"<= 2\"", "'high' is not a threshold like \">= 0.9\" or \"<= 2\""),
        (new(Codes.InspectionRules),
            "应是质检规则的列表", "Must be a list of rules", "must be a list of rules"),
        (new(Codes.InspectionRule),
            "质检规则应包含 id、words 等字段", "A rule needs id:, words: and so on", "must be a mapping (id:, words:, …)"),
        (new(Codes.InspectionTwice, new Ref(RefKind.QualityRule, "rude")),
            "质检规则「不耐烦 / 不礼貌」重复配置", "The rule “Rude or impatient” is configured twice", "rule 'rude' is configured twice"),
        (new(Codes.InspectionUnknown, "polite", "rude, vague"),
            "「polite」不是本版本支持的质检规则（可选：rude, vague）", "“polite” is not a rule this version knows (rude, vague)", "'polite' is not a rule this version knows (known: rude, vague)"),
        (new(Codes.InspectionWeight, "-2"),
            "「-2」不是大于等于 0 的扣分", "“-2” is not a number of points of 0 or more", "'-2' is not a number of points ≥ 0"),
        (new(Codes.InspectionWithin, "soon"),
            "「soon」不是时长，请写成 120s 或 5m", "“soon” is not a duration; write it like 120s or 5m", "'soon' is not a duration like 120s, 5m"),
        (new(Codes.InspectionPattern, "([a-z", "Invalid pattern"),
            "「([a-z」不是有效的正则表达式", "“([a-z” is not a valid regular expression", "'([a-z' is not a regular expression: Invalid pattern"),
        (new(Codes.InspectionPatternLinear, "(?<!您)好", "lookarounds"),
            "「(?<!您)好」用了环视或反向引用，质检规则不支持；请用命名分组 (?<hit>…) 标出命中部分",
            "“(?<!您)好” uses a look-around or a backreference, which rules cannot use; mark the match with a group (?<hit>…) instead",
            "'(?<!您)好' needs backtracking (look-arounds and backreferences are not allowed; mark the match with a group (?<hit>…) instead): lookarounds"),
        (new(Codes.InspectionNeedsWords, new Ref(RefKind.QualityRule, "vague")),
            "质检规则「含糊回复」需要关键词或正则表达式", "The rule “Vague reply” needs words or patterns", "rule 'vague' needs words or patterns"),
        (new(Codes.FaqOverflow, "some"),
            "「some」不是排队顾客数（整数，或 off）", "“some” is not a whole number of waiting customers (or off)", "'some' is not a whole number of customers (or off)"),
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

    /// <summary>What an import or a refused change shows a Chinese reader names no identifier and holds no English sentence.</summary>
    [Fact]
    public void Import_and_refusal_texts_in_Chinese_hold_no_identifier_or_english_sentence()
    {
        var screen = Cases.Where(c => c.Msg.Code.Split('.')[0] is "event" or "json" or "file" or "refused" or "parquet" or "xlsx")
            .Where(c => c.Msg.Args.All(a => a is not string)).ToList();
        Assert.True(screen.Count > 15);
        foreach (var (_, zh, _, _) in screen)
        {
            Assert.DoesNotMatch(Identifier(), zh);
            Assert.DoesNotMatch(EnglishWords(), zh);
        }
    }

    [Fact]
    public void An_import_field_names_its_label_and_the_column_the_file_uses()
    {
        Assert.Equal("时间（at）", Zh.Field("at"));
        Assert.Equal("Time (at)", En.Field("at"));
        Assert.Equal("整行", Zh.Field(""));
        Assert.Equal("made_up", Zh.Field("made_up"));
    }

    [Fact]
    public void The_words_a_file_must_contain_are_set_apart_as_code_and_the_rest_reads_as_the_sentence()
    {
        var m = new Msg(Codes.EventNotOneOf, "chat", new Literal("message, agent_status"));
        Assert.Equal([("「chat」不是可选的值（可选：", false), ("message, agent_status", true), ("）", false)], Zh.Parts(m));
        Assert.Equal(Zh.Say(m), string.Concat(Zh.Parts(m).Select(p => p.Text)));
        Assert.Equal([("必须填写每周营业时间，如 { mon: [\"09:00-18:00\"] }", false)], Zh.Parts(new Msg(Codes.CalendarWeekRequired)));
        Assert.Equal([("星级 6 不在 1–5 之间", false)], Zh.Parts(new Msg(Codes.EventStarsRange, 6)));
    }

    [GeneratedRegex(@"[a-z]+_[a-z_]+")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"[A-Za-z]+(?:[ ,:;'()]+[A-Za-z]+){2,}")]
    private static partial Regex EnglishWords();
}
