namespace KefuScore.Engine.Quality;

/// <summary>
/// 质检规则: the rules quality inspection applies, as data (docs/quality.md). The built-in set ships as YAML in
/// KefuScore.App; a shop's own file goes through the same loader.
/// </summary>
public sealed record InspectionRules
{
    public required IReadOnlyList<InspectionRule> Rules { get; init; }

    /// <summary>Where the rules came from, for messages.</summary>
    public string Source { get; init; } = "";

    public InspectionRule? Find(string id) => Rules.FirstOrDefault(r => r.Id == id);
}

/// <summary>
/// One rule. Which fields a rule reads depends on its <see cref="Id"/>: the text rules read <see cref="Words"/>,
/// <see cref="Patterns"/> and <see cref="Except"/>; <c>vague</c> also reads <see cref="Within"/> (the follow-up
/// window) and <c>long_silence</c> only <see cref="Within"/> (the longest acceptable wait).
/// </summary>
public sealed record InspectionRule
{
    public required string Id { get; init; }

    /// <summary>A name for people, e.g. 绝对化用语.</summary>
    public string? Name { get; init; }

    public bool Enabled { get; init; } = true;

    /// <summary>Points one finding costs per 100 of the agent's messages (docs/quality.md, scoring).</summary>
    public double Weight { get; init; } = 1;

    /// <summary>Literal phrases, matched as written (full-width letters and digits folded to half-width, ASCII case ignored).</summary>
    public IReadOnlyList<string> Words { get; init; } = [];

    /// <summary>.NET regular expressions, matched like <see cref="Words"/>; no look-arounds: a group named <c>hit</c>
    /// marks the part that counts (<see cref="TextPattern"/>).</summary>
    public IReadOnlyList<string> Patterns { get; init; } = [];

    /// <summary><see cref="Patterns"/> already compiled (by the loader that validated them, with
    /// <see cref="TextPattern.Options"/>), so they are compiled once; ignored unless they are those patterns.</summary>
    public IReadOnlyList<TextPattern>? CompiledPatterns { get; init; }

    /// <summary>Ordinary phrases: a match that begins inside one of these is not a match (最近, 第一次, 不知道您…).</summary>
    public IReadOnlyList<string> Except { get; init; } = [];

    public TimeSpan? Within { get; init; }
}

/// <summary>The rule ids inspection knows; a rules file may configure each once.</summary>
public static class RuleIds
{
    /// <summary>未使用礼貌称呼: an agent's first message in a conversation has no polite form of address.</summary>
    public const string NoPoliteAddress = "no_polite_address";

    /// <summary>绝对化用语: absolute or exaggerated claims banned by the advertising law.</summary>
    public const string AbsoluteClaim = "absolute_claim";

    /// <summary>不耐烦 / 不礼貌: impatient or rude phrases.</summary>
    public const string Rude = "rude";

    /// <summary>含糊回复: 不知道 / 不清楚 with no follow-up.</summary>
    public const string Vague = "vague";

    /// <summary>长时间未回复: the customer left waiting inside an open conversation.</summary>
    public const string LongSilence = "long_silence";

    /// <summary>超范围承诺: a promise outside the shop's policy (delivery guaranteed, private compensation, refunds without return).</summary>
    public const string Overpromise = "overpromise";

    public static IReadOnlyList<string> All { get; } = [NoPoliteAddress, AbsoluteClaim, Rude, Vague, Overpromise, LongSilence];

    /// <summary>
    /// Defaults when a rule leaves <see cref="InspectionRule.Within"/> out: the longest wait for <c>long_silence</c>,
    /// the follow-up window for <c>vague</c>, and for <c>no_polite_address</c> how long after the first message the
    /// agent's quick messages still belong to the first turn.
    /// </summary>
    public static TimeSpan DefaultWithin(string id) => id switch
    {
        LongSilence => TimeSpan.FromSeconds(300),
        NoPoliteAddress => TimeSpan.FromSeconds(60),
        _ => TimeSpan.FromSeconds(120),
    };
}
