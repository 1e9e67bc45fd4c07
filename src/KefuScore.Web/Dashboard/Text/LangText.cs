using System.Globalization;
using System.Resources;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Text;

namespace KefuScore.Web.Dashboard;

/// <summary>
/// The engine's messages and identifiers in the reader's language: one text per code in <c>Messages.resx</c>
/// (Simplified Chinese) and <c>MessagesEn.resx</c> (English), arguments formatted for that reader (93.7%, 6分23秒,
/// 1,000 元, names instead of ids). Two neutral resource files rather than satellite assemblies: the server runs with
/// invariant globalization, where cultures other than the invariant one cannot be created.
/// </summary>
public sealed partial record Lang
{
    private static readonly ResourceManager Zh = new("KefuScore.Web.Dashboard.Text.Messages", typeof(Lang).Assembly);
    private static readonly ResourceManager En = new("KefuScore.Web.Dashboard.Text.MessagesEn", typeof(Lang).Assembly);

    /// <summary>The text of a resource key in this language, or null when there is none.</summary>
    public string? Resource(string key) => (English ? En : Zh).GetString(key, CultureInfo.InvariantCulture);

    /// <summary>A message in this language; an unknown code shows as the CLI's English rather than nothing.</summary>
    public string Say(Msg message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Resource(message.Code) is not { } template) return EnglishText.Render(message);
        return string.Format(CultureInfo.InvariantCulture, template, message.Args.Select(Arg).ToArray());
    }

    /// <summary>
    /// A message as runs of text, each marked when it is a <see cref="Literal"/> the page sets as code (the words a
    /// file must contain); the runs joined are <see cref="Say(Msg)"/>.
    /// </summary>
    public IReadOnlyList<(string Text, bool Code)> Parts(Msg message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Resource(message.Code) is not { } template) return [(EnglishText.Render(message), false)];
        var parts = new List<(string, bool)>();
        var run = new System.Text.StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c) { run.Append(c); i++; continue; }
            var close = c == '{' ? template.IndexOf('}', i) : -1;
            if (close < 0 || !int.TryParse(template.AsSpan(i + 1, close - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n >= message.Args.Length)
            {
                run.Append(c);
                continue;
            }
            var arg = message.Args[n];
            if (arg is Literal literal)
            {
                if (run.Length > 0) parts.Add((run.ToString(), false));
                run.Clear();
                parts.Add((literal.Text, true));
            }
            else run.Append(Arg(arg));
            i = close;
        }
        if (run.Length > 0) parts.Add((run.ToString(), false));
        return parts;
    }

    /// <summary>Several messages as one line (a verdict's conditions): "；" between them in Chinese.</summary>
    public string Say(IEnumerable<Msg> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var text = new System.Text.StringBuilder();
        foreach (var m in messages)
        {
            if (text.Length > 0 && m.Code is not (Codes.VerdictInARow or Codes.VerdictNotInARow)) text.Append(T("；", "; "));
            else if (text.Length > 0 && English) text.Append(' ');
            text.Append(Say(m));
        }
        return text.ToString();
    }

    /// <summary>
    /// An identifier's label: the profile's own name in this language, else the resource <c>kind.id</c>, else the id
    /// (a user's own profile may name things no resource knows).
    /// </summary>
    public string Label(RefKind kind, string id, IReadOnlyDictionary<string, string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (names is not null && names.TryGetValue(English ? "en" : "zh-CN", out var own)) return own;
        return Resource($"{kind.ToString().ToLowerInvariant()}.{id}") ?? (names?.GetValueOrDefault("zh-CN") ?? id);
    }

    /// <summary>A grade of the incentive rules (gold, bronze, improve) by its label.</summary>
    public string Grade(string id) => Term("grade", id);

    /// <summary>The label of an identifier of a closed set (complaint categories and states, grades), else the id.</summary>
    public string Term(string group, string id) => Resource($"{group}.{id}") ?? id;

    /// <summary>
    /// A field of an event file as the import page names it: its label with the column name the file uses, which is
    /// what the reader must find and correct ("时间（at）"); the whole line when the field is "".
    /// </summary>
    public string Field(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (field.Length == 0) return Term("field", "row");
        return Resource($"field.{field}") is { } label ? T($"{label}（{field}）", $"{label} ({field})") : field;
    }

    /// <summary>A share as a percentage with one decimal: 0.9373 → 93.7%.</summary>
    public static string Share(double share) => share.ToString("0.0%", CultureInfo.InvariantCulture);

    /// <summary>
    /// A duration as people say it: 45秒, 6分23秒, 22小时43分 (45 s, 6 min 23 s, 22 h 43 min); seconds under a minute
    /// keep one decimal, longer ones are whole.
    /// </summary>
    public string Duration(double seconds)
    {
        if (double.IsNaN(seconds)) return "—";
        var sign = seconds < 0 ? "-" : "";
        var s = Math.Abs(seconds);
        if (s < 60) return sign + T($"{s.ToString("0.#", CultureInfo.InvariantCulture)}秒", $"{s.ToString("0.#", CultureInfo.InvariantCulture)} s");
        var whole = (long)Math.Round(s);
        var (h, m, r) = (whole / 3600, whole / 60 % 60, whole % 60);
        if (h > 0) return sign + (m == 0 ? T($"{h}小时", $"{h} h") : T($"{h}小时{m}分", $"{h} h {m} min"));
        return sign + (r == 0 ? T($"{m}分钟", $"{m} min") : T($"{m}分{r}秒", $"{m} min {r} s"));
    }

    /// <summary>Money in yuan: 1,000 元 / 1,000 yuan.</summary>
    public string Yuan(decimal amount) =>
        T($"{amount.ToString("#,0.##", CultureInfo.InvariantCulture)} 元", $"{amount.ToString("#,0.##", CultureInfo.InvariantCulture)} yuan");

    /// <summary>A date as readers write it, with the year only when it is not <paramref name="today"/>'s: 12月5日, 2025年12月5日.</summary>
    public string Date(DateOnly date, DateOnly today) => date.Year == today.Year
        ? T($"{date.Month}月{date.Day}日", date.ToString("d MMM", CultureInfo.InvariantCulture))
        : T($"{date.Year}年{date.Month}月{date.Day}日", date.ToString("d MMM yyyy", CultureInfo.InvariantCulture));

    /// <summary>A month: 2026年12月 / Dec 2026.</summary>
    public string Month(int year, int month) =>
        T($"{year}年{month}月", new DateOnly(year, month, 1).ToString("MMM yyyy", CultureInfo.InvariantCulture));

    /// <summary>Longest text argument shown whole.</summary>
    public const int MaxQuoted = 200;

    private string Arg(object a) => a switch
    {
        Ref r => Label(r.Kind, r.Id, r.Names),
        Num { Kind: NumKind.Share } n => Share(n.Value),
        Num { Kind: NumKind.Seconds } n => Duration(n.Value),
        Num { Kind: NumKind.Count } n => n.Value.ToString("#,0", CultureInfo.InvariantCulture),
        Num n => n.Value.ToString("#,0.##", CultureInfo.InvariantCulture),
        Comparison c => Resource($"op.{c}") ?? EnglishText.Symbol(c),
        Literal l => l.Text,
        DateOnly d => T($"{d.Year}年{d.Month}月{d.Day}日", d.ToString("d MMM yyyy", CultureInfo.InvariantCulture)),
        int or long => ((IFormattable)a).ToString("#,0", CultureInfo.InvariantCulture),
        // The reader's own value quoted back: a huge cell must not fill the page.
        string { Length: > MaxQuoted } s => string.Concat(s.AsSpan(0, MaxQuoted), "…"),
        _ => a.ToString() ?? "",
    };
}
