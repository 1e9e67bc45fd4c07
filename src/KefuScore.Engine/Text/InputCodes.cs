namespace KefuScore.Engine.Text;

/// <summary>
/// Codes of input errors: what a YAML document (a profile, shifts, a calendar) or another uploaded file gets wrong.
/// The place (file, line, field) travels beside the message; the message says only what is wrong.
/// </summary>
public static partial class Codes
{
    /// <summary>(string text) a loader's English sentence not yet given a code; shown as it is.</summary>
    public const string Untranslated = "untranslated";

    /// <summary>() a required key or field is missing.</summary>
    public const string InputRequired = "input.required";
    /// <summary>() a list or mapping where one value belongs.</summary>
    public const string InputSingleValue = "input.single_value";
    /// <summary>() not a list.</summary>
    public const string InputList = "input.list";
    /// <summary>() not a list of single values.</summary>
    public const string InputListOfValues = "input.list_of_values";
    /// <summary>() not a mapping.</summary>
    public const string InputMapping = "input.mapping";
    /// <summary>(string keys) a key the document does not know.</summary>
    public const string InputUnknownKey = "input.unknown_key";
    /// <summary>(string value) not a number.</summary>
    public const string InputNotNumber = "input.not_number";
    /// <summary>(string value) not a whole number.</summary>
    public const string InputNotWhole = "input.not_whole";
    /// <summary>(string value) not true or false.</summary>
    public const string InputNotBool = "input.not_bool";
    /// <summary>(string value) not a duration like 180s.</summary>
    public const string InputNotDuration = "input.not_duration";
    /// <summary>(string value) not a date like 2026-02-10.</summary>
    public const string InputNotDate = "input.not_date";
    /// <summary>(string value, string choices) not one of the words the field takes.</summary>
    public const string InputNotOneOf = "input.not_one_of";
    /// <summary>() a number that must be above 0.</summary>
    public const string InputAboveZero = "input.above_zero";
    /// <summary>() a count that must be 1 or more.</summary>
    public const string InputAtLeastOne = "input.at_least_one";
    /// <summary>(string detail) the text is not YAML (the parser's words, or a size/depth limit).</summary>
    public const string InputYamlSyntax = "input.yaml_syntax";
    /// <summary>(string expected) the document is not a mapping of the expected keys.</summary>
    public const string InputDocumentMapping = "input.document_mapping";
    /// <summary>(string detail) the file cannot be read.</summary>
    public const string InputCannotRead = "input.cannot_read";
    /// <summary>(int total, int listed) more problems than are listed.</summary>
    public const string InputTooMany = "input.too_many";

    /// <summary>() names: not a mapping of culture to name.</summary>
    public const string ProfileNames = "profile.names";
    /// <summary>() stars: not a mapping of 1–5 to levels.</summary>
    public const string ProfileStars = "profile.stars";
    /// <summary>() a stars key outside 1–5.</summary>
    public const string ProfileStarsKey = "profile.stars_key";
    /// <summary>(int stars) a number of stars mapped to no level.</summary>
    public const string ProfileStarUnmapped = "profile.star_unmapped";
    /// <summary>() a condition without exactly one comparison.</summary>
    public const string ProfileConditionOne = "profile.condition_one";
    /// <summary>() a consequence that is neither a mapping nor a list of them.</summary>
    public const string ProfileConsequenceShape = "profile.consequence_shape";
    /// <summary>(string id) two metrics share an id.</summary>
    public const string ProfileMetricTwice = "profile.metric_twice";
    /// <summary>(string id) two assessments share an id.</summary>
    public const string ProfileAssessmentTwice = "profile.assessment_twice";
    /// <summary>(string id) two score indicators share an id.</summary>
    public const string ProfileIndicatorTwice = "profile.indicator_twice";
    /// <summary>(string id) a role names no metric of the profile.</summary>
    public const string ProfileRoleNoMetric = "profile.role_no_metric";
    /// <summary>(string id, string kind) a role names a metric of the wrong kind.</summary>
    public const string ProfileRoleKind = "profile.role_kind";
    /// <summary>(string id) a metric changes shape across versions.</summary>
    public const string ProfileMetricShape = "profile.metric_shape";
    /// <summary>() a reply_within metric without its threshold.</summary>
    public const string ProfileWithin = "profile.within";
    /// <summary>() a rating_share metric without levels.</summary>
    public const string ProfileLevels = "profile.levels";
    /// <summary>() the buyer unit on a metric that cannot count buyers.</summary>
    public const string ProfileBuyerUnit = "profile.buyer_unit";
    /// <summary>() a complaint_rate metric not counted by buyer.</summary>
    public const string ProfileComplaintBuyer = "profile.complaint_buyer";
    /// <summary>() first_round without unit: session.</summary>
    public const string ProfileFirstRound = "profile.first_round";
    /// <summary>() exclude_leave_messages without unit: session.</summary>
    public const string ProfileNeedsSession = "profile.needs_session";
    /// <summary>(string id) an assessment with neither fail_when nor pass_when.</summary>
    public const string ProfileNoCondition = "profile.no_condition";
    /// <summary>(string id) an assessment with both fail_when and pass_when.</summary>
    public const string ProfileBothConditions = "profile.both_conditions";
    /// <summary>() a rolling period without days.</summary>
    public const string ProfileRollingDays = "profile.rolling_days";
    /// <summary>(string id, string known) a metric the profile does not define.</summary>
    public const string ProfileUnknownMetric = "profile.unknown_metric";
    /// <summary>(string kind) a consequence of an unknown kind.</summary>
    public const string ProfileConsequenceKind = "profile.consequence_kind";
    /// <summary>() a session that may stay open longer than idle_close.</summary>
    public const string ProfileSessionLonger = "profile.session_longer";
    /// <summary>(string id, DateOnly to, DateOnly from) a special period ending before it starts.</summary>
    public const string ProfilePeriodBackwards = "profile.period_backwards";
    /// <summary>(string id) a special period naming an unknown assessment.</summary>
    public const string ProfileUnknownAssessment = "profile.unknown_assessment";
    /// <summary>(string id) a score standard naming an unknown indicator.</summary>
    public const string ProfileUnknownIndicator = "profile.unknown_indicator";
    /// <summary>(string id) a floor naming an unknown standard.</summary>
    public const string ProfileUnknownStandard = "profile.unknown_standard";
    /// <summary>() a metric indicator without its metric.</summary>
    public const string ProfileIndicatorMetric = "profile.indicator_metric";
    /// <summary>(string id, string known) an orders indicator that is not built in.</summary>
    public const string ProfileOrderIndicator = "profile.order_indicator";
    /// <summary>() an indicator without exactly one of bands or percentile.</summary>
    public const string ProfileMapping = "profile.mapping";
    /// <summary>() a percentile mapping without a default industry.</summary>
    public const string ProfileDefaultTable = "profile.default_table";
    /// <summary>() weights without a default industry.</summary>
    public const string ProfileDefaultIndustry = "profile.default_industry";
    /// <summary>() bands that are not a list of pairs.</summary>
    public const string ProfileBands = "profile.bands";
    /// <summary>() a band entry that is not a pair of numbers.</summary>
    public const string ProfileBandPair = "profile.band_pair";
    /// <summary>(Num value, Num previous) band values that do not increase.</summary>
    public const string ProfileBandOrder = "profile.band_order";
    /// <summary>() a scale that is not [min, max].</summary>
    public const string ProfileScale = "profile.scale";
    /// <summary>() a score window under 1 day.</summary>
    public const string ProfileWindowDays = "profile.window_days";
    /// <summary>(Num sum) dimension weights that do not add up to 1.</summary>
    public const string ProfileWeights = "profile.weights";
    /// <summary>(string id, string builtins) no built-in profile of that id and no such file.</summary>
    public const string ProfileNoBuiltIn = "profile.no_builtin";
    /// <summary>(string zone, string detail) a time zone this machine does not know.</summary>
    public const string ProfileTimeZone = "profile.time_zone";
    /// <summary>(string reference) no stored profile of that reference.</summary>
    public const string ProfileNoStored = "profile.no_stored";
    /// <summary>(string id) an id with characters an id may not have.</summary>
    public const string ProfileBadId = "profile.bad_id";
    /// <summary>(string id) an uploaded profile with a built-in's id.</summary>
    public const string ProfileBuiltInId = "profile.builtin_id";

    // A property, not a field: static fields of partial classes initialise in no defined order across files.
    private static string[] InputCodes =>
    [
        Untranslated, InputRequired, InputSingleValue, InputList, InputListOfValues, InputMapping, InputUnknownKey, InputNotNumber,
        InputNotWhole, InputNotBool, InputNotDuration, InputNotDate, InputNotOneOf, InputAboveZero, InputAtLeastOne, InputYamlSyntax,
        InputDocumentMapping, InputCannotRead, InputTooMany,
        ProfileNames, ProfileStars, ProfileStarsKey, ProfileStarUnmapped, ProfileConditionOne, ProfileConsequenceShape, ProfileMetricTwice,
        ProfileAssessmentTwice, ProfileIndicatorTwice, ProfileRoleNoMetric, ProfileRoleKind, ProfileMetricShape, ProfileWithin, ProfileLevels,
        ProfileBuyerUnit, ProfileComplaintBuyer, ProfileFirstRound, ProfileNeedsSession, ProfileNoCondition, ProfileBothConditions,
        ProfileRollingDays, ProfileUnknownMetric, ProfileConsequenceKind, ProfileSessionLonger, ProfilePeriodBackwards,
        ProfileUnknownAssessment, ProfileUnknownIndicator, ProfileUnknownStandard, ProfileIndicatorMetric, ProfileOrderIndicator,
        ProfileMapping, ProfileDefaultTable, ProfileDefaultIndustry, ProfileBands, ProfileBandPair, ProfileBandOrder, ProfileScale,
        ProfileWindowDays, ProfileWeights, ProfileNoBuiltIn, ProfileTimeZone, ProfileNoStored, ProfileBadId, ProfileBuiltInId,
    ];
}
