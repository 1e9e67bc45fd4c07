namespace KefuScore.App.Reading;

/// <summary>
/// Streams events out of files in the SPEC §3 formats. Every record becomes a <see cref="ReadItem"/>: the event, or the
/// rejected line with its file, line, field and reason; bad records never stop the reading. A file that cannot be read
/// at all throws <see cref="InputFileException"/>. Nothing here holds more than one record (one row group for Parquet).
/// </summary>
/// <remarks>
/// What "line" means in a <see cref="Engine.Events.RejectedLine"/>: JSON Lines and CSV give the physical line where the
/// record starts (1-based; the CSV header is line 1; newlines inside quoted CSV fields are counted); XLSX gives the sheet's
/// row number (header row usually 1); Parquet, which has no header line, gives the 1-based row index (first row = 1).
/// </remarks>
public static class EventFiles
{
    /// <summary>Reads a file, choosing the format by its extension.</summary>
    public static IEnumerable<ReadItem> Read(string path, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        // Resolved before the first MoveNext so that a wrong extension fails where the call is made.
        var format = FormatOf(path);
        return ReadFile(path, format, ct);
    }

    /// <summary>
    /// Reads a file through an import mapping (<c>--map</c>, docs/mapping.md) when one is given; otherwise as
    /// <see cref="Read(string, CancellationToken)"/>, choosing the format by the extension.
    /// </summary>
    public static IEnumerable<ReadItem> Read(string path, Mapping.ImportMapping? mapping, CancellationToken ct = default) =>
        mapping is null ? Read(path, ct) : Mapping.MappedSource.Read(path, mapping, ct);

    /// <summary>Reads a stream the caller owns (left open); <paramref name="name"/> goes into every rejected line.</summary>
    public static IEnumerable<ReadItem> Read(Stream stream, EventFileFormat format, string name, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        if (!Enum.IsDefined(format)) throw new ArgumentOutOfRangeException(nameof(format), format, "unknown event file format");
        return Drain(stream, format, name, ct);
    }

    /// <summary>The format a file name implies; throws <see cref="InputFileException"/> for any other extension.</summary>
    public static EventFileFormat FormatOf(string path)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        return ext switch
        {
            ".jsonl" or ".ndjson" => EventFileFormat.JsonLines,
            ".csv" => EventFileFormat.Csv,
            ".xlsx" => EventFileFormat.Xlsx,
            ".parquet" => EventFileFormat.Parquet,
            _ => throw new InputFileException(path,
                new Engine.Text.Msg(Engine.Text.Codes.FileType, ext.Length == 0 ? "(no extension)" : ext)),
        };
    }

    private static IEnumerable<ReadItem> ReadFile(string path, EventFileFormat format, CancellationToken ct)
    {
        using var stream = Open(path);
        foreach (var item in Drain(stream, format, path, ct)) yield return item;
    }

    internal static FileStream Open(string path) =>
        Opening(path, () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));

    /// <summary>A file opened for <see cref="RandomAccess"/> reads (the chunked readers), failing as <see cref="Open"/> fails.</summary>
    internal static Microsoft.Win32.SafeHandles.SafeFileHandle OpenHandle(string path) =>
        Opening(path, () => File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.None));

    /// <summary>A file that cannot be opened, said as the user reads it: missing, no such folder, not allowed.</summary>
    private static T Opening<T>(string path, Func<T> open)
    {
        try
        {
            return open();
        }
        catch (FileNotFoundException e) { throw new InputFileException(path, new Engine.Text.Msg(Engine.Text.Codes.FileNotFound), e); }
        catch (DirectoryNotFoundException e) { throw new InputFileException(path, new Engine.Text.Msg(Engine.Text.Codes.FileNoFolder), e); }
        catch (UnauthorizedAccessException e) { throw new InputFileException(path, new Engine.Text.Msg(Engine.Text.Codes.FileDenied), e); }
        catch (IOException e) { throw new InputFileException(path, e.Message, e); }
    }

    private static IEnumerable<ReadItem> Drain(Stream stream, EventFileFormat format, string name, CancellationToken ct)
    {
        Stream? spool = null;
        IEventSource source;
        try
        {
            // Zip (xlsx) and Parquet readers seek; a pipe or HTTP body is spooled to a temporary file, not to memory.
            if (format is EventFileFormat.Xlsx or EventFileFormat.Parquet && !stream.CanSeek) spool = Spool(stream);
            source = Create(format, spool ?? stream, name, ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or InputFileException))
        {
            spool?.Dispose();
            throw new InputFileException(name, new Engine.Text.Msg(Engine.Text.Codes.FileFormat, Describe(format), e.Message), e);
        }

        using var spoolOwner = spool;
        using var sourceOwner = source;
        var more = true;
        while (more)
        {
            ct.ThrowIfCancellationRequested();
            ReadItem item = default;
            try
            {
                more = source.Next(out item);
            }
            catch (Sylvan.Data.Csv.CsvRecordTooLargeException e)
            {
                throw new InputFileException(name, new Engine.Text.Msg(Engine.Text.Codes.FileRecordTooLong, source.Line + 1), e);
            }
            catch (Exception e) when (e is not (OperationCanceledException or InputFileException))
            {
                // Libraries throw a zoo of types on malformed input (XmlException, InvalidDataException, CsvFormatException…):
                // all mean the same to the user, the file is broken from here on.
                throw new InputFileException(name, new Engine.Text.Msg(Engine.Text.Codes.FileFormatNear, Describe(format), source.Line, e.Message), e);
            }
            if (more) yield return item;
        }
    }

    /// <summary>
    /// Reads a CSV file as batches of rows (<see cref="RowBatch"/>): the same events and rejected lines as
    /// <see cref="Read(string, CancellationToken)"/>, without an object per event. <paramref name="rent"/> gives an empty
    /// batch; each filled one is yielded once and belongs to the caller from then on.
    /// </summary>
    public static IEnumerable<RowBatch> ReadRows(string path, RunNames names, Func<RowBatch> rent, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (FormatOf(path) != EventFileFormat.Csv) throw new ArgumentException("rows are read from CSV files only", nameof(path));
        return ReadCsvRows(path, names, rent, null, ct);
    }

    /// <summary>As above, or resumed at a record's start with the header already read (<see cref="CsvChunks"/>).</summary>
    internal static IEnumerable<RowBatch> ReadRows(string path, RunNames names, Func<RowBatch> rent, (CsvHeader Header, long Offset, long Line)? resume, CancellationToken ct) =>
        ReadCsvRows(path, names, rent, resume, ct);

    private static IEnumerable<RowBatch> ReadCsvRows(string path, RunNames names, Func<RowBatch> rent, (CsvHeader Header, long Offset, long Line)? resume, CancellationToken ct)
    {
        using var stream = Open(path);
        CsvSource source;
        try
        {
            if (resume is { } at)
            {
                stream.Position = at.Offset;
                source = new CsvSource(stream, path, at.Header, at.Line);
            }
            else source = new CsvSource(stream, path);
        }
        catch (Exception e) when (e is not (OperationCanceledException or InputFileException))
        {
            throw new InputFileException(path, new Engine.Text.Msg(Engine.Text.Codes.FileFormat, Describe(EventFileFormat.Csv), e.Message), e);
        }
        using var owner = source;
        var more = true;
        while (more)
        {
            ct.ThrowIfCancellationRequested();
            var batch = rent();
            try
            {
                more = source.NextRows(batch, names);
            }
            catch (Sylvan.Data.Csv.CsvRecordTooLargeException e)
            {
                throw new InputFileException(path, new Engine.Text.Msg(Engine.Text.Codes.FileRecordTooLong, source.Line + 1), e);
            }
            catch (Exception e) when (e is not (OperationCanceledException or InputFileException))
            {
                throw new InputFileException(path, new Engine.Text.Msg(Engine.Text.Codes.FileFormatNear, Describe(EventFileFormat.Csv), source.Line, e.Message), e);
            }
            if (batch.Records > 0) yield return batch;
        }
    }

    private static IEventSource Create(EventFileFormat format, Stream stream, string name, CancellationToken ct) => format switch
    {
        EventFileFormat.JsonLines => new JsonLinesSource(stream, name),
        EventFileFormat.Csv => new CsvSource(stream, name),
        EventFileFormat.Xlsx => new XlsxSource(stream, name),
        EventFileFormat.Parquet => new ParquetSource(stream, name, ct),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>The format as a message names it: the CLI's "an Excel .xlsx workbook", the dashboard's label.</summary>
    private static Engine.Text.Ref Describe(EventFileFormat format) => new(Engine.Text.RefKind.FileFormat, format switch
    {
        EventFileFormat.JsonLines => "jsonl",
        EventFileFormat.Csv => "csv",
        EventFileFormat.Xlsx => "xlsx",
        _ => "parquet",
    });

    private static FileStream Spool(Stream stream)
    {
        var temp = new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        stream.CopyTo(temp);
        temp.Position = 0;
        return temp;
    }
}

/// <summary>One format's reader, pulled one record at a time by <see cref="EventFiles"/>, which translates its exceptions.</summary>
internal interface IEventSource : IDisposable
{
    /// <summary>Where the reader is, for the message when the file breaks down.</summary>
    long Line { get; }

    bool Next(out ReadItem item);
}
