using System.Text.RegularExpressions;

namespace KefuScore.Engine.Quality;

/// <summary>
/// A regular expression of the inspection rules, tone cues or FAQ intents whose answer never depends on the machine's
/// load (decisions.md §58). It runs as a backtracking regex (fast on ordinary text) under a short match timeout and,
/// when that runs out (a pathological pattern, or a CPU starved by other work), again with
/// <see cref="RegexOptions.NonBacktracking"/>, which takes time linear in the text and needs no timeout. Both engines
/// find the same matches, so a timeout costs time, never a different verdict.
/// <para>NonBacktracking has no look-arounds or backreferences, so neither may a pattern here. What a look-around said
/// is written with a named group <c>hit</c>: the match counts as the span of <c>hit</c> when that group took part,
/// and the characters around it only decide whether it matches: <c>(?&lt;![a-z])no\.1</c> becomes
/// <c>(?:^|[^a-z])(?&lt;hit&gt;no\.1)</c>.</para>
/// </summary>
public sealed class TextPattern
{
    /// <summary>The backtracking engine's time for one match before the linear engine takes over.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(100);

    /// <summary>The name of the group whose span is the match.</summary>
    public const string HitGroup = "hit";

    // Regex lends its one cached runner to one caller at a time, and a second thread inside the same instance builds a
    // runner per call: two threads inspecting 1M messages spent 24.6 s of CPU where one spent 12.7 (docs/benchmarks.md).
    // So the backtracking engine is one instance per core, picked by the core the thread runs on: threads on different
    // cores rarely share one, and a collision only costs that runner (Regex stays thread-safe). Lanes are made on first
    // use, so a pattern costs one compiled copy per core that ran it, not one per thread.
    private readonly Regex?[] _lanes;
    private readonly RegexOptions _options;
    private readonly TimeSpan _limit;
    private readonly Regex _linear;
    private readonly int _hit;
    private int _fallbacks;

    /// <summary>
    /// The pattern for both engines. Throws <see cref="ArgumentException"/> when it is not a regular expression and
    /// <see cref="NotSupportedException"/> when NonBacktracking cannot run it (<see cref="LinearProblem"/> says why
    /// without throwing). <paramref name="limit"/> replaces <see cref="Limit"/> (tests).
    /// </summary>
    public TextPattern(string pattern, RegexOptions options = RegexOptions.CultureInvariant, TimeSpan? limit = null)
        : this(pattern, options, limit ?? Limit, new Regex(pattern, options, limit ?? Limit), Linear(pattern, options))
    {
    }

    private TextPattern(string pattern, RegexOptions options, TimeSpan limit, Regex backtracking, Regex linear)
    {
        Pattern = pattern;
        _options = options;
        _limit = limit;
        _lanes = new Regex?[Math.Max(1, Environment.ProcessorCount)];
        _lanes[0] = backtracking;
        _linear = linear;
        _hit = backtracking.GroupNumberFromName(HitGroup);
        _required = (options & (RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace | RegexOptions.RightToLeft)) == 0 ? RequiredLiteral(pattern) : null;
    }

    // Characters every match contains, in a row (top1 in (?:^|[^\d.])(?<hit>top\s*1)): a text without them is not
    // searched at all. The hit patterns begin with no literal the regex engine could search for, so it tried them at
    // every character (decisions.md §58, §81).
    private readonly string? _required;

    /// <summary>
    /// The longest run of literal characters that every match of <paramref name="pattern"/> contains: read along the
    /// pattern's top-level sequence (and into groups of one alternative that are not quantified), a run broken by
    /// anything else. Null when there is none, or the pattern has what this reading does not follow (a top-level
    /// alternation, inline options, a nested class).
    /// </summary>
    public static string? RequiredLiteral(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var best = "";
        var run = new System.Text.StringBuilder();
        var at = 0;
        if (!Sequence(pattern, ref at, run, ref best, 0) || at != pattern.Length) return null;
        Close(run, ref best);
        return best.Length > 0 ? best : null;

        static void Close(System.Text.StringBuilder run, ref string best)
        {
            if (run.Length > best.Length) best = run.ToString();
            run.Clear();
        }

        // Reads items until the end, a ')' or a '|' (false when the reading must give up).
        static bool Sequence(string p, ref int at, System.Text.StringBuilder run, ref string best, int depth)
        {
            while (at < p.Length && p[at] is not (')' or '|'))
            {
                var c = p[at];
                char? literal = null;
                var group = false;
                if (c == '(')
                {
                    if (depth > 32) return false;
                    at++;
                    if (at < p.Length && p[at] == '?')
                    {
                        at++;
                        if (at < p.Length && p[at] == ':') at++;
                        else if (at + 1 < p.Length && p[at] == '<' && p[at + 1] != '=' && p[at + 1] != '!')
                        {
                            var close = p.IndexOf('>', at);
                            if (close < 0) return false;
                            at = close + 1;
                        }
                        else return false; // look-arounds, inline options, conditionals
                    }
                    // Whether the group is quantified decides whether its literals count; look ahead for it.
                    var probe = at;
                    if (!Skip(p, ref probe) || probe >= p.Length || p[probe] != ')') return false;
                    var quantified = probe + 1 < p.Length && p[probe + 1] is '*' or '+' or '?' or '{';
                    var single = !HasTopLevelBar(p, at, probe);
                    if (!quantified && single)
                    {
                        if (!Sequence(p, ref at, run, ref best, depth + 1) || at >= p.Length || p[at] != ')') return false;
                        at++;
                        continue;
                    }
                    Close(run, ref best);
                    at = probe + 1;
                    group = true;
                }
                else if (c == '[')
                {
                    if (!SkipClass(p, ref at)) return false;
                }
                else if (c == '\\')
                {
                    if (at + 1 >= p.Length) return false;
                    var e = p[at + 1];
                    if (char.IsLetterOrDigit(e) || e == '_')
                    {
                        // \d, \s, \p{…}, \u0041, \1…: not followed; skip \p{…} and \P{…} whole.
                        if (e is 'p' or 'P')
                        {
                            var close = p.IndexOf('}', at);
                            if (close < 0) return false;
                            at = close + 1;
                        }
                        else if (e is 'u') at += 6;
                        else if (e is 'x') at += 4;
                        else if (e is 'c') at += 3;
                        else if (char.IsDigit(e) || e is 'k') return false; // backreferences, octal
                        else at += 2;
                        if (at > p.Length) return false;
                    }
                    else
                    {
                        literal = e;
                        at += 2;
                    }
                }
                else if (c is '.' or '^' or '$')
                    at++;
                else if (c is '*' or '+' or '?' or '{' or '#' || char.IsWhiteSpace(c))
                    return false;
                else
                {
                    literal = c;
                    at++;
                }
                // A quantifier after the item: the item is not (or not once, in a row) in every match.
                if (at < p.Length && p[at] is '*' or '+' or '?' or '{')
                {
                    if (!SkipQuantifier(p, ref at)) return false;
                    literal = null;
                }
                if (literal is { } l && !group) run.Append(l);
                else Close(run, ref best);
            }
            return true;
        }

        // Moves past a sequence of alternatives up to the ')' that closes it (not consuming it).
        static bool Skip(string p, ref int at)
        {
            var depth = 0;
            while (at < p.Length)
            {
                var c = p[at];
                if (c == '\\') { at += 2; continue; }
                if (c == '[') { if (!SkipClass(p, ref at)) return false; continue; }
                if (c == '(') depth++;
                else if (c == ')')
                {
                    if (depth == 0) return true;
                    depth--;
                }
                at++;
            }
            return false;
        }

        static bool HasTopLevelBar(string p, int from, int to)
        {
            var depth = 0;
            for (var i = from; i < to; i++)
            {
                var c = p[i];
                if (c == '\\') { i++; continue; }
                if (c == '[')
                {
                    var j = i;
                    if (!SkipClass(p, ref j)) return true;
                    i = j - 1;
                    continue;
                }
                if (c == '(') depth++;
                else if (c == ')') depth--;
                else if (c == '|' && depth == 0) return true;
            }
            return false;
        }

        static bool SkipClass(string p, ref int at)
        {
            at++;
            if (at < p.Length && p[at] == '^') at++;
            if (at < p.Length && p[at] == ']') at++;
            while (at < p.Length && p[at] != ']')
            {
                if (p[at] == '[') return false; // subtraction
                at += p[at] == '\\' ? 2 : 1;
            }
            if (at >= p.Length) return false;
            at++;
            return true;
        }

        static bool SkipQuantifier(string p, ref int at)
        {
            if (p[at] == '{')
            {
                var close = p.IndexOf('}', at);
                if (close < 0) return false;
                at = close + 1;
            }
            else at++;
            if (at < p.Length && p[at] is '?' or '+') at++;
            return true;
        }
    }

    /// <summary>The options of the inspection rules' patterns, the tone cues and the FAQ intents (compiled: an
    /// inspector reads every message with the same few patterns).</summary>
    public const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.Compiled;

    // Compiled means nothing to the linear engine; its automaton is built lazily, on the first fallback.
    private static Regex Linear(string pattern, RegexOptions options) =>
        new(pattern, (options & ~RegexOptions.Compiled) | RegexOptions.NonBacktracking);

    /// <summary>
    /// The pattern, each engine compiled once, or null with <paramref name="problem"/> saying why not: not a regular
    /// expression (<see cref="TextPatternProblem.NotRegex"/>), or one NonBacktracking cannot run (a look-around, a
    /// backreference, an atomic group). What loaders validate with is what the inspector then uses.
    /// </summary>
    public static TextPattern? TryCreate(string pattern, RegexOptions options, out TextPatternProblem? problem, TimeSpan? limit = null)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var within = limit ?? Limit;
        Regex backtracking;
        try { backtracking = new Regex(pattern, options, within); }
        catch (ArgumentException e)
        {
            problem = new TextPatternProblem(true, e.Message);
            return null;
        }
        Regex linear;
        try { linear = Linear(pattern, options); }
        catch (Exception e) when (e is NotSupportedException or ArgumentException)
        {
            problem = new TextPatternProblem(false, e.Message);
            return null;
        }
        problem = null;
        return new TextPattern(pattern, options, within, backtracking, linear);
    }

    /// <summary>The one pattern that matches where any of <paramref name="patterns"/> does (a cue's list, in order).</summary>
    public static string Alternation(IEnumerable<string> patterns) => string.Join("|", patterns.Select(p => $"(?:{p})"));

    public string Pattern { get; }

    private Regex Backtracking
    {
        get
        {
            var lane = Thread.GetCurrentProcessorId() % _lanes.Length;
            return Volatile.Read(ref _lanes[lane]) ?? NewLane(lane);
        }
    }

    private Regex NewLane(int lane)
    {
        var made = new Regex(Pattern, _options, _limit);
        return Interlocked.CompareExchange(ref _lanes[lane], made, null) ?? made;
    }

    /// <summary>How many matches the backtracking engine gave up on and the linear one answered.</summary>
    public int Fallbacks => Volatile.Read(ref _fallbacks);

    /// <summary>Whether the pattern occurs in <paramref name="input"/>.</summary>
    public bool IsMatch(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_required is not null && !input.Contains(_required, StringComparison.Ordinal)) return false;
        try { return Backtracking.IsMatch(input); }
        catch (RegexMatchTimeoutException)
        {
            Interlocked.Increment(ref _fallbacks);
            return _linear.IsMatch(input);
        }
    }

    /// <summary>
    /// The first match starting at or after <paramref name="start"/>: its span (the <c>hit</c> group's when the pattern
    /// has one and it took part, else the whole match's) and where to look for the next one (one character after the
    /// whole match's start, so every position at which the pattern matches is found once).
    /// </summary>
    public bool TryMatch(string input, int start, out int index, out int length, out int next)
    {
        ArgumentNullException.ThrowIfNull(input);
        Match m;
        if (_required is not null && start <= input.Length && !input.AsSpan(start).Contains(_required, StringComparison.Ordinal))
        {
            index = length = 0;
            next = input.Length + 1;
            return false;
        }
        try { m = Backtracking.Match(input, start); }
        catch (RegexMatchTimeoutException)
        {
            Interlocked.Increment(ref _fallbacks);
            m = _linear.Match(input, start);
        }
        if (!m.Success)
        {
            index = length = 0;
            next = input.Length + 1;
            return false;
        }
        var span = _hit >= 0 && m.Groups[_hit].Success ? (Capture)m.Groups[_hit] : m;
        index = span.Index;
        length = span.Length;
        next = m.Index + 1;
        return true;
    }

    /// <summary>
    /// Why <paramref name="pattern"/> cannot be a text pattern (not a regular expression, or not one NonBacktracking
    /// runs: a look-around, a backreference, an atomic group), or null when it can.
    /// </summary>
    public static string? LinearProblem(string pattern, RegexOptions options = RegexOptions.CultureInvariant)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        _ = TryCreate(pattern, options, out var problem);
        return problem?.Message;
    }
}

/// <summary>Why a text is not a <see cref="TextPattern"/>: not a regular expression at all (<paramref name="NotRegex"/>),
/// or one that needs backtracking; <paramref name="Message"/> is .NET's reason.</summary>
public sealed record TextPatternProblem(bool NotRegex, string Message);
