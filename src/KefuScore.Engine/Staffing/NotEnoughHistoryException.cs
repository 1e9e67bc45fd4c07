using KefuScore.Engine.Text;

namespace KefuScore.Engine.Staffing;

/// <summary>Too few days of history before a date to forecast it; <see cref="Text"/> says how many are needed.</summary>
public sealed class NotEnoughHistoryException : ArgumentException
{
    public NotEnoughHistoryException() { }
    public NotEnoughHistoryException(string message) : base(message) { }
    public NotEnoughHistoryException(string message, Exception inner) : base(message, inner) { }
    public NotEnoughHistoryException(Msg text) : base(EnglishText.Render(text ?? throw new ArgumentNullException(nameof(text)))) => Text = text;

    public Msg? Text { get; }
}
