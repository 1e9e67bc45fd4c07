using System.Globalization;
using System.Text.RegularExpressions;
using KefuScore.Engine.Quality;

namespace KefuScore.Web.Dashboard.Quality;

/// <summary>
/// What decided a finding, in the page's language (issue 18, item 5): the listed words that matched, the model's
/// probability with the character sequences and tone cues that weighed most (never the model's feature ids), the first
/// turn without a polite address, or the wait.
/// </summary>
public static partial class FindingEvidence
{
    public static string Describe(Lang l, Finding f)
    {
        ArgumentNullException.ThrowIfNull(l);
        ArgumentNullException.ThrowIfNull(f);
        if (ModelEvidence.TryParse(f.Evidence) is { } model)
        {
            var reasons = model.Features.Select(x => Feature(l, x)).Where(x => x.Length > 0).ToList();
            var p = model.Probability.ToString("0.00", CultureInfo.InvariantCulture);
            return reasons.Count == 0
                ? l.T($"模型判断（概率 {p}）", $"The model ({p})")
                : l.T($"模型判断（概率 {p}）：{string.Join("、", reasons)}", $"The model ({p}): {string.Join(", ", reasons)}");
        }
        // The wait is the engine's message, rendered with durations as people say them (6分23秒), not raw seconds.
        if (f.Rule == RuleIds.LongSilence) return l.Say(f.Reason);
        if (f.Rule == RuleIds.NoPoliteAddress) return l.T($"首次回复没有礼貌称呼：“{f.Evidence}”", $"First reply without a polite address: “{f.Evidence}”");
        return l.T($"命中词语：{f.Evidence}", $"Listed words: {f.Evidence}");
    }

    /// <summary>One feature of the model's reasons: a character sequence in quotes, a tone cue or a word list by its name.</summary>
    private static string Feature(Lang l, string feature)
    {
        if (!feature.StartsWith('#')) return $"“{feature}”";
        var token = feature[1..];
        if (token.StartsWith("cue:", StringComparison.Ordinal)) return Cue(l, token["cue:".Length..]);
        if (token.StartsWith("lex:", StringComparison.Ordinal)) return l.T($"命中“{QualityQuery.RuleName(l, token["lex:".Length..])}”词表", $"the {QualityQuery.RuleName(l, token["lex:".Length..])} word list");
        // first / ongoing describe the place of a turn, not its words.
        return "";
    }

    /// <summary>The tone cues of <c>Quality/cues.yaml</c>; a cue of a shop's own vocabulary shows as 语气特征.</summary>
    private static string Cue(Lang l, string cue) => cue switch
    {
        "blame" => l.T("推给顾客的语气", "blaming the customer"),
        "dismissal" => l.T("打发顾客的语气", "dismissive"),
        "impatience" => l.T("不耐烦的语气", "impatient"),
        "rhetorical" => l.T("反问语气", "rhetorical question"),
        "sarcasm" => l.T("讽刺语气", "sarcasm"),
        "blunt" => l.T("生硬的拒绝", "blunt refusal"),
        "emotion_dismissed" => l.T("轻视顾客情绪", "dismissing the customer's feelings"),
        "hedge" => l.T("含糊其辞", "hedging"),
        "commitment" => l.T("承诺跟进", "committing to follow up"),
        "promise" => l.T("许诺", "a promise"),
        "policy" => l.T("引用店铺政策", "citing the policy"),
        "superlative" => l.T("夸大说法", "superlative"),
        "apology" => l.T("致歉或感谢", "apology or thanks"),
        "soft" => l.T("语气词", "soft particles"),
        "greeting" => l.T("问候", "greeting"),
        "curt" => l.T("简短生硬", "curt"),
        _ => l.T("语气特征", "a tone cue"),
    };
}
