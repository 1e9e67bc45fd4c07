using KefuScore.Engine.Events;

namespace KefuScore.App.Reading.Mapping;

/// <summary>
/// Reads an export in another system's layout through an <see cref="ImportMapping"/>: every row becomes an event or a
/// rejected line with its physical line, the SPEC field at fault and a reason. When threads are needed the file is read
/// twice: first for ids and links only (<see cref="Threads"/>), then row by row; nothing else is held in memory.
/// </summary>
public static class MappedSource
{
    public const string UnknownShop = "thread has no reply from a support account (no agent message), so its shop is unknown";

    public static IEnumerable<ReadItem> Read(string path, ImportMapping mapping, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(mapping);
        return ReadRows(path, mapping, ct);
    }

    private static IEnumerable<ReadItem> ReadRows(string path, ImportMapping mapping, CancellationToken ct)
    {
        var threads = mapping.NeedsThreads ? Guarded(path, () => { using var s = EventFiles.Open(path); return Threads.Build(s, mapping, path, ct); }) : null;
        using var stream = EventFiles.Open(path);
        using var csv = Guarded(path, () => new MappedCsv(stream, mapping.Csv, path));
        var rows = Guarded(path, () => new RowMapper(mapping, csv));
        var threadId = mapping.Links is { } links ? csv.Ordinal(links.Id) : -1;
        var raw = new RawEvent();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            ReadItem item = default;
            var more = Guarded(path, () => csv.Next() && Map(mapping, csv, rows, threads, threadId, raw, path, out item), csv);
            if (!more) yield break;
            yield return item;
        }
    }

    /// <summary>Maps the current row; always true (a row that cannot be mapped becomes a rejected line).</summary>
    private static bool Map(ImportMapping mapping, MappedCsv csv, RowMapper rows, Threads? threads, int threadId, RawEvent raw, string path, out ReadItem item)
    {
        item = Row(mapping, csv, rows, threads, threadId, raw) is { } error
            ? ReadItem.Reject(path, csv.Line, error.Field, error.Reason)
            : RawFields.Parse(raw, path, csv.Line);
        return true;
    }

    private static FieldError? Row(ImportMapping mapping, MappedCsv csv, RowMapper rows, Threads? threads, int threadId, RawEvent raw)
    {
        raw.Clear();
        // A row with more or fewer cells than the header has lost its alignment (an unquoted delimiter or line break):
        // mapping it by position would put text into the wrong fields without a word.
        if (csv.HeaderCount > 0 && csv.FieldCount != csv.HeaderCount)
            return new FieldError("", $"has {csv.FieldCount} cells where the header has {csv.HeaderCount}; an unquoted delimiter or line break?");
        if (!rows.TrySender(out var sender, out var error)) return error;
        foreach (var field in mapping.Fields.Values)
        {
            var ok = field.Source == FieldSource.Thread
                ? FromThread(field, mapping, csv, rows, threads!, threadId, sender, out var value, out error)
                : rows.TryValue(field, sender, out value, out error);
            if (!ok) return error;
            raw.Set(field.Field, value);
        }
        return null;
    }

    private static bool FromThread(FieldMap field, ImportMapping mapping, MappedCsv csv, RowMapper rows, Threads threads, int threadId,
        string? sender, out string? value, out FieldError error)
    {
        error = default;
        value = null;
        string? key;
        if (threadId >= 0) key = csv.Cell(threadId);
        else if (mapping.Field("conversation") is { } c && rows.TryValue(c, sender, out var v, out _)) key = v;
        else key = null;
        if (key is null)
        {
            error = new FieldError(field.Field, mapping.Links is { } l
                ? $"the row has no id in column {l.Id}, so its thread is unknown"
                : "the row has no conversation, so its thread is unknown");
            return false;
        }
        value = field.Thread == "root" ? threads.ThreadOf(key) : threads.ShopOf(key);
        if (value is null && field.Thread == "agent") error = new FieldError(field.Field, UnknownShop);
        return error.Field is null;
    }

    /// <summary>Sylvan and the decoders throw many exception types on a broken file; to the user they all mean the same.</summary>
    private static T Guarded<T>(string path, Func<T> read, MappedCsv? csv = null)
    {
        try { return read(); }
        catch (Exception e) when (e is not (OperationCanceledException or InputFileException))
        {
            var where = csv is null ? "" : $" near line {csv.Line}";
            throw new InputFileException(path, $"cannot be read as CSV{where}: {e.Message}", e);
        }
    }
}
