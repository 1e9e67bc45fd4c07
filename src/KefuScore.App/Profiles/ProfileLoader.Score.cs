using System.Globalization;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Text;
using KefuScore.Engine.Score;
using YamlDotNet.RepresentationModel;

namespace KefuScore.App.Profiles;

/// <summary>The profile's <c>score:</c> section (docs/score.md): indicators, their mappings, versions.</summary>
public static partial class ProfileLoader
{
    private static ScoreModel? ReadScore(Reader r, List<ProfileError> errors, YamlMappingNode root)
    {
        if (r.Mapping(root, "", "score") is not { } s) return null;
        r.Known(s, "score", "indicators", "versions");
        var indicators = r.List(s, "score", "indicators", (m, p) => ReadIndicator(r, m, p), required: true);
        var versions = r.List(s, "score", "versions", (m, p) => ReadScoreVersion(r, m, p), required: true);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in indicators)
            if (!ids.Add(i.Id)) errors.Add(new ProfileError(i.Path, new Msg(Codes.ProfileIndicatorTwice, i.Id)));
        foreach (var v in versions)
        {
            foreach (var c in v.Standards.Values.SelectMany(x => x))
                if (!ids.Contains(c.Indicator)) errors.Add(new ProfileError($"score.versions[{v.Id}].standards", new Msg(Codes.ProfileUnknownIndicator, c.Indicator)));
            foreach (var f in v.Floors)
                foreach (var w in f.When)
                    if (!v.Standards.ContainsKey(w)) errors.Add(new ProfileError($"score.versions[{v.Id}].floors", new Msg(Codes.ProfileUnknownStandard, w)));
        }
        if (indicators.Count == 0 || versions.Count == 0) return null;
        return new ScoreModel { Indicators = indicators, Versions = versions };
    }

    private static IndicatorSpec? ReadIndicator(Reader r, YamlMappingNode m, string path)
    {
        r.Known(m, path, "id", "names", "dimension", "source", "metric", "weight", "category", "higher_is_better", "bands", "percentile");
        var id = r.String(m, path, "id", required: true);
        var dimension = r.String(m, path, "dimension", required: true);
        if (dimension is not null && !Dimensions.All.Contains(dimension))
        {
            r.Error(r.Node(m, "dimension"), $"{path}.dimension", new Msg(Codes.InputNotOneOf, dimension, new Literal("product, logistics, service")));
            dimension = null;
        }
        var sourceText = r.String(m, path, "source") ?? "orders";
        IndicatorSource? source = sourceText switch { "orders" => IndicatorSource.Orders, "metric" => IndicatorSource.Metric, _ => null };
        if (source is null) r.Error(r.Node(m, "source"), $"{path}.source", new Msg(Codes.InputNotOneOf, sourceText ?? "", new Literal("orders, metric")));
        var metric = r.String(m, path, "metric");
        if (source == IndicatorSource.Metric && metric is null) r.Error(m, $"{path}.metric", new Msg(Codes.ProfileIndicatorMetric));
        if (source == IndicatorSource.Orders && id is not null && !ExperienceLedger.Builtins.ContainsKey(id))
            r.Error(r.Node(m, "id"), $"{path}.id", new Msg(Codes.ProfileOrderIndicator, id, string.Join(", ", ExperienceLedger.Builtins.Keys)));
        var category = r.String(m, path, "category") ?? "communication";
        if (!Advice.Categories.Contains(category))
            r.Error(r.Node(m, "category"), $"{path}.category", new Msg(Codes.InputNotOneOf, category, new Literal(string.Join(", ", Advice.Categories))));
        var higher = r.Bool(m, path, "higher_is_better");
        IndicatorMapping? mapping = null;
        var bands = r.Node(m, "bands");
        var percentile = r.Mapping(m, path, "percentile");
        if ((bands is null) == (percentile is null))
            r.Error(m, path, new Msg(Codes.ProfileMapping));
        else if (bands is not null && Points(r, bands, $"{path}.bands") is { } points)
            mapping = new BandsMapping(points) { HigherIsBetter = higher };
        else if (percentile is not null)
        {
            var tables = new Dictionary<string, IReadOnlyList<(double, double)>>(StringComparer.Ordinal);
            foreach (var (k, v) in percentile.Children)
                if (k is YamlScalarNode { Value: { } industry } && Points(r, v, $"{path}.percentile.{industry}") is { } table)
                    tables[industry] = table;
            if (!tables.ContainsKey(ScoreVersion.DefaultIndustry))
                r.Error(percentile, $"{path}.percentile", new Msg(Codes.ProfileDefaultTable));
            else mapping = new PercentileMapping(tables) { HigherIsBetter = higher };
        }
        var weight = r.Number(m, path, "weight") ?? 1;
        if (weight <= 0) r.Error(r.Node(m, "weight"), $"{path}.weight", new Msg(Codes.InputAboveZero));
        if (id is null || dimension is null || source is null || mapping is null) return null;
        return new IndicatorSpec
        {
            Id = id, Names = r.Names(m, path), Dimension = dimension, Source = source.Value, From = metric ?? id, Weight = weight,
            Mapping = mapping, Category = category, Path = path,
        };
    }

    /// <summary>[[x, y], …] with x strictly increasing.</summary>
    private static List<(double, double)>? Points(Reader r, YamlNode node, string path)
    {
        if (node is not YamlSequenceNode seq || seq.Children.Count == 0)
        {
            r.Error(node, path, new Msg(Codes.ProfileBands));
            return null;
        }
        var points = new List<(double, double)>();
        foreach (var item in seq.Children)
        {
            if (item is YamlSequenceNode { Children.Count: 2 } pair
                && pair.Children[0] is YamlScalarNode { Value: { } a } && pair.Children[1] is YamlScalarNode { Value: { } b }
                && double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                && double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var y))
            {
                if (points.Count > 0 && x <= points[^1].Item1)
                {
                    r.Error(item, path, new Msg(Codes.ProfileBandOrder, new Num(x, NumKind.Plain), new Num(points[^1].Item1, NumKind.Plain)));
                    return null;
                }
                points.Add((x, y));
            }
            else
            {
                r.Error(item, path, new Msg(Codes.ProfileBandPair));
                return null;
            }
        }
        return points;
    }

    private static ScoreVersion? ReadScoreVersion(Reader r, YamlMappingNode m, string path)
    {
        r.Known(m, path, "id", "scale", "total", "window_days", "weights", "standards", "floors");
        var id = r.String(m, path, "id", required: true);
        double? min = null, max = null;
        if (r.Node(m, "scale") is YamlSequenceNode { Children.Count: 2 } scale
            && scale.Children[0] is YamlScalarNode { Value: { } lo } && scale.Children[1] is YamlScalarNode { Value: { } hi }
            && double.TryParse(lo, NumberStyles.Float, CultureInfo.InvariantCulture, out var l) && double.TryParse(hi, NumberStyles.Float, CultureInfo.InvariantCulture, out var h) && l < h)
            (min, max) = (l, h);
        else r.Error(r.Node(m, "scale") ?? m, $"{path}.scale", new Msg(Codes.ProfileScale));
        var totalText = r.String(m, path, "total") ?? "clamp";
        TotalMapping? total = totalText switch { "clamp" => TotalMapping.Clamp, "linear" => TotalMapping.Linear, _ => null };
        if (total is null) r.Error(r.Node(m, "total"), $"{path}.total", new Msg(Codes.InputNotOneOf, totalText, new Literal("clamp, linear")));
        var days = r.Int(m, path, "window_days");
        if (days is null or < 1) r.Error(r.Node(m, "window_days") ?? m, $"{path}.window_days", new Msg(Codes.ProfileWindowDays));

        var weights = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal);
        if (r.Mapping(m, path, "weights") is { } w)
        {
            foreach (var (k, v) in w.Children)
            {
                if (k is not YamlScalarNode { Value: { } industry } || v is not YamlMappingNode dims) continue;
                var p = $"{path}.weights.{industry}";
                r.Known(dims, p, [.. Dimensions.All]);
                var map = Dimensions.All.ToDictionary(d => d, d => r.Number(dims, p, d) ?? 0, StringComparer.Ordinal);
                if (Math.Abs(map.Values.Sum() - 1) > 1e-9) r.Error(dims, p, new Msg(Codes.ProfileWeights, new Num(map.Values.Sum(), NumKind.Plain)));
                weights[industry] = map;
            }
        }
        if (!weights.ContainsKey(ScoreVersion.DefaultIndustry)) r.Error(m, $"{path}.weights", new Msg(Codes.ProfileDefaultIndustry));

        var standards = new Dictionary<string, IReadOnlyList<IndicatorCondition>>(StringComparer.Ordinal);
        if (r.Mapping(m, path, "standards") is { } st)
            foreach (var (k, _) in st.Children)
                if (k is YamlScalarNode { Value: { } name })
                    standards[name] = r.List(st, $"{path}.standards", name, (c, p) => ReadIndicatorCondition(r, c, p));
        var floors = r.List(m, path, "floors", (f, p) =>
        {
            r.Known(f, p, "from", "dimension", "at_least", "when");
            var from = r.Date(f, p, "from", required: true);
            var dim = r.String(f, p, "dimension", required: true);
            var atLeast = r.Number(f, p, "at_least");
            var when = r.Node(f, "when") is YamlSequenceNode ws ? ws.Children.OfType<YamlScalarNode>().Select(x => x.Value ?? "").ToList() : [];
            if (atLeast is null) r.Error(f, $"{p}.at_least", new Msg(Codes.InputRequired));
            return from is null || dim is null || atLeast is null ? null : new ScoreFloor(from.Value, dim, atLeast.Value, when);
        });
        if (id is null || min is null || max is null || total is null || days is null or < 1) return null;
        return new ScoreVersion
        {
            Id = id, ScaleMin = min.Value, ScaleMax = max.Value, Total = total.Value, WindowDays = days.Value, Weights = weights,
            Standards = standards, Floors = floors,
        };
    }

    private static IndicatorCondition? ReadIndicatorCondition(Reader r, YamlMappingNode c, string path)
    {
        r.Known(c, path, "indicator", "below", "at_most", "above", "at_least");
        var indicator = r.String(c, path, "indicator", required: true);
        var ops = ComparisonKeys.Where(k => r.Node(c, k) is not null).ToList();
        if (ops.Count != 1)
        {
            r.Error(c, path, new Msg(Codes.ProfileConditionOne));
            return null;
        }
        var value = r.Number(c, path, ops[0]);
        return indicator is null || value is null ? null : new IndicatorCondition(indicator, OpOf(ops[0])!.Value, value.Value);
    }
}
