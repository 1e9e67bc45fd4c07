using System.Globalization;

namespace KefuScore.Engine.Text;

public static partial class EnglishText
{
    /// <summary>The input errors' codes (<see cref="Codes.InputRequired"/>… and the profile's), as the loaders always wrote them.</summary>
    private static string? RenderInput(Msg m)
    {
        string A(int i) => Arg(m.Args[i]);
        return m.Code switch
        {
            Codes.Untranslated => A(0),
            Codes.InputRequired => "is required",
            Codes.InputSingleValue => "must be a single value",
            Codes.InputList => "must be a list",
            Codes.InputListOfValues => "must be a list of values",
            Codes.InputMapping => "must be a mapping",
            Codes.InputUnknownKey => $"unknown key (expected one of: {A(0)})",
            Codes.InputNotNumber => $"'{A(0)}' is not a number",
            Codes.InputNotWhole => $"'{A(0)}' is not a whole number",
            Codes.InputNotBool => $"'{A(0)}' is not true or false",
            Codes.InputNotDuration => $"'{A(0)}' is not a duration like 180s, 10m, 24h",
            Codes.InputNotDate => $"'{A(0)}' is not a date like 2026-02-10",
            Codes.InputNotOneOf => $"'{A(0)}' is not one of {A(1)}",
            Codes.InputAboveZero => "must be above 0",
            Codes.InputAtLeastOne => "must be 1 or more",
            Codes.InputYamlSyntax => A(0),
            Codes.InputDocumentMapping => $"the document must be a mapping ({A(0)})",
            Codes.InputCannotRead => $"cannot be read: {A(0)}",
            Codes.InputTooMany => $"{Convert.ToInt64(m.Args[0], CultureInfo.InvariantCulture).ToString("N0", CultureInfo.InvariantCulture)} problems in all; only the first {A(1)} are listed (limit: {A(1)} errors)",
            Codes.ProfileNames => "must map a culture to a name, e.g. { zh-CN: 满意率, en: Satisfaction rate }",
            Codes.ProfileStars => "must map stars 1-5 to satisfied, neutral or dissatisfied",
            Codes.ProfileStarsKey => "must be a number of stars from 1 to 5",
            Codes.ProfileStarUnmapped => $"{A(0)} stars is not mapped to a level",
            Codes.ProfileConditionOne => "a condition needs exactly one of below, at_most, above, at_least",
            Codes.ProfileConsequenceShape => "must be a mapping like { kind: fine, amount: 1000 } or a list of them",
            Codes.ProfileMetricTwice => $"metric id '{A(0)}' is used twice",
            Codes.ProfileAssessmentTwice => $"assessment id '{A(0)}' is used twice",
            Codes.ProfileIndicatorTwice => $"indicator id '{A(0)}' is used twice",
            Codes.ProfileRoleNoMetric => $"'{A(0)}' is not a metric of this profile",
            Codes.ProfileRoleKind => $"'{A(0)}' is not a {A(1)} metric",
            Codes.ProfileMetricShape => $"metric '{A(0)}' changes between a rate, an average and a count across versions",
            Codes.ProfileWithin => "a reply_within metric needs a threshold in seconds above 0",
            Codes.ProfileLevels => "a rating_share metric needs the levels it counts",
            Codes.ProfileBuyerUnit => "the buyer unit applies to reply_within, consultations and complaint_rate",
            Codes.ProfileComplaintBuyer => "a complaint_rate counts buyers: give unit: buyer",
            Codes.ProfileFirstRound => "first_round needs unit: session",
            Codes.ProfileNeedsSession => "needs unit: session",
            Codes.ProfileNoCondition => $"assessment '{A(0)}' needs fail_when or pass_when",
            Codes.ProfileBothConditions => $"assessment '{A(0)}' has both fail_when and pass_when: choose one",
            Codes.ProfileRollingDays => "a rolling period needs days ≥ 1",
            Codes.ProfileUnknownMetric => $"unknown metric '{A(0)}' (known: {A(1)})",
            Codes.ProfileConsequenceKind => $"unknown consequence kind '{A(0)}' (campaign_ban, fine, points, restriction, badge, warning)",
            Codes.ProfileSessionLonger => "a session cannot stay open longer than idle_close",
            Codes.ProfilePeriodBackwards => $"'{A(0)}' ends ({A(1)}) before it starts ({A(2)})",
            Codes.ProfileUnknownAssessment => $"unknown assessment '{A(0)}'",
            Codes.ProfileUnknownIndicator => $"unknown indicator '{A(0)}'",
            Codes.ProfileUnknownStandard => $"unknown standard '{A(0)}'",
            Codes.ProfileIndicatorMetric => "a metric indicator names the profile metric it reads",
            Codes.ProfileOrderIndicator => $"'{A(0)}' is not a built-in order indicator ({A(1)}); use source: metric for a chat metric",
            Codes.ProfileMapping => "an indicator needs exactly one mapping: bands or percentile",
            Codes.ProfileDefaultTable => "needs a 'default' industry table",
            Codes.ProfileDefaultIndustry => "needs a 'default' industry",
            Codes.ProfileBands => "must be a list of [value, score] pairs",
            Codes.ProfileBandPair => "each entry must be a [value, score] pair of numbers",
            Codes.ProfileBandOrder => $"values must increase ({A(0)} after {A(1)})",
            Codes.ProfileScale => "must be [min, max] with min < max, e.g. [50, 100]",
            Codes.ProfileWindowDays => "a window of 1 day or more is required",
            Codes.ProfileWeights => $"weights add up to {((Num)m.Args[0]).Value.ToString("0.###", CultureInfo.InvariantCulture)}, not 1",
            Codes.ProfileNoBuiltIn => $"no built-in profile '{A(0)}' and no such file (built-in: {A(1)})",
            Codes.ProfileTimeZone => $"'{A(0)}' is not a time zone known to this machine ({A(1)})",
            Codes.ProfileNoStored => $"no stored profile '{A(0)}'",
            Codes.ProfileBadId => $"'{A(0)}' is not an id of lower-case letters, digits, '_', '.' or '-' (at most 64)",
            Codes.ProfileBuiltInId => $"'{A(0)}' is a built-in profile's id; give your profile its own",
            _ => null,
        };
    }
}
