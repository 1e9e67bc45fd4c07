using System.Globalization;
using System.Text.RegularExpressions;
using KefuScore.App.Yaml;
using KefuScore.Engine.Staffing;
using YamlDotNet.RepresentationModel;
using KefuScore.Engine.Text;

namespace KefuScore.App.Staffing;

/// <summary>
/// Reads shift templates from YAML (docs/staffing.md, "Rosters"), collecting every problem with its path and line:
/// <code>
/// shifts:
///   - id: full                 # 全天班
///     length: 8h
///     break: 1h                # optional; placed by the solver
///     break_after: 3h          # earliest break start after the shift starts
///     break_before: 5h         # latest break start
///     starts: ["08:00-12:00/30m", "14:00"]
///     min_agents: 0
///     max_agents: 20
/// </code>
/// </summary>
public static partial class ShiftLoader
{
    /// <summary>
    /// Used when no file is given: an 8-hour shift with a 1-hour break 3–5 hours in, starting any half hour from
    /// 00:00 to 16:00, and a 4-hour part-time shift without a break, starting any half hour from 00:00 to 20:00.
    /// </summary>
    public static IReadOnlyList<ShiftTemplate> Default { get; } =
    [
        new ShiftTemplate { Id = "full", LengthMinutes = 480, BreakMinutes = 60, BreakEarliestMinutes = 180, BreakLatestMinutes = 300, Starts = [.. Enumerable.Range(0, 33).Select(k => k * 30)] },
        new ShiftTemplate { Id = "part", LengthMinutes = 240, Starts = [.. Enumerable.Range(0, 41).Select(k => k * 30)] },
    ];

    public static IReadOnlyList<ShiftTemplate> Load(string path) => Parse(YamlFile.ReadText(path), path);

    public static IReadOnlyList<ShiftTemplate> Parse(string yaml, string source)
    {
        var y = new YamlFile(source);
        var root = y.Root(yaml, "shifts:");
        y.Known(root, "", "shifts");
        var templates = new List<ShiftTemplate>();
        if (YamlFile.Child(root, "shifts") is not YamlSequenceNode list || list.Children.Count == 0)
        {
            y.Error(root, "shifts", new Msg(Codes.ShiftsRequired));
            y.ThrowIfAny();
            return templates;
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var n = 0; n < list.Children.Count; n++)
        {
            var path = $"shifts[{n}]";
            if (list.Children[n] is not YamlMappingNode map)
            {
                y.Error(list.Children[n], path, new Msg(Codes.ShiftsEntry));
                continue;
            }
            y.Known(map, path, "id", "length", "break", "break_after", "break_before", "starts", "min_agents", "max_agents");
            var id = y.String(map, path, "id", required: true) ?? "";
            if (id.Length > 0 && !ids.Add(id)) y.Error(map, $"{path}.id", new Msg(Codes.InputTwice, id));
            var length = Minutes(y, map, path, "length", required: true) ?? 0;
            var breakLength = Minutes(y, map, path, "break") ?? 0;
            var after = Minutes(y, map, path, "break_after") ?? 0;
            var before = Minutes(y, map, path, "break_before") ?? (breakLength > 0 ? length - breakLength : 0);
            var starts = new List<int>();
            foreach (var (value, node) in y.Strings(YamlFile.Child(map, "starts"), $"{path}.starts"))
            {
                if (Starts(value) is { } times) starts.AddRange(times);
                else y.Error(node, $"{path}.starts", new Msg(Codes.ShiftsNotStart, value));
            }
            var template = new ShiftTemplate
            {
                Id = id, LengthMinutes = length, BreakMinutes = breakLength, BreakEarliestMinutes = after, BreakLatestMinutes = before,
                Starts = [.. starts.Distinct().Order()], MinAgents = Count(y, map, path, "min_agents") ?? 0, MaxAgents = Count(y, map, path, "max_agents"),
            };
            foreach (var problem in template.Problems())
                y.Error(map, $"{path}.{problem.Field}", problem.Reason);
            templates.Add(template);
        }
        y.ThrowIfAny();
        return templates;
    }

    private static int? Minutes(YamlFile y, YamlMappingNode map, string path, string key, bool required = false)
    {
        var text = y.String(map, path, key, required);
        if (text is null) return null;
        if (Duration(text) is { } minutes) return minutes;
        y.Error(YamlFile.Child(map, key), YamlFile.Join(path, key), new Msg(Codes.ShiftsNotLength, text));
        return null;
    }

    private static int? Count(YamlFile y, YamlMappingNode map, string path, string key)
    {
        var text = y.String(map, path, key);
        if (text is null) return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
        y.Error(YamlFile.Child(map, key), YamlFile.Join(path, key), new Msg(Codes.ShiftsNotAgents, text));
        return null;
    }

    /// <summary>8h, 30m, 7h30m → minutes.</summary>
    public static int? Duration(string text)
    {
        var m = DurationPattern().Match(text);
        if (!m.Success || (m.Groups[1].Length == 0 && m.Groups[2].Length == 0)) return null;
        var hours = m.Groups[1].Length > 0 ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var minutes = m.Groups[2].Length > 0 ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
        return hours * 60 + minutes;
    }

    /// <summary>"09:00" → [540]; "08:00-12:00/30m" → 480, 510, …, 720.</summary>
    private static List<int>? Starts(string text)
    {
        var m = StartsPattern().Match(text);
        if (!m.Success) return null;
        var from = Clock(m.Groups[1].Value);
        if (from is null) return null;
        if (m.Groups[2].Length == 0) return [from.Value];
        var to = Clock(m.Groups[2].Value);
        var every = m.Groups[3].Length > 0 ? Duration(m.Groups[3].Value) : 60;
        if (to is null || every is not > 0 || to < from) return null;
        var result = new List<int>();
        for (var t = from.Value; t <= to; t += every.Value) result.Add(t);
        return result;
    }

    private static int? Clock(string hhmm) =>
        TimeOnly.TryParseExact(hhmm, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t.Hour * 60 + t.Minute : null;

    [GeneratedRegex(@"^\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^\s*(\d{2}:\d{2})\s*(?:-\s*(\d{2}:\d{2})\s*(?:/\s*(\S+))?)?\s*$")]
    private static partial Regex StartsPattern();
}
