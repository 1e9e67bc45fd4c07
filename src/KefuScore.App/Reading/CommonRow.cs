using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;

namespace KefuScore.App.Reading;

/// <summary>
/// The typed part of a row in the common shape (a message or a rating with plain values), decided from its cells as
/// characters: the one rule the CSV and Parquet row readers share. False sends the line to <see cref="RawFields.Parse"/>,
/// so anything unusual is accepted or rejected exactly as the string path does.
/// </summary>
internal static class CommonRow
{
    /// <summary>True when the trimmed value would differ (EventParser trims): such a line takes the string path.</summary>
    public static bool Untrimmed(ReadOnlySpan<char> v) => !v.IsEmpty && (char.IsWhiteSpace(v[0]) || char.IsWhiteSpace(v[^1]));

    public static bool TryTyped(ReadOnlySpan<char> type, ReadOnlySpan<char> sender, ReadOnlySpan<char> kind, ReadOnlySpan<char> satisfaction,
        ReadOnlySpan<char> starsText, bool hasConversation, long ticks, out EventRow row)
    {
        row = default;
        var isMessage = type.SequenceEqual("message");
        if (!isMessage && !type.SequenceEqual("rating")) return false;
        byte stars = 0;
        if (!starsText.IsEmpty)
        {
            if (starsText.Length != 1 || starsText[0] is < '1' or > '5') return false;
            stars = (byte)(starsText[0] - '0');
        }
        row = new EventRow { Ticks = ticks, Stars = stars, ConversationStart = -1, ConversationLength = -1 };
        if (isMessage)
        {
            if (!hasConversation) return false;
            row.Type = EventType.Message;
            row.Sender = sender.SequenceEqual("customer") ? Sender.Customer : sender.SequenceEqual("agent") ? Sender.Agent
                : sender.SequenceEqual("bot") ? Sender.Bot : sender.SequenceEqual("system") ? Sender.System : Sender.None;
            if (row.Sender == Sender.None) return false;
            if (!kind.IsEmpty)
            {
                row.Kind = kind.SequenceEqual("text") ? MessageKind.Text : kind.SequenceEqual("image") ? MessageKind.Image
                    : kind.SequenceEqual("card") ? MessageKind.Card : kind.SequenceEqual("welcome") ? MessageKind.Welcome
                    : kind.SequenceEqual("auto") ? MessageKind.Auto : kind.SequenceEqual("assist") ? MessageKind.Assist : (MessageKind)255;
                if (row.Kind == (MessageKind)255) return false;
            }
        }
        else
        {
            row.Type = EventType.Rating;
            if (!satisfaction.IsEmpty)
            {
                row.Satisfaction = satisfaction.SequenceEqual("satisfied") ? Satisfaction.Satisfied : satisfaction.SequenceEqual("neutral") ? Satisfaction.Neutral
                    : satisfaction.SequenceEqual("dissatisfied") ? Satisfaction.Dissatisfied : Satisfaction.None;
                if (row.Satisfaction == Satisfaction.None) return false;
            }
            if (row.Satisfaction == Satisfaction.None && stars == 0) return false;
        }
        return true;
    }
}
