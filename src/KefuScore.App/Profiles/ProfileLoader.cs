using System.Globalization;
using KefuScore.Engine.Events;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Text;
using KefuScore.App.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KefuScore.App.Profiles;

/// <summary>
/// Reads a rule profile from YAML into the engine's <see cref="Profile"/>, collecting every problem with its path
/// in the document and line (e.g. <c>metrics[2].within (line 31): '3 minutes' is not a duration</c>).
/// A user's own file goes through exactly the same code as a built-in one.
/// </summary>
public static partial class ProfileLoader
{
    public static Profile Parse(string yaml, string source)
    {
        var errors = new List<ProfileError>();
        YamlMappingNode root;
        try
        {
            var stream = YamlGuard.Load(yaml);
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode map)
                throw new ProfileException(source, [new ProfileError("", new Msg(Codes.InputDocumentMapping, "id:, metrics:, …"))]);
            root = map;
        }
        catch (YamlException e)
        {
            throw new ProfileException(source, [YamlGuard.Syntax(e, (path, msg) => new ProfileError(path, msg))]);
        }

        var r = new Reader();
        r.Known(root, "", "id", "names", "description", "timezone", "period", "idle_close", "stars", "metrics", "assessments", "special_periods", "versions", "sessions", "score", "roles");
        var profile = new Profile
        {
            Id = r.String(root, "", "id", required: true) ?? "",
            Names = r.Names(root, ""),
            Description = r.String(root, "", "description"),
            TimeZone = r.String(root, "", "timezone") ?? "Asia/Shanghai",
            Period = r.Period(root, "", "period") ?? PeriodKind.Day,
            IdleClose = r.Duration(root, "", "idle_close") ?? TimeSpan.FromHours(24),
            Sessions = ReadSessions(r, root),
            Stars = r.Stars(root, "") ?? Profile.DefaultStars,
            Metrics = r.List(root, "", "metrics", (m, p) => ReadMetric(r, errors, m, p), required: true),
            Roles = ReadRoles(r, root),
            Assessments = r.List(root, "", "assessments", (a, p) => ReadAssessment(r, errors, a, p)),
            SpecialPeriods = r.List(root, "", "special_periods", (s, p) => ReadSpecialPeriod(r, errors, s, p)),
            Versions = r.List(root, "", "versions", (v, p) => ReadVersion(r, errors, v, p)),
            Score = ReadScore(r, errors, root),
            Source = source,
        };
        errors.AddRange(r.Problems);
        // A field the reader already got wrong ("within: soon") is not blamed again for the default it fell back to
        // ("needs a threshold above 0"): one error per field, the first cause.
        var wrong = errors.Select(x => FieldOf(x.Path)).ToHashSet(StringComparer.Ordinal);
        errors.AddRange(CompiledProfile.Validate(profile).Where(e => !wrong.Contains(FieldOf(e.Path))));
        if (errors.Count > 0) throw new ProfileException(source, YamlGuard.CappedBy(errors, r.Uncounted, m => new ProfileError("", m)));
        return profile;
    }

    public static Profile Load(string path)
    {
        string text;
        try { text = YamlGuard.ReadText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProfileException(path, [new ProfileError("", new Msg(Codes.InputCannotRead, e.Message))]);
        }
        return Parse(text, path);
    }

    internal static Satisfaction? Level(string s) => s switch
    {
        "satisfied" or "满意" or "good" => Satisfaction.Satisfied,
        "neutral" or "一般" or "medium" => Satisfaction.Neutral,
        "dissatisfied" or "不满意" or "失望" or "bad" => Satisfaction.Dissatisfied,
        _ => null,
    };

    /// <summary>"180s", "3m", "1.5h", "24h", "600" (seconds).</summary>
    internal static bool TryDuration(string text, out TimeSpan value)
    {
        value = default;
        text = text.Trim();
        if (text.Length == 0) return false;
        var unit = text[^1];
        var number = char.IsLetter(unit) ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n < 0) return false;
        double? seconds = unit switch
        {
            's' => n, 'm' => n * 60, 'h' => n * 3600, 'd' => n * 86400,
            _ when char.IsDigit(unit) => n,
            _ => null,
        };
        if (seconds is null) return false;
        value = TimeSpan.FromSeconds(seconds.Value);
        return true;
    }

    /// <summary>An error's field without the " (line 14)" the reader adds.</summary>
    private static string FieldOf(string path)
    {
        var at = path.IndexOf(" (line ", StringComparison.Ordinal);
        return at < 0 ? path : path[..at];
    }
}
