using System.Globalization;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Score;
using KefuScore.Engine.Text;

namespace KefuScore.App.Score;

/// <summary>
/// Answers score questions over daily indicator state: one score, a diagnosis between two windows, a history of
/// daily scores (what a dashboard page draws). Shared by <c>kefu score</c> and the API.
/// </summary>
public sealed class ScoreQuery(CompiledProfile profile, IndicatorDays days)
{
    public ScoreModel Model { get; } = ScoreRunner.ModelOf(profile);
    public CompiledProfile Profile { get; } = profile;

    public ScoreVersion Version(string? id)
    {
        if (id is null) return Model.Version(Model.DefaultVersion)!;
        return Model.Version(id) ?? throw new ScoreException(new Msg(Codes.ScoreVersion, id, Profile.Id, string.Join(", ", Model.Versions.Select(v => v.Id))));
    }

    public string Industry(ScoreVersion version, string? industry)
    {
        industry ??= ScoreVersion.DefaultIndustry;
        if (!version.Weights.ContainsKey(industry))
            throw new ScoreException(new Msg(Codes.ScoreIndustry, industry, version.Id, string.Join(", ", version.Weights.Keys)));
        return industry;
    }

    /// <summary>The shop to score: the one named, else the only shop in the data.</summary>
    public string Shop(string? shop)
    {
        var shops = days.Shops.ToList();
        if (shop is not null) return shops.Contains(shop) ? shop : throw new ScoreException(new Msg(Codes.ScoreNoShopData, shop));
        return shops.Count switch
        {
            0 => throw new ScoreException(new Msg(Codes.ScoreNoEvents)),
            1 => shops[0],
            _ => throw new ScoreException(new Msg(Codes.ScoreSeveralShops, string.Join(", ", shops))),
        };
    }

    /// <summary>The last local date with data: the default end of a window.</summary>
    public DateOnly LastDate(string shop) => days.Dates(shop).DefaultIfEmpty(DateOnly.MinValue).Max();

    public ScoreResult Score(string shop, ScoreVersion version, string industry, DateOnly to, WhatIf? whatIf = null)
    {
        var (from, end) = ScoreCalculator.Window(version, to);
        var window = days.Window(shop, from, end);
        return ScoreCalculator.Compute(Model, version, industry, from, end, window.Values(Model), whatIf);
    }

    /// <summary>What each indicator's value rests on in the window ending on <paramref name="to"/>: its denominator (messages, orders, reviews…).</summary>
    public IReadOnlyDictionary<string, double> Support(string shop, ScoreVersion version, DateOnly to)
    {
        var (from, end) = ScoreCalculator.Window(version, to);
        return days.Window(shop, from, end).Totals.ToDictionary(t => t.Key, t => t.Value.Denominator, StringComparer.Ordinal);
    }

    /// <summary>Two windows of the version's length ending on <paramref name="to"/> and on <paramref name="against"/>.</summary>
    public Diagnosis Diagnose(string shop, ScoreVersion version, string industry, DateOnly against, DateOnly to, DateOnly? from = null)
    {
        var (f, t) = from is { } start ? (start, to) : ScoreCalculator.Window(version, to);
        var length = t.DayNumber - f.DayNumber;
        return ScoreDiagnosis.Diagnose(Model, version, industry, days.Window(shop, against.AddDays(-length), against), days.Window(shop, f, t));
    }

    /// <summary>The score as it stood at the end of each local day in [from, to] (each day's rolling window).</summary>
    public IReadOnlyList<ScoreResult> History(string shop, ScoreVersion version, string industry, DateOnly from, DateOnly to)
    {
        var result = new List<ScoreResult>();
        for (var d = from; d <= to; d = d.AddDays(1)) result.Add(Score(shop, version, industry, d));
        return result;
    }

    /// <summary>Whether an indicator's value is a share between 0 and 1 (a rate), not hours or seconds.</summary>
    public bool IsShare(IndicatorSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Source == IndicatorSource.Metric
            ? Profile.Metrics.FirstOrDefault(m => m.Id == spec.From)?.IsShare ?? false
            : ExperienceLedger.IsShare(spec.From);
    }

    /// <summary>Parses <c>KEY=VALUE</c>: a dimension (product, logistics, service) or an indicator id of the model.</summary>
    public WhatIf ParseWhatIf(IEnumerable<string> items)
    {
        var dims = new Dictionary<string, double>(StringComparer.Ordinal);
        var indicators = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var at = item.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0 || !double.TryParse(item[(at + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                throw new ScoreException(new Msg(Codes.WhatIfFormat, item));
            var key = item[..at];
            if (Dimensions.All.Contains(key))
            {
                if (value is < 0 or > 100) throw new ScoreException(new Msg(Codes.WhatIfRange, new Ref(RefKind.Dimension, key), new Num(value, NumKind.Plain)));
                dims[key] = value;
            }
            else if (Model.Indicator(key) is { } spec)
            {
                if (IsShare(spec) && value is < 0 or > 1) throw new ScoreException(new Msg(Codes.WhatIfRate, key, new Num(value, NumKind.Plain)));
                indicators[key] = value;
            }
            else throw new ScoreException(new Msg(Codes.WhatIfKey, key, string.Join(", ", Model.Indicators.Select(i => i.Id))));
        }
        return new WhatIf(dims, indicators);
    }
}
