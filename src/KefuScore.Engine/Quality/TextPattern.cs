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
