using System.Globalization;
using KefuScore.Engine.Profiles;

namespace KefuScore.Engine.Text;

/// <summary>
/// Messages in the command line's English, with identifiers and figures as they are in the data
/// ("reply_rate_3min 0.9373 &lt; 0.97"): the text of the CLI and of the JSON contracts (verdict <c>detail</c>,
/// explain <c>why</c>, finding <c>evidence</c>). The dashboard renders the same messages for its readers instead.
/// </summary>
public static partial class EnglishText
{
    /// <summary>Several messages as one line: conditions joined by "; ", a run of periods after a space.</summary>
    public static string Render(IEnumerable<Msg> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var text = new System.Text.StringBuilder();
        foreach (var m in messages)
        {
            if (text.Length > 0) text.Append(m.Code is Codes.VerdictInARow or Codes.VerdictNotInARow ? " " : "; ");
            text.Append(Render(m));
        }
        return text.ToString();
    }

    public static string Render(Msg m)
    {
        ArgumentNullException.ThrowIfNull(m);
        string A(int i) => Arg(m.Args[i]);
        string F(int i, string format) => ((Num)m.Args[i]).Value.ToString(format, CultureInfo.InvariantCulture);
        return m.Code switch
        {
            Codes.VerdictExempt => $"exempt during {A(0)}",
            Codes.VerdictNoValue => $"{A(0)} has no value",
            Codes.VerdictHolds => $"{A(0)} {A(1)} {A(2)} {A(3)}",
            Codes.VerdictNotHolds => $"{A(0)} {A(1)} not {A(2)} {A(3)}",
            Codes.VerdictInARow => $"({A(0)} periods in a row)",
            Codes.VerdictNotInARow => $"(not {A(0)} periods in a row)",
            Codes.FindingText => A(0),
            Codes.Said => A(0),
            Codes.FindingWaited => $"waited {A(0)} s for a reply (limit {Whole(m.Args[1])} s)",
            Codes.FindingNoReply => $"no reply; the customer was still writing {A(0)} s after this message (limit {Whole(m.Args[1])} s)",
            Codes.ExplainWithin => $"answered by {A(0)} after {A(1)} s (≤ {Whole(m.Args[2])} s)",
            Codes.ExplainLate => $"answered by {A(0)} after {A(1)} s (> {Whole(m.Args[2])} s): late",
            Codes.ExplainAnswered => $"answered by {A(0)} after {A(1)} s",
            Codes.ExplainUnanswered => "no valid human reply",
            Codes.ExplainOutsideHours => $"sent outside the assessment hours {A(0)}",
            Codes.ExplainMerged => $"merged into the {A(0)} opened by {A(1)}",
            Codes.ExplainNotFirst => "not the conversation's first counted message of the day",
            Codes.ExplainBotOnly => "the conversation was handled by bots only, which this profile leaves out",
            Codes.ExplainLeaveMessage => "the session was left as a message (留言): no valid reply before it closed; counted in the leave-message rate instead",
            Codes.ExplainNotInVersion => "the metric is not in the profile version in force that day",
            Codes.IgnoredWelcome => $"{A(0)} was a welcome message, which does not count",
            Codes.IgnoredBot => $"{A(0)} was a bot reply, which does not count",
            Codes.IgnoredAssist => $"{A(0)} was a assist-mode bot reply not accepted by this profile, which does not count",
            Codes.IgnoredSystem => $"{A(0)} was a system message, which does not count",
            Codes.IgnoredAuto => $"{A(0)} was a auto-reply, which does not count",
            Codes.HoursNotWindow => $"'{A(0)}' is not a window like \"09:00-19:00\" or \"all\"",
            Codes.HoursEmpty => $"'{A(0)}' is an empty window",
            Codes.WhatIfFormat => $"--what-if: '{A(0)}' is not KEY=VALUE with a number, e.g. service=65 or reply_rate_3min=0.95",
            Codes.WhatIfRange => $"--what-if: {A(0)}={A(1)} is outside 0–100",
            Codes.WhatIfRate => $"--what-if: {A(0)}={A(1)} is a rate and must lie in 0–1 (0.97 for 97%)",
            Codes.WhatIfKey => $"--what-if: '{A(0)}' is neither a dimension (product, logistics, service) nor an indicator ({A(1)})",
            Codes.TargetFormat => $"'{A(0)}' is not METRIC=SHARE, e.g. reply_rate_3min=0.97",
            Codes.TargetShare => $"the share {A(0)} must be strictly between 0 and 1",
            Codes.TargetMetric => $"'{A(0)}' is not a reply-within metric of profile {A(1)} (one of: {A(2)})",
            Codes.NotEnoughHistory => $"not enough history: a forecast for {A(0)} needs consultations on at least 7 non-festival days in the {A(1)} days before it",
            Codes.UpliftUser => $"set by the user: × {F(0, "0.###")}",
            Codes.UpliftNotFestival => "not a festival day",
            Codes.UpliftNoEarlier => $"festival {A(0)}..{A(1)}, but no earlier festival period is known",
            Codes.UpliftTooLittle => $"festival {A(0)}..{A(1)}, but the history has too little of last year's festival {A(2)}..{A(3)} (needs 3 days in it and 3 in the {A(4)} days before it)",
            Codes.UpliftLearned => $"learned from festival {A(0)}..{A(1)}: {A(2)} days at {F(3, "0.#")} vs {A(4)} days before at {F(5, "0.#")} (× {F(6, "0.###")})",
            Codes.AlertIdRequired => "is required, at most 64 characters",
            Codes.AlertIdTwice => $"'{A(0)}' is used twice",
            Codes.AlertWaitingThreshold => "waiting needs seconds above 0 and at most 86400",
            Codes.AlertSaturationThreshold => "saturation needs a share above 0 (1.0 = 100%) and at most 10",
            Codes.AlertProjectionThreshold => "projection_below needs a line above 0 and at most 1 (0.97 = 97%)",
            Codes.AlertProjectionMetric => $"projection_below needs a rate metric of profile '{A(0)}' ({A(1)})",
            Codes.AlertNotJson => $"not JSON: {A(0)}",
            Codes.AlertExpectedObject => "expected an object with quiet_hours and rules",
            Codes.AlertQuietHoursText => "expected a window like \"23:00-08:00\" or null",
            Codes.AlertExpectedRules => "expected an array of rules",
            Codes.AlertExpectedRule => "expected an object",
            Codes.AlertKind => $"'{A(0)}' is not one of waiting, no_agent_online, saturation, projection_below, dissatisfied, complaint",
            Codes.AlertNotNumber => "expected a number",
            Codes.AlertUnknownShop => $"shop '{A(0)}' is not known",
            _ => RenderInput(m) ?? RenderLoader(m) ?? m.Code,
        };
    }

    /// <summary>An argument as the data has it: ids raw, figures to four places, operators as symbols.</summary>
    private static string Arg(object a) => a switch
    {
        Ref r => r.Id,
        Num { Kind: NumKind.Seconds } n => n.Value.ToString("0.###", CultureInfo.InvariantCulture),
        Num n => n.Value.ToString("0.####", CultureInfo.InvariantCulture),
        Comparison c => Symbol(c),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => a.ToString() ?? "",
    };

    private static string Whole(object a) => a is Num n ? n.Value.ToString("0", CultureInfo.InvariantCulture) : Arg(a);

    public static string Symbol(Comparison c) => c switch
    {
        Comparison.Below => "<", Comparison.AtMost => "≤", Comparison.Above => ">", _ => "≥",
    };
}
