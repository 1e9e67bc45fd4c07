using System.Globalization;
using KefuScore.Engine.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace KefuScore.App.Yaml;

/// <summary>
/// The limits every YAML document (profiles, mappings, shop settings, inspection rules, shifts…) is held to, and the one
/// loader that enforces them. YamlDotNet builds its node tree recursively, so a document nested tens of thousands of
/// levels overflows the stack and aborts the process (no catch can help); aliases let a few kilobytes stand for
/// millions of nodes. Both are refused from the parser's event stream, which is flat, before any tree is built.
/// </summary>
public static class YamlGuard
{
    /// <summary>Largest document in characters (and bytes for a file); the biggest built-in profile is about 20 KB.</summary>
    public const int MaxDocumentChars = 1 << 20;

    /// <summary>Deepest nesting of mappings and sequences.</summary>
    public const int MaxDepth = 64;

    /// <summary>Most nodes once aliases are expanded (an alias counts as every node of what it names).</summary>
    public const int MaxNodes = 100_000;

    /// <summary>Most problems listed for one document; the rest are counted.</summary>
    public const int MaxErrors = 100;

    /// <summary>The document's nodes, after checking size, depth and expanded size; limit breaches throw <see cref="YamlException"/> naming the limit.</summary>
    public static YamlStream Load(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxDocumentChars)
            throw Refuse(Mark.Empty, $"the document has {N(text.Length)} characters, more than the limit of {N(MaxDocumentChars)} (1 MiB)");
        try
        {
            Check(text);
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return stream;
        }
        catch (Exception e) when (e is not (YamlException or OutOfMemoryException))
        {
            // YamlDotNet's scanner throws InvalidOperationException on some malformed input (found by the fuzz
            // tests): still a document that cannot be read, not a server error.
            throw Refuse(Mark.Empty, $"the document cannot be read as YAML ({e.GetType().Name}: {e.Message})");
        }
    }

    /// <summary>A YAML file's text; throws <see cref="IOException"/> (which loaders report as "cannot be read") when it is over the size limit.</summary>
    public static string ReadText(string path)
    {
        var length = new FileInfo(path).Length;
        if (length > MaxDocumentChars)
            throw new IOException($"the file has {N(length)} bytes, more than the limit of {N(MaxDocumentChars)} (1 MiB) for a YAML document");
        return File.ReadAllText(path);
    }

    /// <summary>The first <see cref="MaxErrors"/> problems, then one saying how many more there were.</summary>
    public static IReadOnlyList<T> Capped<T>(IReadOnlyList<T> problems, int uncounted, Func<string, T> summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return CappedBy(problems, uncounted, m => summary(EnglishText.Render(m)));
    }

    /// <summary><see cref="Capped"/> for problems that carry a <see cref="Msg"/>.</summary>
    public static IReadOnlyList<T> CappedBy<T>(IReadOnlyList<T> problems, int uncounted, Func<Msg, T> summary)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(summary);
        var total = problems.Count + uncounted;
        if (total <= MaxErrors) return problems;
        return [.. problems.Take(MaxErrors), summary(new Msg(Codes.InputTooMany, total, MaxErrors))];
    }

    /// <summary>
    /// A YAML text that cannot be parsed, at its line and column: the parser's own words (English) for the CLI, a code
    /// the dashboard renders in its reader's language.
    /// </summary>
    public static T Syntax<T>(YamlException e, Func<string, Msg, T> problem)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(problem);
        return problem($"(line {e.Start.Line}, column {e.Start.Column})", new Msg(Codes.InputYamlSyntax, e.InnerException?.Message ?? e.Message));
    }

    private static void Check(string text)
    {
        var parser = new Parser(new StringReader(text));
        // Expanded size of each anchored node, and for each open collection the running count when it started
        // (and its anchor), so the size of an anchored collection is known when it closes.
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        var open = new Stack<(string? Anchor, long Start)>();
        long nodes = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case MappingStart or SequenceStart:
                    var start = (NodeEvent)parser.Current;
                    if (open.Count >= MaxDepth)
                        throw Refuse(start.Start, $"nesting deeper than {MaxDepth} levels (limit: depth {MaxDepth})");
                    nodes++;
                    open.Push((start.Anchor.IsEmpty ? null : start.Anchor.Value, nodes));
                    break;
                case MappingEnd or SequenceEnd:
                    if (open.TryPop(out var frame) && frame.Anchor is not null) sizes[frame.Anchor] = nodes - frame.Start + 1;
                    break;
                case Scalar scalar:
                    nodes++;
                    if (!scalar.Anchor.IsEmpty) sizes[scalar.Anchor.Value] = 1;
                    break;
                case AnchorAlias alias:
                    // Only an anchor already closed may be named: one still open would make the tree a cycle.
                    if (!sizes.TryGetValue(alias.Value.Value, out var size))
                        throw Refuse(alias.Start, $"the alias *{Short(alias.Value.Value)} names no anchor defined before it");
                    nodes += size;
                    break;
                default:
                    break;
            }
            if (nodes > MaxNodes)
                throw Refuse(parser.Current!.Start,
                    $"more than {N(MaxNodes)} nodes once aliases are expanded (limit: {N(MaxNodes)} nodes)");
        }
    }

    /// <summary>Longest problem text kept: a problem quotes the value at fault, which may be a large scalar.</summary>
    public const int MaxProblemChars = 400;

    /// <summary>A problem's text cut to <see cref="MaxProblemChars"/>.</summary>
    public static string Clip(string problem) =>
        problem.Length <= MaxProblemChars ? problem : string.Concat(problem.AsSpan(0, MaxProblemChars), "… (cut)");

    /// <summary>A message whose text arguments (the value at fault, quoted) are cut to <see cref="MaxProblemChars"/>.</summary>
    public static Msg Clip(Msg problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return problem.Args.Any(a => a is string { Length: > MaxProblemChars })
            ? new Msg(problem.Code, [.. problem.Args.Select(a => a is string s ? Clip(s) : a)])
            : problem;
    }

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Short(string s) => s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 40), "…");

    // The loaders report YamlException as "(line L, column C): message" from the inner exception's message.
    private static YamlException Refuse(Mark at, string message) => new(at, at, message, new InvalidDataException(message));
}
