using KefuScore.App.Reading;
using KefuScore.Engine.Events;

namespace KefuScore.App.Writing;

/// <summary>
/// Writes events to a file in the interchange format (SPEC §3), JSON Lines or CSV as the extension says, so
/// that the readers and <see cref="EventParser"/> give the same events back. Used by <c>kefu simulate</c>.
/// </summary>
public static class EventWriter
{
    /// <summary>The format for <paramref name="path"/>'s extension (<c>.jsonl</c>, <c>.ndjson</c> or <c>.csv</c>, any case).</summary>
    /// <exception cref="ArgumentException">For any other extension.</exception>
    public static EventFileFormat FormatOf(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var extension = Path.GetExtension(path);
        if (extension.Equals(".jsonl", StringComparison.OrdinalIgnoreCase) || extension.Equals(".ndjson", StringComparison.OrdinalIgnoreCase))
            return EventFileFormat.JsonLines;
        if (extension.Equals(".csv", StringComparison.OrdinalIgnoreCase)) return EventFileFormat.Csv;
        throw new ArgumentException($"cannot write events to '{path}': the file name must end in .jsonl or .csv", nameof(path));
    }

    /// <summary>Creates (or replaces) the file and writes every event; returns how many were written.</summary>
    public static long Write(string path, IEnumerable<ChatEvent> events)
    {
        var format = FormatOf(path);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        return Write(stream, format, events);
    }

    /// <summary>Writes every event to <paramref name="stream"/> in <paramref name="format"/>; the stream stays open.</summary>
    public static long Write(Stream stream, EventFileFormat format, IEnumerable<ChatEvent> events) => format switch
    {
        EventFileFormat.JsonLines => JsonLinesEventWriter.Write(stream, events),
        EventFileFormat.Csv => CsvEventWriter.Write(stream, events),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "events are written as JSON Lines or CSV only"),
    };
}
