namespace KefuScore.Engine.Metrics;

/// <summary>Why a customer message did or did not count, and how it was answered (for <c>kefu explain</c>).</summary>
public enum ExplainReason
{
    /// <summary>Counted and answered within the threshold.</summary>
    Within,
    /// <summary>Counted and answered after the threshold.</summary>
    Late,
    /// <summary>Counted; no valid reply in the data (bots and auto-replies do not count).</summary>
    Unanswered,
    /// <summary>Sent outside the assessment hours.</summary>
    OutsideHours,
    /// <summary>A follow-up merged into the round (or session) that an earlier message opened.</summary>
    MergedIntoRound,
    /// <summary>Not the conversation's first counted item of the day (first-reply metrics).</summary>
    NotFirstOfDay,
    /// <summary>The conversation was handled by bots alone and the profile leaves such conversations out.</summary>
    BotOnly,
    /// <summary>The metric does not exist in the profile version in force that day.</summary>
    NotInVersion,
    /// <summary>The session was left as a message (留言) and the metric leaves such sessions out.</summary>
    LeaveMessage,
}

/// <summary>One customer message of a conversation as the chosen metric saw it.</summary>
public sealed record ExplainRow(
    string MessageId,
    DateTimeOffset At,
    string? Text,
    bool Counted,
    ExplainReason Reason,
    string? ReplyId,
    DateTimeOffset? ReplyAt,
    string? ReplyAgent,
    double? ReplySeconds,
    string? RoundStartId,
    string? IgnoredReplyId,
    string? IgnoredReplyWhy,
    string? Agent);
