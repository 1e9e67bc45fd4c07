using KefuScore.Engine.Text;
using System.Text;

namespace KefuScore.App.Faq;

/// <summary>
/// One FAQ entry: a question, its answer and optional keywords (any separator: 、,;| or spaces); on the server also
/// the other wordings of the question a manager accepted from the shop's chats (<see cref="Paraphrases"/>, issue 18).
/// </summary>
public sealed record FaqEntry(int Line, string Question, string Answer, IReadOnlyList<string> Keywords)
{
    /// <summary>Other ways customers asked this question, searched like the question itself.</summary>
    public IReadOnlyList<string> Paraphrases { get; init; } = [];
}

/// <summary>A bad line of a knowledge-base CSV: its line, field and reason (a code the dashboard renders for its reader).</summary>
public sealed record FaqProblem(long Line, string Field, Msg Text)
{
    /// <summary>The reason in the command line's English (the CLI, the API's <c>reason</c>).</summary>
    public string Reason => EnglishText.Render(Text);

    public override string ToString() => $"line {Line}, {Field}: {Reason}";
}

/// <summary>A knowledge base that cannot be used; nothing of it is stored or indexed.</summary>
public sealed class FaqException : Exception
{
    public FaqException() : base("the FAQ file cannot be used") { }

    public FaqException(string message) : base(message) { }

    public FaqException(string message, Exception innerException) : base(message, innerException) { }

    public FaqException(string source, IReadOnlyList<FaqProblem> problems)
        : base($"{source}: " + string.Join("; ", problems.Take(20)) + (problems.Count > 20 ? $" (and {problems.Count - 20} more)" : ""))
    {
        Problems = problems;
    }

    public IReadOnlyList<FaqProblem> Problems { get; } = [];
}

/// <summary>
/// Reads an FAQ knowledge base: CSV (RFC 4180, UTF-8) with the header <c>question,answer,keywords</c> (keywords
/// optional; columns in any order). Every problem is collected with its physical line; any problem rejects the whole
/// file, so a shop's knowledge base is never half replaced.
/// </summary>
public static class FaqCsv
{
    private static readonly char[] KeywordSeparators = ['、', ',', '，', ';', '；', '|', ' ', '\t'];

    public static IReadOnlyList<FaqEntry> Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path, Encoding.UTF8); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FaqException(path, [new FaqProblem(0, "file", new Msg(Codes.InputCannotRead, e.Message))]);
        }
        return Parse(text, path);
    }

    public static IReadOnlyList<FaqEntry> Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var problems = new List<FaqProblem>();
        var records = Records(text, problems);
        if (records.Count == 0) throw new FaqException(source, [new FaqProblem(1, "header", new Msg(Codes.FaqEmpty))]);
        var (headerLine, header) = records[0];
        var names = header.Select(h => h.Trim().TrimStart('\uFEFF').ToLowerInvariant()).ToList();
        int q = names.IndexOf("question"), a = names.IndexOf("answer"), k = names.IndexOf("keywords");
        if (q < 0) problems.Add(new FaqProblem(headerLine, "header", new Msg(Codes.FaqNoColumn, "question")));
        if (a < 0) problems.Add(new FaqProblem(headerLine, "header", new Msg(Codes.FaqNoColumn, "answer")));
        if (problems.Count > 0) throw new FaqException(source, problems);

        var entries = new List<FaqEntry>();
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (line, cells) in records.Skip(1))
        {
            if (cells.Count == 1 && cells[0].Trim().Length == 0) continue; // blank line
            if (cells.Count != names.Count)
            {
                problems.Add(new FaqProblem(line, "row", new Msg(Codes.CsvCells, cells.Count, names.Count)));
                continue;
            }
            var question = cells[q].Trim();
            var answer = cells[a].Trim();
            if (question.Length == 0) problems.Add(new FaqProblem(line, "question", new Msg(Codes.InputEmpty)));
            else if (seen.TryGetValue(question, out var first)) problems.Add(new FaqProblem(line, "question", new Msg(Codes.FaqTwice, question, first)));
            else seen[question] = line;
            if (answer.Length == 0) problems.Add(new FaqProblem(line, "answer", new Msg(Codes.InputEmpty)));
            if (problems.Count > 0) continue;
            var keywords = k < 0 ? [] : cells[k].Split(KeywordSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            entries.Add(new FaqEntry((int)line, question, answer, keywords));
        }
        if (problems.Count > 0) throw new FaqException(source, Yaml.YamlGuard.CappedBy(problems, 0, m => new FaqProblem(0, "file", m)));
        if (entries.Count == 0) throw new FaqException(source, [new FaqProblem(headerLine, "file", new Msg(Codes.FaqNoEntries))]);
        return entries;
    }

    /// <summary>Splits RFC 4180 records, each with the physical line it starts on; an unclosed quote is a problem.</summary>
    private static List<(long Line, List<string> Cells)> Records(string text, List<FaqProblem> problems)
    {
        var records = new List<(long, List<string>)>();
        var cells = new List<string>();
        var cell = new StringBuilder();
        long line = 1, start = 1;
        var quoted = false;
        var any = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                    else quoted = false;
                }
                else
                {
                    if (c == '\n') line++;
                    cell.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"' when cell.Length == 0: quoted = true; any = true; break;
                case ',': cells.Add(cell.ToString()); cell.Clear(); any = true; break;
                case '\r': break;
                case '\n':
                    cells.Add(cell.ToString());
                    cell.Clear();
                    records.Add((start, cells));
                    cells = [];
                    any = false;
                    start = ++line;
                    break;
                default: cell.Append(c); any = true; break;
            }
        }
        if (quoted) problems.Add(new FaqProblem(start, "row", new Msg(Codes.CsvQuote)));
        else if (any || cells.Count > 0)
        {
            cells.Add(cell.ToString());
            records.Add((start, cells));
        }
        return records;
    }
}
