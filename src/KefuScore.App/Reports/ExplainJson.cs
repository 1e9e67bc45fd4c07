using System.Globalization;
using System.Text.Json;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Reports;
using KefuScore.Engine.Text;

namespace KefuScore.App.Reports;

/// <summary>The JSON of <c>kefu explain</c> (and of the server's explain endpoint): each customer message, how it counted and why.</summary>
public static class ExplainJson
{
    public static string Code(ExplainReason r) => r switch
    {
        ExplainReason.Within => "within",
        ExplainReason.Late => "late",
        ExplainReason.Unanswered => "unanswered",
        ExplainReason.OutsideHours => "outside_hours",
        ExplainReason.MergedIntoRound => "merged_into_round",
        ExplainReason.NotFirstOfDay => "not_first_of_day",
        ExplainReason.BotOnly => "bot_only",
        ExplainReason.LeaveMessage => "leave_message",
        _ => "not_in_version",
    };

    /// <summary>One sentence a manager can read: what happened to this message.</summary>
    public static string Why(ExplainRow row, Explanation x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return EnglishText.Render(x.Why(row));
    }

    public static void Write(Stream stream, string profile, IReadOnlyList<Explanation> explanations)
    {
        using var w = new Utf8JsonWriter(stream, ReportJson.Options);
        w.WriteStartObject();
        w.WriteString("profile", profile);
        w.WriteString("metric", explanations[0].Metric.Id);
        w.WriteStartArray("conversations");
        foreach (var x in explanations)
        {
            w.WriteStartObject();
            w.WriteString("shop", x.Shop);
            w.WriteString("conversation", x.Conversation);
            w.WriteStartArray("messages");
            foreach (var row in x.Rows)
            {
                w.WriteStartObject();
                w.WriteString("id", row.MessageId);
                w.WriteString("at", row.At.ToString("O", CultureInfo.InvariantCulture));
                if (row.Text is not null) w.WriteString("text", row.Text);
                w.WriteBoolean("counted", row.Counted);
                w.WriteString("reason", Code(row.Reason));
                w.WriteString("why", Why(row, x));
                if (row.ReplyId is not null)
                {
                    w.WriteStartObject("reply");
                    w.WriteString("id", row.ReplyId);
                    w.WriteString("at", row.ReplyAt!.Value.ToString("O", CultureInfo.InvariantCulture));
                    if (row.ReplyAgent is not null) w.WriteString("agent", row.ReplyAgent);
                    w.WriteEndObject();
                    w.WriteNumber("reply_seconds", row.ReplySeconds!.Value);
                }
                else
                {
                    w.WriteNull("reply");
                    w.WriteNull("reply_seconds");
                }
                if (row.RoundStartId is not null) w.WriteString("round_start", row.RoundStartId);
                if (row.IgnoredReplyId is not null)
                {
                    w.WriteStartObject("ignored_reply");
                    w.WriteString("id", row.IgnoredReplyId);
                    w.WriteString("why", row.IgnoredReplyWhy);
                    w.WriteEndObject();
                }
                if (row.Agent is not null) w.WriteString("agent", row.Agent);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
