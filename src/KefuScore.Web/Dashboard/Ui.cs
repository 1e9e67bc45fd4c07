using System.Globalization;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;
using MudBlazor;

namespace KefuScore.Web.Dashboard;

/// <summary>
/// The page language: Simplified Chinese unless the <c>kefu-lang</c> cookie says <c>en</c>. Every text is written
/// in both languages where it is used (<c>L.T("概览", "Overview")</c>): a page is complete in both by construction, and
/// no resource file can fall out of step with it.
/// </summary>
public sealed partial record Lang(bool English)
{
    public const string Cookie = "kefu-lang";

    public static Lang From(HttpContext? http) => new(http?.Request.Cookies[Cookie] == "en");

    public string T(string zh, string en) => English ? en : zh;

    /// <summary>The profile's name of a metric or rule in this language (profiles carry zh-CN and en names).</summary>
    public string Name(IReadOnlyDictionary<string, string> names, string id) =>
        names.TryGetValue(English ? "en" : "zh-CN", out var n) ? n : names.TryGetValue("zh-CN", out var z) ? z : id;

    /// <summary>What failing costs, in plain words and money: 罚款 1000 元, 不能参加平台活动, 扣 5 分, 限制部分功能.</summary>
    public string Consequence(Consequence? c) => c?.Kind switch
    {
        null => "",
        "fine" => T($"罚款 {c.Amount?.ToString("0.##", CultureInfo.InvariantCulture)} 元", $"Fine of {c.Amount?.ToString("0.##", CultureInfo.InvariantCulture)} yuan"),
        "campaign_ban" => T("不能参加平台活动", "Barred from platform campaigns"),
        "points" => T($"扣 {c.Points} 分", $"{c.Points} points deducted"),
        "restriction" => T("限制部分功能", "Some functions restricted"),
        var other => other,
    };

    public string Status(VerdictStatus s) => s switch
    {
        VerdictStatus.Pass => T("达标", "Pass"),
        VerdictStatus.Fail => T("不达标", "Fail"),
        _ => T("无数据", "No data"),
    };

    /// <summary>A metric value as managers read it: rates in percent, averages in seconds, counts whole.</summary>
    public string Value(MetricDefinition metric, double? value) => value is not { } v ? "—" : metric.Shape switch
    {
        MetricShape.Rate => v.ToString("0.0%", CultureInfo.InvariantCulture),
        MetricShape.Average => T($"{v.ToString("0.0", CultureInfo.InvariantCulture)} 秒", $"{v.ToString("0.0", CultureInfo.InvariantCulture)} s"),
        _ => v.ToString("0", CultureInfo.InvariantCulture),
    };

    /// <summary>A line of an assessment as text: "&lt; 97.0%".</summary>
    public string Line(MetricDefinition metric, Condition c) =>
        (c.Op switch { Comparison.Below => "< ", Comparison.AtMost => "≤ ", Comparison.Above => "> ", _ => "≥ " }) + Value(metric, c.Value);

    /// <summary>Why a message counted as it did (<c>kefu explain</c>'s reasons) in this language.</summary>
    public string Why(Engine.Metrics.ExplainRow row, Explanation x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Say(x.Why(row));
    }

    public string Weekday(DayOfWeek d) => English
        ? d.ToString()[..3]
        : "周" + "日一二三四五六"[(int)d];
}

/// <summary>Verdict colours everywhere: pass green, fail red, none grey.</summary>
public static class VerdictColours
{
    public static Color Of(VerdictStatus s) => s switch { VerdictStatus.Pass => Color.Success, VerdictStatus.Fail => Color.Error, _ => Color.Default };

    /// <summary>Dark enough for white text (WCAG AA contrast), as the theme's success and error colours.</summary>
    public const string Pass = "#1b5e20";
    public const string Fail = "#b71c1c";
    public const string None = "#616161";

    public static string Css(VerdictStatus s) => s switch { VerdictStatus.Pass => Pass, VerdictStatus.Fail => Fail, _ => None };
}
