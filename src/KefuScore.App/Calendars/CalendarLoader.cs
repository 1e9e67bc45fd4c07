using System.Globalization;
using KefuScore.App.Profiles;
using KefuScore.App.Yaml;
using KefuScore.Engine.Calendars;
using KefuScore.Engine.Profiles;
using YamlDotNet.RepresentationModel;
using KefuScore.Engine.Text;

namespace KefuScore.App.Calendars;

/// <summary>
/// Reads a business calendar from YAML (docs/quality.md, calendars), collecting every problem with its path and line,
/// and resolves its time zone on this machine (<see cref="TimeZones.Find"/>):
/// <code>
/// timezone: Asia/Shanghai
/// week: { mon: ["09:00-12:00", "13:30-18:00"], sat: ["22:00-02:00"] }
/// holidays: [2026-10-01, 2026-10-02..2026-10-07]
/// breaks: { 2026-11-20: ["15:00-15:30"] }
/// exceptions: { 2026-02-14: ["10:00-14:00"], 2026-02-15: [] }
/// </code>
/// </summary>
public static class CalendarLoader
{
    private static readonly Dictionary<string, DayOfWeek> Days = new(StringComparer.Ordinal)
    {
        ["mon"] = DayOfWeek.Monday, ["tue"] = DayOfWeek.Tuesday, ["wed"] = DayOfWeek.Wednesday, ["thu"] = DayOfWeek.Thursday,
        ["fri"] = DayOfWeek.Friday, ["sat"] = DayOfWeek.Saturday, ["sun"] = DayOfWeek.Sunday,
    };

    public static BusinessCalendar Load(string path) => Compile(Parse(YamlFile.ReadText(path), path));

    public static BusinessCalendar Compile(CalendarRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        try
        {
            return new BusinessCalendar(rules, TimeZones.Find(rules.TimeZone, rules.Source));
        }
        catch (ProfileException e)
        {
            throw new YamlFileException(rules.Source, e.Errors.Select(x => new YamlProblem(x.Path, x.Reason)).ToList());
        }
    }

    public static CalendarRules Parse(string yaml, string source)
    {
        var y = new YamlFile(source);
        var root = y.Root(yaml, "timezone:, week:, holidays:, breaks:, exceptions:");
        y.Known(root, "", "timezone", "week", "holidays", "breaks", "exceptions");

        var week = new Dictionary<DayOfWeek, IReadOnlyList<LocalHours>>();
        if (Mapping(y, root, "week") is { } weekNode)
            foreach (var (k, v) in weekNode.Children)
            {
                var key = (k as YamlScalarNode)?.Value ?? "";
                if (!Days.TryGetValue(key, out var day)) y.Error(k, $"week.{key}", new Msg(Codes.CalendarNotDay));
                else week[day] = Hours(y, v, $"week.{key}");
            }
        if (week.Count == 0 && YamlFile.Child(root, "week") is null) y.Error(root, "week", new Msg(Codes.CalendarWeekRequired));

        var holidays = new HashSet<DateOnly>();
        var list = y.Strings(YamlFile.Child(root, "holidays"), "holidays");
        for (var i = 0; i < list.Count; i++)
        {
            var (text, node) = list[i];
            if (DateRange(text) is { } range)
                for (var d = range.From; d <= range.To; d = d.AddDays(1)) holidays.Add(d);
            else y.Error(node, $"holidays[{i}]", new Msg(Codes.CalendarNotDates, text));
        }

        var rules = new CalendarRules
        {
            TimeZone = y.String(root, "", "timezone") ?? "Asia/Shanghai",
            Week = week,
            Holidays = holidays,
            Breaks = Dated(y, root, "breaks"),
            Exceptions = Dated(y, root, "exceptions"),
            Source = source,
        };
        y.ThrowIfAny();
        return rules;
    }

    private static YamlMappingNode? Mapping(YamlFile y, YamlMappingNode map, string key)
    {
        var node = YamlFile.Child(map, key);
        if (node is null or YamlMappingNode) return node as YamlMappingNode;
        y.Error(node, key, new Msg(Codes.InputMapping));
        return null;
    }

    private static Dictionary<DateOnly, IReadOnlyList<LocalHours>> Dated(YamlFile y, YamlMappingNode root, string key)
    {
        var result = new Dictionary<DateOnly, IReadOnlyList<LocalHours>>();
        if (Mapping(y, root, key) is not { } map) return result;
        foreach (var (k, v) in map.Children)
        {
            var text = (k as YamlScalarNode)?.Value ?? "";
            if (DateRange(text) is not { } range)
            {
                y.Error(k, $"{key}.{text}", new Msg(Codes.CalendarKeyNotDates));
                continue;
            }
            var hours = Hours(y, v, $"{key}.{text}");
            for (var d = range.From; d <= range.To; d = d.AddDays(1))
            {
                if (result.ContainsKey(d)) y.Error(k, $"{key}.{text}", new Msg(Codes.CalendarTwice, d));
                result[d] = hours;
            }
        }
        return result;
    }

    private static List<LocalHours> Hours(YamlFile y, YamlNode node, string path)
    {
        var result = new List<LocalHours>();
        if (node is YamlSequenceNode { Children.Count: 0 }) return result;
        var items = y.Strings(node, path);
        for (var i = 0; i < items.Count; i++)
        {
            var (text, n) = items[i];
            if (LocalHours.TryParse(text, out var h)) result.Add(h);
            else y.Error(n, $"{path}[{i}]", new Msg(Codes.CalendarNotHours, text));
        }
        return result;
    }

    private static (DateOnly From, DateOnly To)? DateRange(string text)
    {
        var parts = text.Split("..", 2, StringSplitOptions.TrimEntries);
        if (!DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)) return null;
        var to = from;
        if (parts.Length == 2 && !DateOnly.TryParseExact(parts[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out to)) return null;
        return to < from ? null : (from, to);
    }

    /// <summary>A business duration: "90s", "90m", "3h" or combined "1h30m"; whole numbers, no days (business days are ambiguous).</summary>
    public static bool TryDuration(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim();
        if (s.Length == 0) return false;
        var i = 0;
        var lastUnit = -1;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            if (i == start || i == s.Length) return false;
            var unit = "hms".IndexOf(s[i], StringComparison.Ordinal);
            if (unit <= lastUnit) return false;
            if (!long.TryParse(s.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 100_000_000) return false;
            value += unit switch { 0 => TimeSpan.FromHours(n), 1 => TimeSpan.FromMinutes(n), _ => TimeSpan.FromSeconds(n) };
            lastUnit = unit;
            i++;
        }
        return true;
    }
}
