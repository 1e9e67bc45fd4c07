using System.Globalization;
using KefuScore.Engine.Events;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Text;
using KefuScore.App.Yaml;
using YamlDotNet.RepresentationModel;

namespace KefuScore.App.Profiles;

public static partial class ProfileLoader
{
    /// <summary>
    /// Typed access to a profile's YAML nodes on top of <see cref="YamlFile"/> (the shared path-and-line bookkeeping):
    /// records problems instead of throwing; <see cref="Problems"/> hands them over as <see cref="ProfileError"/>s.
    /// </summary>
    private sealed class Reader
    {
        private readonly YamlFile _yaml = new("profile");

        public IEnumerable<ProfileError> Problems => _yaml.Problems.Select(p => new ProfileError(p.Path, p.Reason));

        public int Uncounted => _yaml.Uncounted;

        public void Error(YamlNode? node, string path, Msg problem) => _yaml.Error(node, path, problem);

        private static string Join(string path, string key) => YamlFile.Join(path, key);

        private static YamlNode? Child(YamlMappingNode map, string key) => YamlFile.Child(map, key);

        public void Known(YamlMappingNode map, string path, params string[] keys) => _yaml.Known(map, path, keys);

        public string? String(YamlMappingNode map, string path, string key, bool required = false) => _yaml.String(map, path, key, required);

        public double? Number(YamlMappingNode map, string path, string key)
        {
            var s = String(map, path, key);
            if (s is null) return null;
            var text = s.Trim();
            var percent = text.EndsWith('%');
            if (double.TryParse(percent ? text[..^1] : text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return percent ? d / 100 : d;
            Error(Child(map, key), Join(path, key), new Msg(Codes.InputNotNumber, s));
            return null;
        }

        public int? Int(YamlMappingNode map, string path, string key)
        {
            var s = String(map, path, key);
            if (s is null) return null;
            if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)) return i;
            Error(Child(map, key), Join(path, key), new Msg(Codes.InputNotWhole, s));
            return null;
        }

        public bool Bool(YamlMappingNode map, string path, string key)
        {
            var s = String(map, path, key);
            if (s is null) return false;
            if (s is "true" or "yes") return true;
            if (s is "false" or "no") return false;
            Error(Child(map, key), Join(path, key), new Msg(Codes.InputNotBool, s));
            return false;
        }

        public TimeSpan? Duration(YamlMappingNode map, string path, string key)
        {
            var s = String(map, path, key);
            if (s is null) return null;
            if (TryDuration(s, out var d)) return d;
            Error(Child(map, key), Join(path, key), new Msg(Codes.InputNotDuration, s));
            return null;
        }

        public DateOnly? Date(YamlMappingNode map, string path, string key, bool required = false)
        {
            var s = String(map, path, key, required);
            if (s is null) return null;
            if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
            Error(Child(map, key), Join(path, key), new Msg(Codes.InputNotDate, s));
            return null;
        }

        public PeriodKind? Period(YamlMappingNode map, string path, string key)
        {
            var s = String(map, path, key);
            if (s is null) return null;
            PeriodKind? p = s switch { "day" => PeriodKind.Day, "week" => PeriodKind.Week, "month" => PeriodKind.Month, "rolling" => PeriodKind.Rolling, _ => null };
            if (p is null) Error(Child(map, key), Join(path, key), new Msg(Codes.InputNotOneOf, s, new Literal("day, week, month, rolling")));
            return p;
        }

        public IReadOnlyDictionary<string, string> Names(YamlMappingNode map, string path)
        {
            var node = Child(map, "names");
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            if (node is null) return result;
            if (node is not YamlMappingNode names)
            {
                Error(node, Join(path, "names"), new Msg(Codes.ProfileNames));
                return result;
            }
            foreach (var (k, v) in names.Children)
                if (k is YamlScalarNode { Value: { } culture } && v is YamlScalarNode { Value: { } name }) result[culture] = name;
            return result;
        }

        public IReadOnlyDictionary<int, Satisfaction>? Stars(YamlMappingNode map, string path)
        {
            var node = Child(map, "stars");
            if (node is null) return null;
            var p = Join(path, "stars");
            if (node is not YamlMappingNode stars)
            {
                Error(node, p, new Msg(Codes.ProfileStars));
                return null;
            }
            var result = new Dictionary<int, Satisfaction>();
            foreach (var (k, v) in stars.Children)
            {
                var key = (k as YamlScalarNode)?.Value;
                if (!int.TryParse(key, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) || s is < 1 or > 5)
                {
                    Error(k, $"{p}.{key}", new Msg(Codes.ProfileStarsKey));
                    continue;
                }
                var level = (v as YamlScalarNode)?.Value is { } lv ? Level(lv) : null;
                if (level is null) Error(v, $"{p}.{key}", new Msg(Codes.InputNotOneOf, (v as YamlScalarNode)?.Value ?? "", new Literal("satisfied, neutral, dissatisfied")));
                else result[s] = level.Value;
            }
            for (var s = 1; s <= 5; s++)
                if (!result.ContainsKey(s)) Error(node, p, new Msg(Codes.ProfileStarUnmapped, s));
            return result;
        }

        public IReadOnlyList<T> List<T>(YamlMappingNode map, string path, string key, Func<YamlMappingNode, string, T?> item, bool required = false)
            where T : class
        {
            var node = Child(map, key);
            var result = new List<T>();
            var p = Join(path, key);
            if (node is null)
            {
                if (required) Error(map, p, new Msg(Codes.InputRequired));
                return result;
            }
            if (node is not YamlSequenceNode seq)
            {
                Error(node, p, new Msg(Codes.InputList));
                return result;
            }
            for (var i = 0; i < seq.Children.Count; i++)
            {
                if (seq.Children[i] is not YamlMappingNode m)
                {
                    Error(seq.Children[i], $"{p}[{i}]", new Msg(Codes.InputMapping));
                    continue;
                }
                if (item(m, $"{p}[{i}]") is { } value) result.Add(value);
            }
            return result;
        }

        public IReadOnlyList<Satisfaction> Levels(YamlMappingNode map, string path, string key)
        {
            var node = Child(map, key);
            if (node is null) return [];
            var result = new List<Satisfaction>();
            var items = node is YamlSequenceNode seq ? seq.Children : [node];
            foreach (var n in items)
            {
                var level = (n as YamlScalarNode)?.Value is { } v ? Level(v) : null;
                if (level is null) Error(n, Join(path, key), new Msg(Codes.InputNotOneOf, (n as YamlScalarNode)?.Value ?? "", new Literal("satisfied, neutral, dissatisfied")));
                else result.Add(level.Value);
            }
            return result;
        }

        public YamlMappingNode? Mapping(YamlMappingNode map, string path, string key)
        {
            var node = Child(map, key);
            if (node is null or YamlMappingNode) return node as YamlMappingNode;
            Error(node, Join(path, key), new Msg(Codes.InputMapping));
            return null;
        }

        public YamlNode? Node(YamlMappingNode map, string key) => Child(map, key);
    }
}
