namespace KefuScore.Engine.Profiles;

/// <summary>
/// 考核规则: a verdict on a period. With <see cref="FailWhen"/> the period fails when every condition holds;
/// with <see cref="PassWhen"/> it passes when every condition holds. <see cref="Consecutive"/> asks the same
/// of that many periods in a row (two weeks under 97% → restriction; a badge after 7 good days).
/// </summary>
public sealed record AssessmentRule
{
    public required string Id { get; init; }
    public IReadOnlyDictionary<string, string> Names { get; init; } = new Dictionary<string, string>();
    public PeriodKind Period { get; init; } = PeriodKind.Day;
    /// <summary>For rolling periods: the window's length in days, ending on the judged day.</summary>
    public int Days { get; init; } = 1;
    public IReadOnlyList<Condition> FailWhen { get; init; } = [];
    public IReadOnlyList<Condition> PassWhen { get; init; } = [];
    public int Consecutive { get; init; } = 1;
    /// <summary>What the shop loses on failure: the first whose <c>When</c> holds applies.</summary>
    public IReadOnlyList<Consequence> Consequences { get; init; } = [];
    public string Path { get; init; } = "";

    public string Name(string culture) => Names.TryGetValue(culture, out var n) ? n : Id;
}

public enum Comparison { Below, AtMost, Above, AtLeast }

/// <summary>A comparison of one metric's value with a line, e.g. reply_rate_3min below 0.97.</summary>
public sealed record Condition(string Metric, Comparison Op, double Value)
{
    public bool Holds(double value) => Op switch
    {
        Comparison.Below => value < Value,
        Comparison.AtMost => value <= Value,
        Comparison.Above => value > Value,
        _ => value >= Value,
    };

    public string Path { get; init; } = "";

    public override string ToString() => $"{Metric} {Op switch { Comparison.Below => "<", Comparison.AtMost => "≤", Comparison.Above => ">", _ => "≥" }} {Value}";
}

/// <summary>What failing costs: <c>campaign_ban</c>, <c>fine</c> (amount in yuan), <c>points</c>, <c>restriction</c>.</summary>
public sealed record Consequence
{
    public required string Kind { get; init; }
    public decimal? Amount { get; init; }
    public int? Points { get; init; }
    public Condition? When { get; init; }
}
