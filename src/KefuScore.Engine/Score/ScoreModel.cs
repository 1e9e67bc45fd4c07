namespace KefuScore.Engine.Score;

/// <summary>
/// 体验分 model of a profile (SPEC §5.4): sub-indicators in three dimensions, how each maps to a 0–100 score,
/// and the score versions (scale, window, weights per industry, floors). Pure data, read from the profile's
/// <c>score:</c> section.
/// </summary>
public sealed record ScoreModel
{
    public required IReadOnlyList<IndicatorSpec> Indicators { get; init; }
    public required IReadOnlyList<ScoreVersion> Versions { get; init; }
    /// <summary>The version used when none is asked for.</summary>
    public string DefaultVersion => Versions[^1].Id;

    public ScoreVersion? Version(string id) => Versions.FirstOrDefault(v => string.Equals(v.Id, id, StringComparison.Ordinal));

    public IndicatorSpec? Indicator(string id) => Indicators.FirstOrDefault(i => string.Equals(i.Id, id, StringComparison.Ordinal));
}

/// <summary>The three dimensions of the experience score.</summary>
public static class Dimensions
{
    public const string Product = "product";
    public const string Logistics = "logistics";
    public const string Service = "service";
    public static IReadOnlyList<string> All { get; } = [Product, Logistics, Service];
}

/// <summary>Where a sub-indicator's value comes from.</summary>
public enum IndicatorSource
{
    /// <summary>A built-in order indicator computed from reviews, after-sales, shipments and complaints.</summary>
    Orders,
    /// <summary>One of the profile's chat metrics (e.g. <c>reply_rate_3min</c>), from the conversations.</summary>
    Metric,
}

/// <summary>One sub-indicator: its dimension, its weight inside the dimension and its mapping to a score.</summary>
public sealed record IndicatorSpec
{
    public required string Id { get; init; }
    public IReadOnlyDictionary<string, string> Names { get; init; } = new Dictionary<string, string>();
    public required string Dimension { get; init; }
    public IndicatorSource Source { get; init; } = IndicatorSource.Orders;
    /// <summary>For <see cref="IndicatorSource.Metric"/>: the profile metric's id; for orders: the built-in indicator's id.</summary>
    public required string From { get; init; }
    public double Weight { get; init; } = 1;
    public required IndicatorMapping Mapping { get; init; }
    /// <summary>The seeds' category this indicator speaks to (slow_reply, product_info, quality, logistics, aftersale, communication).</summary>
    public string Category { get; init; } = "communication";
    public string Path { get; init; } = "";

    public string Name(string culture) => Names.TryGetValue(culture, out var n) ? n : Id;
}

/// <summary>A score version: v1 (3–5, 90 days) or v2 (50–100, 30 days) and whatever a profile defines.</summary>
public sealed record ScoreVersion
{
    public required string Id { get; init; }
    public required double ScaleMin { get; init; }
    public required double ScaleMax { get; init; }
    /// <summary>How the 0–100 weighted sum becomes the total: <c>linear</c> (0 → min, 100 → max) or <c>clamp</c> (the sum, kept inside the scale).</summary>
    public TotalMapping Total { get; init; } = TotalMapping.Clamp;
    public required int WindowDays { get; init; }
    /// <summary>Per industry: dimension → weight (the weights of an industry add up to 1).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Weights { get; init; }
    public IReadOnlyList<ScoreFloor> Floors { get; init; } = [];
    /// <summary>Named standards (优秀客服, 优秀售后): every condition on an indicator value must hold.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<IndicatorCondition>> Standards { get; init; } = new Dictionary<string, IReadOnlyList<IndicatorCondition>>();

    public const string DefaultIndustry = "default";
}

public enum TotalMapping { Clamp, Linear }

/// <summary>
/// From <see cref="From"/> on, a dimension's score is raised to at least <see cref="AtLeast"/> when the shop meets
/// every named standard (抖店 2023-12-13: 优秀客服 + 优秀售后 → service at least 90). A higher score is unchanged.
/// </summary>
public sealed record ScoreFloor(DateOnly From, string Dimension, double AtLeast, IReadOnlyList<string> When);

public sealed record IndicatorCondition(string Indicator, Profiles.Comparison Op, double Value)
{
    public bool Holds(double value) => new Profiles.Condition(Indicator, Op, Value).Holds(value);
}
