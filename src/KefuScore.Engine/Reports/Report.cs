using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Text;

namespace KefuScore.Engine.Reports;

/// <summary>The numbers of every shop under one profile (SPEC §6 <c>kefu report</c>).</summary>
public sealed record Report(string Profile, string TimeZone, PeriodKind By, IReadOnlyList<ShopReport> Shops);

public sealed record ShopReport(string Shop, IReadOnlyList<PeriodReport> Periods, IReadOnlyList<AgentReport> Agents);

public sealed record AgentReport(string Agent, IReadOnlyList<PeriodReport> Periods);

/// <summary>One day, ISO week or month: each metric's value and each assessment's verdict.</summary>
public sealed record PeriodReport(string Period, DateOnly Start, DateOnly End, IReadOnlyList<MetricValue> Metrics, IReadOnlyList<Verdict> Verdicts);

/// <summary>A metric over a period, with the additive parts it was computed from.</summary>
public sealed record MetricValue(MetricDefinition Metric, MetricCell Cell)
{
    /// <summary>Rates: numerator ÷ denominator; averages: seconds; counts: the count. Null when there is nothing to divide.</summary>
    public double? Value => Metric.Shape switch
    {
        MetricShape.Rate => Cell.Rate,
        MetricShape.Average => Cell.Average,
        _ => Cell.Count,
    };
}

public enum VerdictStatus { Pass, Fail, None }

/// <summary>An assessment's outcome for a period, with what it costs and why (each condition as it stood).</summary>
public sealed record Verdict(string Rule, VerdictStatus Status, Consequence? Consequence, IReadOnlyList<Msg> Reasons)
{
    /// <summary>The reasons as one line of the command line's English (the JSON's <c>detail</c>).</summary>
    public string Detail => EnglishText.Render(Reasons);
}
