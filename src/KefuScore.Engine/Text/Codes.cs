namespace KefuScore.Engine.Text;

/// <summary>
/// Every code a <see cref="Msg"/> may carry, with its arguments in order. A renderer has one text per code; the
/// tests check that every code here has one in each language.
/// </summary>
public static partial class Codes
{
    /// <summary>(Ref period) the rule is exempt during a special period.</summary>
    public const string VerdictExempt = "verdict.exempt";
    /// <summary>(Ref metric) the metric has no value in the period.</summary>
    public const string VerdictNoValue = "verdict.no_value";
    /// <summary>(Ref metric, Num value, Comparison op, Num line) the condition holds.</summary>
    public const string VerdictHolds = "verdict.holds";
    /// <summary>(Ref metric, Num value, Comparison op, Num line, Comparison negated) the condition does not hold.</summary>
    public const string VerdictNotHolds = "verdict.not_holds";
    /// <summary>(int n) the condition held n periods in a row.</summary>
    public const string VerdictInARow = "verdict.in_a_row";
    /// <summary>(int n) the condition did not hold n periods in a row.</summary>
    public const string VerdictNotInARow = "verdict.not_in_a_row";

    /// <summary>(string text) a sentence a host already wrote in its reader's language (a form's own check), shown as it is.</summary>
    public const string Said = "said";
    /// <summary>(string text) a quality finding's matched text, shown as it is.</summary>
    public const string FindingText = "finding.text";
    /// <summary>(Num seconds, Num limit) the customer waited longer than the limit for a reply.</summary>
    public const string FindingWaited = "finding.waited";
    /// <summary>(Num seconds, Num limit) no reply came; the customer was still writing that long after.</summary>
    public const string FindingNoReply = "finding.no_reply";

    /// <summary>(string agent, Num seconds, Num limit) answered within the metric's limit.</summary>
    public const string ExplainWithin = "explain.within";
    /// <summary>(string agent, Num seconds, Num limit) answered after the metric's limit: late.</summary>
    public const string ExplainLate = "explain.late";
    /// <summary>(string agent, Num seconds) answered, for a metric without a limit (reply time, unanswered count).</summary>
    public const string ExplainAnswered = "explain.answered";
    /// <summary>() counted, no valid human reply.</summary>
    public const string ExplainUnanswered = "explain.unanswered";
    /// <summary>(string hours) sent outside the assessment hours.</summary>
    public const string ExplainOutsideHours = "explain.outside_hours";
    /// <summary>(string unit, string first message id) merged into the round or session an earlier message opened.</summary>
    public const string ExplainMerged = "explain.merged";
    /// <summary>() not the conversation's first counted message of the day.</summary>
    public const string ExplainNotFirst = "explain.not_first";
    /// <summary>() handled by bots only.</summary>
    public const string ExplainBotOnly = "explain.bot_only";
    /// <summary>() left as a message (留言).</summary>
    public const string ExplainLeaveMessage = "explain.leave_message";
    /// <summary>() the metric is not in the profile version of that day.</summary>
    public const string ExplainNotInVersion = "explain.not_in_version";
    /// <summary>(string reply id) the first reply after it was a welcome message, which does not count.</summary>
    public const string IgnoredWelcome = "explain.ignored.welcome";
    /// <summary>(string reply id) … a bot reply.</summary>
    public const string IgnoredBot = "explain.ignored.bot";
    /// <summary>(string reply id) … an assist-mode bot reply the profile does not accept.</summary>
    public const string IgnoredAssist = "explain.ignored.assist";
    /// <summary>(string reply id) … a system message.</summary>
    public const string IgnoredSystem = "explain.ignored.system";
    /// <summary>(string reply id) … an auto-reply.</summary>
    public const string IgnoredAuto = "explain.ignored.auto";

    /// <summary>(string text) not a time window like 09:00-19:00.</summary>
    public const string HoursNotWindow = "hours.not_window";
    /// <summary>(string text) a window whose start and end are the same.</summary>
    public const string HoursEmpty = "hours.empty";

    /// <summary>(string item) a what-if that is not KEY=VALUE with a number.</summary>
    public const string WhatIfFormat = "score.what_if.format";
    /// <summary>(Ref dimension, Num value) a dimension score outside 0–100.</summary>
    public const string WhatIfRange = "score.what_if.range";
    /// <summary>(string key, string choices) neither a dimension nor an indicator.</summary>
    public const string WhatIfKey = "score.what_if.key";
    /// <summary>(string indicator, Num value) a rate indicator outside 0–1.</summary>
    public const string WhatIfRate = "score.what_if.rate";

    /// <summary>(string text) a staffing target that is not METRIC=SHARE.</summary>
    public const string TargetFormat = "plan.target.format";
    /// <summary>(string share) a target share not strictly between 0 and 1.</summary>
    public const string TargetShare = "plan.target.share";
    /// <summary>(Ref metric, string profile, string choices) not a reply-within metric of the profile.</summary>
    public const string TargetMetric = "plan.target.metric";

    /// <summary>(DateOnly date, int days) too few days of history before the date to forecast it.</summary>
    public const string NotEnoughHistory = "plan.not_enough_history";

    /// <summary>(Num factor) the uplift the user set.</summary>
    public const string UpliftUser = "plan.uplift.user";
    /// <summary>() no uplift: not a festival day.</summary>
    public const string UpliftNotFestival = "plan.uplift.not_festival";
    /// <summary>(DateOnly from, DateOnly to) a festival with no earlier one to learn from.</summary>
    public const string UpliftNoEarlier = "plan.uplift.no_earlier";
    /// <summary>(DateOnly from, DateOnly to, DateOnly previous from, DateOnly previous to, int days) too little of the last festival.</summary>
    public const string UpliftTooLittle = "plan.uplift.too_little";
    /// <summary>(DateOnly from, DateOnly to, int days, Num mean, int days before, Num mean before, Num ratio) learned from the last festival.</summary>
    public const string UpliftLearned = "plan.uplift.learned";

    /// <summary>() an alert rule's id is missing or over 64 characters.</summary>
    public const string AlertIdRequired = "alert.id_required";
    /// <summary>(string id) two alert rules share an id.</summary>
    public const string AlertIdTwice = "alert.id_twice";
    /// <summary>() a waiting threshold outside 0–86400 s.</summary>
    public const string AlertWaitingThreshold = "alert.waiting_threshold";
    /// <summary>() a saturation threshold outside 0–10.</summary>
    public const string AlertSaturationThreshold = "alert.saturation_threshold";
    /// <summary>() a projection line outside 0–1.</summary>
    public const string AlertProjectionThreshold = "alert.projection_threshold";
    /// <summary>(string profile, string choices) a projection alert without a rate metric.</summary>
    public const string AlertProjectionMetric = "alert.projection_metric";
    /// <summary>(string detail) the rule set is not JSON.</summary>
    public const string AlertNotJson = "alert.not_json";
    /// <summary>() the rule set is not an object.</summary>
    public const string AlertExpectedObject = "alert.expected_object";
    /// <summary>() quiet hours that are neither a window nor null.</summary>
    public const string AlertQuietHoursText = "alert.quiet_hours_text";
    /// <summary>() no array of rules.</summary>
    public const string AlertExpectedRules = "alert.expected_rules";
    /// <summary>() a rule that is not an object.</summary>
    public const string AlertExpectedRule = "alert.expected_rule";
    /// <summary>(string kind) an unknown kind of alert.</summary>
    public const string AlertKind = "alert.kind";
    /// <summary>() a threshold that is not a number.</summary>
    public const string AlertNotNumber = "alert.not_number";
    /// <summary>(string shop) an unknown shop.</summary>
    public const string AlertUnknownShop = "alert.unknown_shop";

    /// <summary>Every code, for the renderers' completeness tests.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        VerdictExempt, VerdictNoValue, VerdictHolds, VerdictNotHolds, VerdictInARow, VerdictNotInARow,
        FindingText, FindingWaited, FindingNoReply,
        ExplainWithin, ExplainLate, ExplainAnswered, ExplainUnanswered, ExplainOutsideHours, ExplainMerged, ExplainNotFirst,
        ExplainBotOnly, ExplainLeaveMessage, ExplainNotInVersion, IgnoredWelcome, IgnoredBot, IgnoredAssist, IgnoredSystem, IgnoredAuto,
        HoursNotWindow, HoursEmpty, WhatIfFormat, WhatIfRange, WhatIfKey, WhatIfRate, Said, TargetFormat, TargetShare, TargetMetric, NotEnoughHistory, UpliftUser, UpliftNotFestival, UpliftNoEarlier, UpliftTooLittle, UpliftLearned,
        AlertIdRequired, AlertIdTwice, AlertWaitingThreshold, AlertSaturationThreshold, AlertProjectionThreshold, AlertProjectionMetric,
        AlertNotJson, AlertExpectedObject, AlertQuietHoursText, AlertExpectedRules, AlertExpectedRule, AlertKind, AlertNotNumber, AlertUnknownShop,
        .. InputCodes, .. FileCodes, .. LoaderCodes,
    ];
}
