using KefuScore.Engine.Events;

namespace KefuScore.App.Reading;

/// <summary>
/// One record read from an event file: exactly one of <see cref="Event"/> and <see cref="Rejected"/> is non-null.
/// A struct so that streaming millions of records does not allocate a wrapper per record.
/// </summary>
public readonly record struct ReadItem(ChatEvent? Event, RejectedLine? Rejected)
{
    public static ReadItem Of(ChatEvent e) => new(e, null);

    public static ReadItem Reject(string file, long line, string field, string reason) => new(null, new RejectedLine(file, line, field, reason));

    public static ReadItem Reject(string file, long line, string field, Engine.Text.Msg reason) => new(null, new RejectedLine(file, line, field, reason));
}

/// <summary>The file formats SPEC §3 accepts (Parquet as an extra for exports from data warehouses).</summary>
public enum EventFileFormat { JsonLines, Csv, Xlsx, Parquet }

/// <summary>
/// A file that cannot be read at all: missing, unreadable, not the format its name says, or broken beyond one record.
/// Single bad records never throw; they come back as <see cref="RejectedLine"/>.
/// </summary>
public sealed class InputFileException : Exception
{
    public InputFileException() : base("The input file cannot be read.") { }

    public InputFileException(string message) : base(message) { }

    public InputFileException(string message, Exception innerException) : base(message, innerException) { }

    public InputFileException(string file, string reason, Exception? innerException = null)
        : this(file, new Engine.Text.Msg(Engine.Text.Codes.Untranslated, reason), innerException)
    {
    }

    public InputFileException(string file, Engine.Text.Msg reason, Exception? innerException = null)
        : base($"{file}: {Engine.Text.EnglishText.Render(reason)}", innerException)
    {
        File = file;
        Text = reason;
        Reason = Engine.Text.EnglishText.Render(reason);
    }

    /// <summary>What is wrong, for the dashboard to say in its reader's language; null when built with a bare message.</summary>
    public Engine.Text.Msg? Text { get; }

    /// <summary>The file as the caller named it; null when built with a bare message.</summary>
    public string? File { get; }

    public string? Reason { get; }
}
