using System.Globalization;

namespace KefuScore.Web.Dashboard;

/// <summary>
/// A rate as a manager types it: "97%", "97 %", "97％" or "0.97", always a share in 0–1. A bare number above 1 is
/// refused rather than guessed: "97" read as 9,700% scored a what-if 100 (issue 16), and "1" could be 1% or 100%.
/// </summary>
public static class RateText
{
    /// <summary>The share, or null with <paramref name="error"/> in the reader's language.</summary>
    public static double? Parse(string? text, Lang l, out string? error)
    {
        ArgumentNullException.ThrowIfNull(l);
        error = null;
        var t = (text ?? "").Trim();
        var percent = t.EndsWith('%') || t.EndsWith('％');
        if (percent) t = t[..^1].TrimEnd();
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
        {
            error = l.T($"“{text}”不是比率，请写成 97% 或 0.97", $"'{text}' is not a rate: write 97% or 0.97");
            return null;
        }
        if (percent) v /= 100;
        else if (v > 1)
        {
            error = l.T($"“{text}”不是比率：百分数请带 %（如 {t}%），或写成小数（如 0.97）", $"'{text}' is not a rate: add % ({t}%) or write a fraction like 0.97");
            return null;
        }
        if (v is < 0 or > 1)
        {
            error = l.T($"“{text}”超出 0%–100%", $"'{text}' is outside 0%–100%");
            return null;
        }
        return v;
    }

    /// <summary>A share as the inputs show it: 97%, 99.5%.</summary>
    public static string Format(double share) => (share * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
