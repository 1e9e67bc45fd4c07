using System.Globalization;

namespace KefuScore.Engine.Quality;

/// <summary>
/// The evidence of a finding the model made without the word lists: its probability and the features that weighed
/// most (n-grams as they are, named tokens with #: <c>#cue:blame</c>, <c>#lex:rude</c>), written
/// <c>模型 model 0.93: 自己看、#cue:blame</c> and read back by the 质检 page to show them in words.
/// </summary>
public sealed record ModelEvidence(double Probability, IReadOnlyList<string> Features)
{
    private const string Prefix = "模型 model ";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Probability:0.00}: {string.Join("、", Features)}");

    /// <summary>The model's evidence in a finding's text, or null when the finding came from a word list or a timing rule.</summary>
    public static ModelEvidence? TryParse(string evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        if (!evidence.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var colon = evidence.IndexOf(": ", Prefix.Length, StringComparison.Ordinal);
        if (colon < 0 || !double.TryParse(evidence.AsSpan(Prefix.Length, colon - Prefix.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var p)) return null;
        var features = evidence[(colon + 2)..];
        return new ModelEvidence(p, features.Split('、', StringSplitOptions.RemoveEmptyEntries));
    }
}
