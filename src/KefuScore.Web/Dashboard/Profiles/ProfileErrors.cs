using System.Text.RegularExpressions;
using KefuScore.Engine.Profiles;

namespace KefuScore.Web.Dashboard.Profiles;

/// <summary>
/// Puts a profile's errors beside the lines they are about: an error's path (<c>metrics[1].within</c>) is followed
/// through the YAML's indentation to the line of that key; YAML syntax errors carry their line. Errors whose place
/// cannot be found go to the top.
/// </summary>
public static partial class ProfileErrors
{
    /// <summary>0-based line of each error, or -1 when it has no place.</summary>
    public static IReadOnlyList<(int Line, ProfileError Error)> Place(string yaml, IReadOnlyList<ProfileError> errors)
    {
        var lines = yaml.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        return errors.Select(e => (LineOf(lines, e.Path), e)).ToList();
    }

    /// <summary>The field an error's path names, without the "(line 14)" the loader adds: "metrics[1].within".</summary>
    public static string Field(string path) => LinePart().Replace(path ?? "", "").Trim();

    [GeneratedRegex(@"\(line \d+(, column \d+)?\)")]
    private static partial Regex LinePart();

    private static int LineOf(string[] lines, string path)
    {
        if (LineColumn().Match(path) is { Success: true } m) return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - 1;
        if (path.Length == 0) return -1;
        var (at, indent) = (-1, -1);
        foreach (Match seg in Segment().Matches(path))
        {
            if (seg.Groups[1].Success)
            {
                var key = seg.Groups[1].Value;
                var found = Find(lines, at + 1, indent, l => l.TrimStart().TrimStart('-').TrimStart().StartsWith(key + ":", StringComparison.Ordinal));
                if (found < 0) return at;
                at = found;
                indent = Indent(lines[found]) + (lines[found].TrimStart().StartsWith('-') ? 2 : 0);
            }
            else
            {
                var index = int.Parse(seg.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                var item = at;
                for (var i = 0; i <= index; i++)
                {
                    item = Find(lines, item + 1, indent - 1, l => l.TrimStart().StartsWith('-'));
                    if (item < 0) return at;
                }
                at = item;
                indent = Indent(lines[item]) + 1;
            }
        }
        return at;
    }

    /// <summary>The next line from <paramref name="from"/> indented deeper than <paramref name="parentIndent"/> that matches, before the block ends.</summary>
    private static int Find(string[] lines, int from, int parentIndent, Func<string, bool> match)
    {
        for (var i = from; i < lines.Length; i++)
        {
            var l = lines[i];
            if (l.Trim().Length == 0 || l.TrimStart().StartsWith('#')) continue;
            if (Indent(l) <= parentIndent) return -1;
            if (match(l)) return i;
        }
        return -1;
    }

    private static int Indent(string line) => line.Length - line.TrimStart(' ').Length;

    [GeneratedRegex(@"\(line (\d+), column \d+\)")]
    private static partial Regex LineColumn();

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_\-]*)|\[(\d+)\]")]
    private static partial Regex Segment();
}
