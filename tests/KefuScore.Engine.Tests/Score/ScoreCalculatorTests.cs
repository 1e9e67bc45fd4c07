using FsCheck.Xunit;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Score;

namespace KefuScore.Engine.Tests.Score;

/// <summary>SPEC §5.4 worked examples on the pure calculator, and the diagnosis' additivity as a property.</summary>
public sealed class ScoreCalculatorTests
{
    private static IndicatorSpec Band(string id, string dimension, double weight, bool higher, params (double, double)[] points) => new()
    {
        Id = id, Dimension = dimension, From = id, Weight = weight, Mapping = new BandsMapping(points) { HigherIsBetter = higher },
    };

    /// <summary>Identity bands (value 0–100 → the same score) so that a dimension's score is the value given.</summary>
    private static readonly ScoreModel Model = new()
    {
        Indicators =
        [
            Band("product_points", Dimensions.Product, 1, true, (0, 0), (100, 100)),
            Band("logistics_points", Dimensions.Logistics, 1, true, (0, 0), (100, 100)),
            Band("reply_rate_3min", Dimensions.Service, 1, true, (0.5, 0), (0.8, 60), (1, 100)),
            Band("aftersale_refusal_rate", Dimensions.Service, 1, false, (0, 100), (0.4, 0)),
        ],
        Versions =
        [
            new ScoreVersion
            {
                Id = "v1", ScaleMin = 3, ScaleMax = 5, Total = TotalMapping.Linear, WindowDays = 90,
                Weights = new Dictionary<string, IReadOnlyDictionary<string, double>> { ["default"] = new Dictionary<string, double> { ["product"] = 0.4, ["logistics"] = 0.25, ["service"] = 0.35 } },
                Standards = new Dictionary<string, IReadOnlyList<IndicatorCondition>>
                {
                    ["excellent_service"] = [new IndicatorCondition("reply_rate_3min", Comparison.AtLeast, 0.9)],
                    ["excellent_aftersales"] = [new IndicatorCondition("aftersale_refusal_rate", Comparison.AtMost, 0.05)],
                },
                Floors = [new ScoreFloor(new DateOnly(2023, 12, 13), Dimensions.Service, 90, ["excellent_service", "excellent_aftersales"])],
            },
            new ScoreVersion
            {
                Id = "v2", ScaleMin = 50, ScaleMax = 100, Total = TotalMapping.Clamp, WindowDays = 30,
                Weights = new Dictionary<string, IReadOnlyDictionary<string, double>> { ["default"] = new Dictionary<string, double> { ["product"] = 0.4, ["logistics"] = 0.2, ["service"] = 0.4 } },
            },
        ],
    };

    private static readonly DateOnly To = new(2026, 11, 20);

    private static ScoreResult Compute(string version, Dictionary<string, double?> values, WhatIf? whatIf = null, DateOnly? to = null) =>
        ScoreCalculator.Compute(Model, Model.Version(version)!, "default", To.AddDays(-29), to ?? To, values, whatIf);

    [Fact]
    public void V2_product_76_logistics_73_service_60_under_default_weights_is_69()
    {
        // reply rate 0.8 → 60 and refusal 0.16 → 60: service 60.
        var s = Compute("v2", new() { ["product_points"] = 76, ["logistics_points"] = 73, ["reply_rate_3min"] = 0.8, ["aftersale_refusal_rate"] = 0.16 });
        Assert.Equal(60, s.Dimension("service").Score!.Value, 9);
        Assert.Equal(76, s.Dimension("product").Score!.Value, 9);
        Assert.Equal(69.0, s.Total!.Value, 9);
    }

    [Fact]
    public void V2_is_kept_inside_50_to_100()
    {
        var s = Compute("v2", new() { ["product_points"] = 10, ["logistics_points"] = 10, ["reply_rate_3min"] = 0.5, ["aftersale_refusal_rate"] = 0.4 });
        Assert.Equal(50.0, s.Total);
    }

    [Fact]
    public void V1_service_82_becomes_90_when_both_standards_are_met()
    {
        var both = new Dictionary<string, double?> { ["product_points"] = 80, ["logistics_points"] = 80, ["reply_rate_3min"] = 0.95, ["aftersale_refusal_rate"] = 0.02 };
        var s = Compute("v1", both, new WhatIf(new Dictionary<string, double> { ["service"] = 82 }, new Dictionary<string, double>()));
        Assert.Equal(90.0, s.Dimension("service").Score);
        // 0.4·80 + 0.25·80 + 0.35·90 = 83.5 of 100 → 3 + 2 × 0.835 = 4.67
        Assert.Equal(4.67, s.Total!.Value, 9);
        var high = Compute("v1", both, new WhatIf(new Dictionary<string, double> { ["service"] = 93 }, new Dictionary<string, double>()));
        Assert.Equal(93.0, high.Dimension("service").Score);
    }

    [Fact]
    public void V1_service_82_stays_82_when_only_one_standard_is_met_or_before_2023_12_13()
    {
        var one = new Dictionary<string, double?> { ["product_points"] = 80, ["logistics_points"] = 80, ["reply_rate_3min"] = 0.95, ["aftersale_refusal_rate"] = 0.10 };
        var s = Compute("v1", one, new WhatIf(new Dictionary<string, double> { ["service"] = 82 }, new Dictionary<string, double>()));
        Assert.Equal(82.0, s.Dimension("service").Score);
        var both = new Dictionary<string, double?>(one) { ["aftersale_refusal_rate"] = 0.02 };
        var early = Compute("v1", both, new WhatIf(new Dictionary<string, double> { ["service"] = 82 }, new Dictionary<string, double>()), new DateOnly(2023, 12, 12));
        Assert.Equal(82.0, early.Dimension("service").Score);
    }

    [Fact]
    public void A_percentile_table_scores_the_share_of_peers_the_shop_beats()
    {
        var table = new Dictionary<string, IReadOnlyList<(double, double)>>
        {
            ["default"] = [(0.0, 0), (0.01, 50), (0.05, 90), (0.2, 100)],
            ["apparel"] = [(0.0, 0), (0.03, 50), (0.1, 100)],
        };
        var lowerBetter = new PercentileMapping(table) { HigherIsBetter = false };
        Assert.Equal(50, lowerBetter.Score(0.01, "default"), 9);   // half the peers have a higher rate
        Assert.Equal(30, lowerBetter.Score(0.03, "default"), 9);   // 70% of peers at or below 0.03: beats 30%
        Assert.Equal(50, lowerBetter.Score(0.03, "apparel"), 9);
        Assert.Equal(70, new PercentileMapping(table) { HigherIsBetter = true }.Score(0.03, "default"), 9);
    }

    [Fact]
    public void Contributions_of_a_drop_in_reply_rate_name_that_indicator()
    {
        var before = new Dictionary<string, double?> { ["product_points"] = 76, ["logistics_points"] = 73, ["reply_rate_3min"] = 0.95, ["aftersale_refusal_rate"] = 0.02 };
        var after = new Dictionary<string, double?>(before) { ["reply_rate_3min"] = 0.8 };
        var c = ScoreDiagnosis.Contributions(Model, Model.Version("v2")!, "default", To.AddDays(-29), To, before, after);
        // service (90 + 95)/2 = 92.5 → (60 + 95)/2 = 77.5: −15 × 0.4 = −6 points, all from the reply rate.
        Assert.Equal(-6.0, c["reply_rate_3min"], 9);
        Assert.Equal(0.0, c["product_points"]);
    }

    [Property(MaxTest = 200)]
    public bool Contributions_add_up_to_the_change_under_clamps_and_floors(int seed)
    {
        var random = new Random(seed);
        Dictionary<string, double?> Draw() => new()
        {
            ["product_points"] = random.Next(5) == 0 ? null : random.NextDouble() * 100,
            ["logistics_points"] = random.NextDouble() * 100,
            ["reply_rate_3min"] = 0.4 + random.NextDouble() * 0.6,
            ["aftersale_refusal_rate"] = random.NextDouble() * 0.2,
        };
        var (before, after) = (Draw(), Draw());
        foreach (var version in new[] { "v1", "v2" })
        {
            var v = Model.Version(version)!;
            var c = ScoreDiagnosis.Contributions(Model, v, "default", To.AddDays(-29), To, before, after);
            var change = ScoreCalculator.Compute(Model, v, "default", To.AddDays(-29), To, after).Total!.Value
                       - ScoreCalculator.Compute(Model, v, "default", To.AddDays(-29), To, before).Total!.Value;
            if (Math.Abs(c.Values.Sum() - change) > 1e-9) return false;
        }
        return true;
    }
}
