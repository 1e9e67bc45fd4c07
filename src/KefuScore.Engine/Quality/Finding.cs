using KefuScore.Engine.Text;

namespace KefuScore.Engine.Quality;

/// <summary>
/// 质检结果: one breach of a rule, naming the message, the agent and the evidence (the matched text, or the wait).
/// For <c>long_silence</c> the message is the customer message that waited; <see cref="At"/> is that message's time.
/// </summary>
public sealed record Finding(string Shop, string Conversation, string Message, DateTimeOffset At, string Agent, string Rule, Msg Reason)
{
    /// <summary>The evidence in the command line's English (the JSON's <c>evidence</c>): the matched text, or the wait.</summary>
    public string Evidence => EnglishText.Render(Reason);
}

/// <summary>
/// 质检分: an agent's or a conversation's score. <see cref="Messages"/> are the agent's human messages (bots and
/// auto-replies excluded); <see cref="Penalty"/> the sum of the findings' weights.
/// Score = max(0, 100 − Penalty × 100 ÷ max(Messages, 1)): each finding costs its weight per 100 messages.
/// </summary>
public sealed record QualityScore(int Messages, int Findings, double Penalty)
{
    public double Score => Math.Max(0, 100 - Penalty * 100 / Math.Max(Messages, 1));

    public QualityScore Add(int messages, int findings, double penalty) => new(Messages + messages, Findings + findings, Penalty + penalty);
}

/// <summary>What one inspection found: findings in time order, scores per agent and per conversation.</summary>
public sealed record Inspection(
    IReadOnlyList<Finding> Findings,
    IReadOnlyDictionary<string, QualityScore> Agents,
    IReadOnlyList<ConversationScore> Conversations);

/// <summary>The score of one conversation, over the human messages of all its agents.</summary>
public sealed record ConversationScore(string Shop, string Conversation, QualityScore Score);
