using System.Globalization;
using KefuScore.App.Yaml;
using KefuScore.Engine.Incentives;
using YamlDotNet.RepresentationModel;
using KefuScore.Engine.Text;

namespace KefuScore.App.Incentives;

/// <summary>Reads incentive rules (the built-in <c>Incentives/incentives.yaml</c> or a shop's copy), naming every problem's path and line.</summary>
public static class IncentivesLoader
{
    private static readonly string[] Operators = [">=", "<=", ">", "<"];

    public static string BuiltInText() => Resources.Text("quality/incentives.yaml");

    public static IncentiveRules BuiltIn() => Parse(BuiltInText(), "built-in incentive rules");

    public static IncentiveRules Load(string path) => Parse(YamlFile.ReadText(path), path);

    public static IncentiveRules Parse(string yaml, string source)
    {
        var y = new YamlFile(source);
        var root = y.Root(yaml, "grades: [...], rewards: {...}, contest: {...}");
        y.Known(root, "", "grades", "rewards", "contest");

        var grades = new List<Grade>();
        if (YamlFile.Child(root, "grades") is not YamlSequenceNode { Children.Count: > 0 } gradeList)
            y.Error(YamlFile.Child(root, "grades") ?? root, "grades", new Msg(Codes.IncentivesGrades));
        else
            for (var i = 0; i < gradeList.Children.Count; i++)
            {
                var path = $"grades[{i}]";
                if (gradeList.Children[i] is not YamlMappingNode g) { y.Error(gradeList.Children[i], path, new Msg(Codes.IncentivesGrade)); continue; }
                y.Known(g, path, "id", "name", "when");
                var id = y.String(g, path, "id", required: true) ?? "";
                if (grades.Any(x => x.Id == id)) y.Error(g, $"{path}.id", new Msg(Codes.InputTwice, id));
                grades.Add(new Grade(id, y.String(g, path, "name") ?? id, Conditions(y, g, path, "when")));
            }

        var rewards = new RewardRules(new Dictionary<string, double>(), [], 0, null);
        if (YamlFile.Child(root, "rewards") is YamlMappingNode r)
        {
            y.Known(r, "rewards", "base", "bonus", "per_complaint_breached", "cap");
            var basePay = new Dictionary<string, double>(StringComparer.Ordinal);
            if (YamlFile.Child(r, "base") is YamlMappingNode b)
                foreach (var (k, v) in b.Children)
                {
                    var key = (k as YamlScalarNode)?.Value ?? "";
                    if (!grades.Any(g => g.Id == key)) y.Error(k, $"rewards.base.{key}", new Msg(Codes.IncentivesNotGrade));
                    if (Number(y, v, $"rewards.base.{key}") is { } n) basePay[key] = n;
                }
            var bonuses = new List<Bonus>();
            if (YamlFile.Child(r, "bonus") is YamlSequenceNode bs)
                for (var i = 0; i < bs.Children.Count; i++)
                {
                    var path = $"rewards.bonus[{i}]";
                    if (bs.Children[i] is not YamlMappingNode m) { y.Error(bs.Children[i], path, new Msg(Codes.IncentivesBonus)); continue; }
                    y.Known(m, path, "figure", "above", "per_point");
                    var figure = y.String(m, path, "figure", required: true);
                    var above = Number(y, YamlFile.Child(m, "above"), $"{path}.above", required: true);
                    var per = Number(y, YamlFile.Child(m, "per_point"), $"{path}.per_point", required: true);
                    if (figure is not null && above is { } a && per is { } p) bonuses.Add(new Bonus(figure, a, p));
                }
            var cap = Number(y, YamlFile.Child(r, "cap"), "rewards.cap");
            if (cap is < 0) y.Error(YamlFile.Child(r, "cap"), "rewards.cap", new Msg(Codes.InputNotNegative));
            rewards = new RewardRules(basePay, bonuses, Number(y, YamlFile.Child(r, "per_complaint_breached"), "rewards.per_complaint_breached") ?? 0, cap);
        }
        else if (YamlFile.Child(root, "rewards") is { } bad) y.Error(bad, "rewards", new Msg(Codes.InputMapping));

        Contest? contest = null;
        if (YamlFile.Child(root, "contest") is YamlMappingNode c)
        {
            y.Known(c, "contest", "name", "figure", "order", "qualify", "tie_break", "prizes");
            var order = y.String(c, "contest", "order") ?? "desc";
            if (order is not ("desc" or "asc")) y.Error(YamlFile.Child(c, "order"), "contest.order", new Msg(Codes.InputNotEither, order, "desc", "asc"));
            var prizes = new List<double>();
            var items = y.Strings(YamlFile.Child(c, "prizes"), "contest.prizes");
            for (var i = 0; i < items.Count; i++)
                if (double.TryParse(items[i].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p >= 0) prizes.Add(p);
                else y.Error(items[i].Node, $"contest.prizes[{i}]", new Msg(Codes.IncentivesAmount, items[i].Value));
            var tie = new List<string>();
            var desc = new List<bool>();
            foreach (var (t, _) in y.Strings(YamlFile.Child(c, "tie_break"), "contest.tie_break"))
            {
                // "-avg_reply_seconds": lower is better.
                desc.Add(!t.StartsWith('-'));
                tie.Add(t.TrimStart('-'));
            }
            contest = new Contest(y.String(c, "contest", "name") ?? "contest", y.String(c, "contest", "figure", required: true) ?? "", order == "desc",
                Conditions(y, c, "contest", "qualify"), tie, desc, prizes);
        }
        y.ThrowIfAny();
        return new IncentiveRules(grades, rewards, contest, source);
    }

    private static List<Condition> Conditions(YamlFile y, YamlMappingNode map, string path, string key)
    {
        var result = new List<Condition>();
        var node = YamlFile.Child(map, key);
        if (node is null) return result;
        if (node is not YamlMappingNode m) { y.Error(node, $"{path}.{key}", new Msg(Codes.IncentivesThresholds)); return result; }
        foreach (var (k, v) in m.Children)
        {
            var figure = (k as YamlScalarNode)?.Value ?? "";
            var text = ((v as YamlScalarNode)?.Value ?? "").Trim();
            var op = Operators.FirstOrDefault(o => text.StartsWith(o, StringComparison.Ordinal));
            if (op is not null && double.TryParse(text[op.Length..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                result.Add(new Condition(figure, op, value));
            else y.Error(v, $"{path}.{key}.{figure}", new Msg(Codes.IncentivesThreshold, text));
        }
        return result;
    }

    private static double? Number(YamlFile y, YamlNode? node, string path, bool required = false)
    {
        if (node is null)
        {
            if (required) y.Error(null, path, new Msg(Codes.InputRequired));
            return null;
        }
        if (node is YamlScalarNode { Value: { } v } && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        y.Error(node, path, new Msg(Codes.InputMustNumber));
        return null;
    }
}
