namespace KefuScore.Engine.Text;

/// <summary>
/// Codes of the event reader's rejections (a line of an imported file), of refused changes to complaints, reviews,
/// training and FAQ wordings, and of the YAML loaders other than the profile's (shifts, calendars, inspection rules,
/// complaint deadlines, incentives, the FAQ policy). The file, line and field travel beside the message.
/// </summary>
public static partial class Codes
{
    /// <summary>() a field over 1 Mi characters.</summary>
    public const string EventTooLong = "event.too_long";
    /// <summary>(Ref event type) a field the event's type needs.</summary>
    public const string EventRequiredFor = "event.required_for";
    /// <summary>(string value, Literal choices) a value a field does not take; the choices are the file's own words.</summary>
    public const string EventNotOneOf = "event.not_one_of";
    /// <summary>(string value) not an ISO 8601 time with an offset.</summary>
    public const string EventNotTime = "event.not_time";
    /// <summary>(string value) a time outside 1970–2100.</summary>
    public const string EventTimeRange = "event.time_range";
    /// <summary>(string value) stars that are not a whole number.</summary>
    public const string EventNotWhole = "event.not_whole";
    /// <summary>(int stars) stars outside 1–5.</summary>
    public const string EventStarsRange = "event.stars_range";
    /// <summary>() a rating with neither satisfaction nor stars.</summary>
    public const string EventRatingNeeds = "event.rating_needs";
    /// <summary>() a complaint with neither conversation nor order.</summary>
    public const string EventComplaintNeeds = "event.complaint_needs";
    /// <summary>(string value) a capacity that is not a whole number ≥ 0.</summary>
    public const string EventCapacity = "event.capacity";
    /// <summary>(Ref JSON token) a line that is not a JSON object.</summary>
    public const string JsonNotObject = "json.not_object";
    /// <summary>(Ref JSON token) a field that is neither a string nor a number.</summary>
    public const string JsonValueType = "json.value_type";
    /// <summary>(string detail, long byte) broken JSON at a byte of the line.</summary>
    public const string JsonSyntax = "json.syntax";
    /// <summary>(string detail) broken JSON.</summary>
    public const string JsonUnreadable = "json.unreadable";
    /// <summary>(int MiB) a line over the limit.</summary>
    public const string JsonTooLong = "json.too_long";
    /// <summary>() a Parquet timestamp without a zone.</summary>
    public const string ParquetNaive = "parquet.naive";
    /// <summary>() an Excel date cell without an offset.</summary>
    public const string XlsxNoOffset = "xlsx.no_offset";
    /// <summary>(string extension) a file type the reader does not take.</summary>
    public const string FileType = "file.type";
    /// <summary>() no such file.</summary>
    public const string FileNotFound = "file.not_found";
    /// <summary>() no such folder.</summary>
    public const string FileNoFolder = "file.no_folder";
    /// <summary>() the file may not be read.</summary>
    public const string FileDenied = "file.denied";
    /// <summary>(Ref file format, string detail) a file that cannot be read as its format.</summary>
    public const string FileFormat = "file.format";
    /// <summary>(Ref file format, long line, string detail) … near a line.</summary>
    public const string FileFormatNear = "file.format_near";
    /// <summary>(long line) a CSV record over 16 MiB.</summary>
    public const string FileRecordTooLong = "file.record_too_long";

    /// <summary>() an end date before the start date.</summary>
    public const string RefusedToBeforeFrom = "refused.to_before_from";
    /// <summary>(string shop) a shop without an FAQ knowledge base.</summary>
    public const string RefusedNoKnowledgeBase = "refused.no_knowledge_base";
    /// <summary>(long id, string shop) no such paraphrase.</summary>
    public const string RefusedNoParaphrase = "refused.no_paraphrase";
    /// <summary>(string at) a complaint dated in the future (ISO 8601).</summary>
    public const string RefusedFuture = "refused.future";
    /// <summary>(long id, string shop) no such complaint.</summary>
    public const string RefusedNoComplaint = "refused.no_complaint";
    /// <summary>(Ref from, Ref to, string allowed) a move the complaint workflow does not allow.</summary>
    public const string RefusedMove = "refused.move";
    /// <summary>() a note without text.</summary>
    public const string RefusedEmptyNote = "refused.empty_note";
    /// <summary>(long item, string shop) no such review item.</summary>
    public const string RefusedNoReviewItem = "refused.no_review_item";
    /// <summary>(string conversation, Ref rule, string agent) a verdict on a finding the conversation does not have.</summary>
    public const string RefusedNoFinding = "refused.no_finding";
    /// <summary>(string conversation, Ref rule, string message, string agent) … on that message.</summary>
    public const string RefusedNoFindingOn = "refused.no_finding_on";

    /// <summary>(string value, string first, string second) neither of two words.</summary>
    public const string InputNotEither = "input.not_either";
    /// <summary>(int min, int max) a whole number outside a range.</summary>
    public const string InputBetween = "input.between";
    /// <summary>(string value, Num max) not a number from 0 to max.</summary>
    public const string InputNumberRange = "input.number_range";
    /// <summary>(string value) an id used twice.</summary>
    public const string InputTwice = "input.twice";
    /// <summary>() a negative number.</summary>
    public const string InputNotNegative = "input.not_negative";
    /// <summary>() not a number.</summary>
    public const string InputMustNumber = "input.must_number";

    /// <summary>() a week key that is not a day.</summary>
    public const string CalendarNotDay = "calendar.not_day";
    /// <summary>() no weekly hours.</summary>
    public const string CalendarWeekRequired = "calendar.week_required";
    /// <summary>(string text) not a date or a range of dates.</summary>
    public const string CalendarNotDates = "calendar.not_dates";
    /// <summary>() a key that is not a date or a range of dates.</summary>
    public const string CalendarKeyNotDates = "calendar.key_not_dates";
    /// <summary>(DateOnly date) a date listed twice.</summary>
    public const string CalendarTwice = "calendar.twice";
    /// <summary>(string text) not opening hours.</summary>
    public const string CalendarNotHours = "calendar.not_hours";

    /// <summary>() limits that are not a mapping of category to deadlines.</summary>
    public const string PolicyLimits = "policy.limits";
    /// <summary>(string categories) not a complaint category.</summary>
    public const string PolicyNotCategory = "policy.not_category";
    /// <summary>() a category's deadlines that are not { respond, resolve }.</summary>
    public const string PolicyLimit = "policy.limit";
    /// <summary>() resolve shorter than respond.</summary>
    public const string PolicyResolveShorter = "policy.resolve_shorter";
    /// <summary>() no limits for other categories.</summary>
    public const string PolicyOtherRequired = "policy.other_required";
    /// <summary>(string text) an escalation step that is not a duration.</summary>
    public const string PolicyNotStep = "policy.not_step";
    /// <summary>() escalation steps that do not increase.</summary>
    public const string PolicyStepOrder = "policy.step_order";
    /// <summary>(string text) not a positive duration.</summary>
    public const string PolicyNotDuration = "policy.not_duration";

    /// <summary>() no shift templates.</summary>
    public const string ShiftsRequired = "shifts.required";
    /// <summary>() a template that is not a mapping.</summary>
    public const string ShiftsEntry = "shifts.entry";
    /// <summary>(string text) not a start time or range.</summary>
    public const string ShiftsNotStart = "shifts.not_start";
    /// <summary>(string text) not a shift length.</summary>
    public const string ShiftsNotLength = "shifts.not_length";
    /// <summary>(string text) not a number of agents.</summary>
    public const string ShiftsNotAgents = "shifts.not_agents";
    /// <summary>() a length that is not a positive multiple of 15 minutes up to 24 h.</summary>
    public const string ShiftsLength = "shifts.length";
    /// <summary>() a break that is not a multiple of 15 minutes shorter than the shift.</summary>
    public const string ShiftsBreak = "shifts.break";
    /// <summary>() a break window not on quarter hours or backwards.</summary>
    public const string ShiftsBreakWindow = "shifts.break_window";
    /// <summary>() a break ending after the shift.</summary>
    public const string ShiftsBreakEnd = "shifts.break_end";
    /// <summary>() no start time.</summary>
    public const string ShiftsNoStart = "shifts.no_start";
    /// <summary>(string time) a start off the quarter hour or running past midnight.</summary>
    public const string ShiftsStart = "shifts.start";
    /// <summary>() a negative minimum.</summary>
    public const string ShiftsMinAgents = "shifts.min_agents";
    /// <summary>() a maximum below the minimum.</summary>
    public const string ShiftsMaxAgents = "shifts.max_agents";

    /// <summary>() no grades.</summary>
    public const string IncentivesGrades = "incentives.grades";
    /// <summary>() a grade that is not a mapping.</summary>
    public const string IncentivesGrade = "incentives.grade";
    /// <summary>() a key that is not a grade id.</summary>
    public const string IncentivesNotGrade = "incentives.not_grade";
    /// <summary>() a bonus that is not { figure, above, per_point }.</summary>
    public const string IncentivesBonus = "incentives.bonus";
    /// <summary>(string text) a prize that is not an amount.</summary>
    public const string IncentivesAmount = "incentives.amount";
    /// <summary>() thresholds that are not a mapping.</summary>
    public const string IncentivesThresholds = "incentives.thresholds";
    /// <summary>(string text) not a threshold.</summary>
    public const string IncentivesThreshold = "incentives.threshold";

    /// <summary>() rules that are not a list.</summary>
    public const string InspectionRules = "inspection.rules";
    /// <summary>() a rule that is not a mapping.</summary>
    public const string InspectionRule = "inspection.rule";
    /// <summary>(Ref rule) a rule configured twice.</summary>
    public const string InspectionTwice = "inspection.twice";
    /// <summary>(string id, string known) a rule this version does not know.</summary>
    public const string InspectionUnknown = "inspection.unknown";
    /// <summary>(string text) a weight that is not points ≥ 0.</summary>
    public const string InspectionWeight = "inspection.weight";
    /// <summary>(string text) a limit that is not a duration.</summary>
    public const string InspectionWithin = "inspection.within";
    /// <summary>(string pattern, string detail) not a regular expression.</summary>
    public const string InspectionPattern = "inspection.pattern";
    /// <summary>(string pattern, string detail) a regular expression the linear engine cannot run (a look-around, a backreference).</summary>
    public const string InspectionPatternLinear = "inspection.pattern_linear";
    /// <summary>(Ref rule) a rule without words or patterns.</summary>
    public const string InspectionNeedsWords = "inspection.needs_words";

    /// <summary>(string text) an overflow that is not a number of customers.</summary>
    public const string FaqOverflow = "faq.overflow";

    private static string[] LoaderCodes =>
    [
        EventTooLong, EventRequiredFor, EventNotOneOf, EventNotTime, EventTimeRange, EventNotWhole, EventStarsRange, EventRatingNeeds,
        EventComplaintNeeds, EventCapacity, JsonNotObject, JsonValueType, JsonSyntax, JsonUnreadable, JsonTooLong, ParquetNaive, XlsxNoOffset,
        FileType, FileNotFound, FileNoFolder, FileDenied, FileFormat, FileFormatNear, FileRecordTooLong,
        RefusedToBeforeFrom, RefusedNoKnowledgeBase, RefusedNoParaphrase, RefusedFuture, RefusedNoComplaint, RefusedMove, RefusedEmptyNote,
        RefusedNoReviewItem, RefusedNoFinding, RefusedNoFindingOn,
        InputNotEither, InputBetween, InputNumberRange, InputTwice, InputNotNegative, InputMustNumber,
        CalendarNotDay, CalendarWeekRequired, CalendarNotDates, CalendarKeyNotDates, CalendarTwice, CalendarNotHours,
        PolicyLimits, PolicyNotCategory, PolicyLimit, PolicyResolveShorter, PolicyOtherRequired, PolicyNotStep, PolicyStepOrder, PolicyNotDuration,
        ShiftsRequired, ShiftsEntry, ShiftsNotStart, ShiftsNotLength, ShiftsNotAgents, ShiftsLength, ShiftsBreak, ShiftsBreakWindow, ShiftsBreakEnd,
        ShiftsNoStart, ShiftsStart, ShiftsMinAgents, ShiftsMaxAgents,
        IncentivesGrades, IncentivesGrade, IncentivesNotGrade, IncentivesBonus, IncentivesAmount, IncentivesThresholds, IncentivesThreshold,
        InspectionRules, InspectionRule, InspectionTwice, InspectionUnknown, InspectionWeight, InspectionWithin, InspectionPattern, InspectionPatternLinear, InspectionNeedsWords,
        FaqOverflow,
    ];
}
