namespace KefuScore.Engine.Text;

/// <summary>
/// A sentence the engine or a loader says to a person (a reason, a finding's evidence, an error): a code from
/// <see cref="Codes"/> and typed arguments. Hosts render it in the reader's language: the CLI and the JSON contracts
/// with <see cref="EnglishText"/>, the dashboard from its resource files. Arguments are <see cref="Ref"/> (an
/// identifier to be named), <see cref="Num"/> (a figure with its unit), <see cref="Comparison"/> or a plain string
/// (the reader's own input or data, shown as it is).
/// </summary>
public sealed record Msg(string Code, params object[] Args)
{
    public override string ToString() => EnglishText.Render(this);

    // By value, arguments included: a record compares an array by reference, so two equal rejections would differ.
    public bool Equals(Msg? other) => other is not null && Code == other.Code && Args.AsSpan().SequenceEqual(other.Args);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Code);
        foreach (var a in Args) hash.Add(a);
        return hash.ToHashCode();
    }

    public T Arg<T>(int i) => (T)Args[i];
}

/// <summary>What an identifier in a message names; the renderer looks up its label.</summary>
public enum RefKind { Metric, Rule, Period, Dimension, Indicator, QualityRule, EventType, JsonToken, ComplaintState, FileFormat }

/// <summary>An identifier (metric, assessment rule, special period…) with the names its profile gives it, if any.</summary>
public sealed record Ref(RefKind Kind, string Id, IReadOnlyDictionary<string, string>? Names = null)
{
    public override string ToString() => Id;
}

/// <summary>The unit of a figure in a message.</summary>
public enum NumKind { Share, Seconds, Count, Plain }

/// <summary>A figure: a share (0.9373), seconds, a count, or a plain number (a score, a factor).</summary>
public readonly record struct Num(double Value, NumKind Kind);

/// <summary>
/// Words the reader must type exactly as they are (the values a file's field takes: <c>customer, agent, bot</c>):
/// rendered as they are in every language, and set as code on the dashboard.
/// </summary>
public sealed record Literal(string Text)
{
    public override string ToString() => Text;
}
