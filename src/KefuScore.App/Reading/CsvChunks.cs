using System.Collections.Concurrent;
using System.Text;
using System.Text.Unicode;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using Microsoft.Win32.SafeHandles;

namespace KefuScore.App.Reading;

/// <summary>The rows of one chunk that go to one fold worker, with the characters of their ids and conversations.</summary>
public sealed class RowPart
{
    public EventRow[] Rows = new EventRow[1024];
    public int Count;
    public char[] Chars = new char[1 << 15];
    public int Used;

    public ReadOnlySpan<char> Text => Chars.AsSpan(0, Used);

    public void Add(in EventRow row)
    {
        if (Count == Rows.Length) Array.Resize(ref Rows, Count * 2);
        Rows[Count++] = row;
    }

    /// <summary>Adds a row whose id and conversation are in <paramref name="chars"/>, copying them here.</summary>
    public void Add(in EventRow row, ReadOnlySpan<char> chars)
    {
        var copy = row;
        (copy.IdStart, copy.IdLength) = EventRow.Append(chars.Slice(row.IdStart, row.IdLength), ref Chars, ref Used);
        if (row.ConversationLength >= 0)
            (copy.ConversationStart, copy.ConversationLength) = EventRow.Append(chars.Slice(row.ConversationStart, row.ConversationLength), ref Chars, ref Used);
        Add(copy);
    }

    public void Clear()
    {
        Array.Clear(Rows, 0, Count); // no shop or agent string stays reachable from a pooled part
        Count = 0;
        Used = 0;
    }
}

/// <summary>
/// A stretch of a CSV file read as rows, dealt by shop into one part per fold worker, with the lines rejected in it
/// (in file order, with their final line numbers once <see cref="CsvChunks.Read"/> hands it out).
/// </summary>
public sealed class RowChunk
{
    internal RowChunk(int parts)
    {
        Parts = new RowPart[parts];
        for (var i = 0; i < parts; i++) Parts[i] = new RowPart();
    }

    public RowPart[] Parts { get; }
    public List<RejectedLine> Rejected { get; } = [];
    /// <summary>Records (events and rejected lines) this chunk stands for: for progress.</summary>
    public long Records { get; internal set; }

    // What a parser needs and reports back.
    internal string File = "";
    internal SafeFileHandle? Handle;
    internal CsvHeader? Header;
    internal long Start;
    /// <summary>A Parquet row group's index (its rows before it in <see cref="Start"/>), -1 for a CSV or JSON Lines chunk.</summary>
    internal int Group = -1;
    /// <summary>A stretch of a JSON Lines file (no header).</summary>
    internal bool Json;
    internal int Length;
    internal byte[] Bytes = [];
    /// <summary>Line breaks in the chunk: the next chunk starts that many lines later.</summary>
    internal int Lines;
    /// <summary>The chunk has something only the sequential reader reads exactly (a quote, a lone CR, bad UTF-8).</summary>
    internal bool Sequential;
    internal Exception? Failure;
    private readonly object _gate = new();
    private bool _parsed;

    internal void MarkParsed()
    {
        lock (_gate)
        {
            _parsed = true;
            Monitor.PulseAll(_gate);
        }
    }

    internal void WaitParsed(CancellationToken ct)
    {
        lock (_gate)
            while (!_parsed)
            {
                ct.ThrowIfCancellationRequested();
                Monitor.Wait(_gate, 100);
            }
    }
    /// <summary>Workers still folding a part of this chunk; the last one hands it back.</summary>
    public int Pending;

    internal void Reset()
    {
        foreach (var p in Parts) p.Clear();
        Rejected.Clear();
        Records = 0;
        Lines = 0;
        Sequential = false;
        Failure = null;
        Handle = null;
        Header = null;
        Group = -1;
        Json = false;
        _parsed = false;
    }
}

/// <summary>
/// Reads CSV, JSON Lines and Parquet files as rows on several threads (JSON Lines in chunks as CSV is,
/// <see cref="JsonChunkParser"/>; Parquet by row group, <see cref="ParquetGroupParser"/>). A CSV file whose header is
/// plain (at the start, comma-separated, no quote) is cut into chunks of a few MiB at line breaks and the chunks are
/// parsed in parallel, each line by the same rules
/// as <see cref="CsvSource.NextRows"/>: the common shape straight into a row, any other line through
/// <see cref="RawFields.Parse"/>. A quote can carry a line break inside a field, so a chunk holding a quote (or a lone
/// CR, or bytes that are not UTF-8) is not parsed here: from its start the file is read by the sequential Sylvan
/// reader, resumed at that line, so events, rejections and line numbers are exactly those of the sequential path.
/// Chunks come out in file order; each is handed back with <see cref="Return"/> once every part is folded.
/// </summary>
public sealed class CsvChunks : IDisposable
{
    internal const int DefaultChunkBytes = 4 << 20;
    /// <summary>How far past a chunk's nominal end a line break is looked for; a longer line goes to the sequential reader.</summary>
    private const int MaxLineBytes = 1 << 20;
    private const int RowsPerSequentialChunk = 1 << 15;

    private readonly RunNames _names;
    private readonly int _parts;
    private readonly int _chunkBytes;
    private readonly CancellationToken _ct;
    private readonly ConcurrentBag<RowChunk> _free = [];
    private readonly SemaphoreSlim _slots;
    private readonly BlockingCollection<RowChunk> _work = new();
    private readonly Task[] _parsers;
    private readonly byte[] _probe = new byte[64 << 10];

    /// <param name="parts">Fold workers: a row goes to part <see cref="RunNames.PartOf"/> of its shop.</param>
    /// <param name="parsers">Threads parsing chunks.</param>
    public CsvChunks(RunNames names, int parts, int parsers, CancellationToken ct = default) : this(names, parts, parsers, DefaultChunkBytes, ct) { }

    internal CsvChunks(RunNames names, int parts, int parsers, int chunkBytes, CancellationToken ct)
    {
        _names = names;
        _parts = parts;
        _chunkBytes = chunkBytes;
        _ct = ct;
        // Chunks in flight: enough to keep every parser and worker busy, few enough to bound memory (about 10 MiB each).
        _slots = new SemaphoreSlim(2 * parsers + parts + 2);
        _parsers = new Task[parsers];
        for (var i = 0; i < parsers; i++)
            _parsers[i] = Task.Factory.StartNew(() =>
            {
                var parser = new ChunkParser(names, parts);
                var json = new JsonChunkParser(names, parts);
                using var groups = new ParquetGroupParser(names, parts);
                foreach (var chunk in _work.GetConsumingEnumerable())
                {
                    try
                    {
                        if (chunk.Group >= 0) groups.Parse(chunk, ct);
                        else if (chunk.Json) json.Parse(chunk);
                        else parser.Parse(chunk);
                    }
                    catch (Exception e) { chunk.Failure = e; }
                    finally { chunk.MarkParsed(); }
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Hands a chunk back once its parts are folded (by the last worker done with it).</summary>
    public void Return(RowChunk chunk)
    {
        chunk.Reset();
        _free.Add(chunk);
        _slots.Release();
    }

    private RowChunk Rent()
    {
        _slots.Wait(_ct);
        return _free.TryTake(out var c) ? c : new RowChunk(_parts);
    }

    /// <summary>The files' rows, chunk by chunk in file order.</summary>
    public IEnumerable<RowChunk> Read(IReadOnlyList<string> files)
    {
        foreach (var file in files)
        {
            var format = EventFiles.FormatOf(file);
            if (format == EventFileFormat.Parquet)
            {
                foreach (var c in Groups(file)) yield return c;
                continue;
            }
            if (format == EventFileFormat.JsonLines)
            {
                foreach (var c in Chunked(file, null, 0)) yield return c;
                continue;
            }
            if (!PlainHeader(file, out var header, out var dataStart))
            {
                foreach (var c in Sequentially(file, null)) yield return c;
                continue;
            }
            foreach (var c in Chunked(file, header, dataStart)) yield return c;
        }
    }

    /// <summary>A CSV file's rows after its header, or (<paramref name="header"/> null) a JSON Lines file's, chunk by chunk.</summary>
    private IEnumerable<RowChunk> Chunked(string file, CsvHeader? header, long dataStart)
    {
        using var handle = EventFiles.OpenHandle(file);
        var length = RandomAccess.GetLength(handle);
        var dispatched = new Queue<RowChunk>();
        var next = dataStart;
        long line = header is null ? 1 : 2; // a CSV header is line 1
        (long Offset, long Line)? resume = null;
        try
        {
            while (true)
            {
                // Keep the parsers fed without waiting; wait for a slot only when nothing is in flight.
                while (next < length && next >= 0 && (dispatched.Count == 0 || _slots.CurrentCount > 0))
                    next = Dispatch(handle, file, header, next, length, dispatched);
                if (dispatched.Count == 0) break;
                var chunk = dispatched.Dequeue();
                chunk.WaitParsed(_ct);
                if (chunk.Failure is { } failure)
                    throw new InputFileException(file, new Engine.Text.Msg(Engine.Text.Codes.FileFormatNear, new Engine.Text.Ref(Engine.Text.RefKind.FileFormat, header is null ? "jsonl" : "csv"), line, failure.Message), failure);
                if (chunk.Sequential)
                {
                    resume = (chunk.Start, line);
                    Return(chunk);
                    break;
                }
                for (var i = 0; i < chunk.Rejected.Count; i++)
                    chunk.Rejected[i] = chunk.Rejected[i] with { Line = line + chunk.Rejected[i].Line };
                line += chunk.Lines;
                yield return chunk;
            }
            if (resume is null && next < 0) resume = (-next - 1, line); // a line too long to find its end: read on sequentially
        }
        finally
        {
            // Chunks dispatched past a sequential one (or left by a consumer that stopped) are dropped once parsed.
            while (dispatched.Count > 0)
            {
                var c = dispatched.Dequeue();
                c.WaitParsed(CancellationToken.None);
                Return(c);
            }
        }
        if (resume is { } at)
            foreach (var c in header is null ? JsonSequentially(file, at.Offset, at.Line) : Sequentially(file, (header, at.Offset, at.Line))) yield return c;
    }

    /// <summary>
    /// A JSON Lines file from a line's start on (a line too long to find its end within a chunk's reach) by the
    /// sequential reader, which rejects an over-long line and reads on; its records dealt into chunks.
    /// </summary>
    private IEnumerable<RowChunk> JsonSequentially(string file, long offset, long line)
    {
        var names = new ParserNames(_names, _parts);
        return Dealt(JsonItems(file, offset, line), (chunk, item) =>
        {
            chunk.Records++;
            names.Place(chunk, item);
            return 1;
        });
    }

    /// <summary>The records from <paramref name="offset"/> on, numbered from <paramref name="line"/>; a failure reads as <see cref="EventFiles"/> reports it.</summary>
    private IEnumerable<ReadItem> JsonItems(string file, long offset, long line)
    {
        using var stream = EventFiles.Open(file);
        stream.Position = offset;
        using var source = new JsonLinesSource(stream, file, linesBefore: line - 1);
        while (true)
        {
            _ct.ThrowIfCancellationRequested();
            ReadItem item;
            try
            {
                if (!source.Next(out item)) yield break;
            }
            catch (Exception e) when (e is not (OperationCanceledException or InputFileException))
            {
                throw new InputFileException(file, new Engine.Text.Msg(Engine.Text.Codes.FileFormatNear, new Engine.Text.Ref(Engine.Text.RefKind.FileFormat, "jsonl"), source.Line, e.Message), e);
            }
            yield return item;
        }
    }

    /// <summary>A sequential reader's records dealt into chunks of about <see cref="RowsPerSequentialChunk"/> rows (<paramref name="place"/> gives how many it added).</summary>
    private IEnumerable<RowChunk> Dealt<T>(IEnumerable<T> records, Func<RowChunk, T, int> place)
    {
        RowChunk? chunk = null;
        var rows = 0;
        foreach (var record in records)
        {
            chunk ??= Rent();
            rows += place(chunk, record);
            if (rows >= RowsPerSequentialChunk)
            {
                chunk.Pending = _parts;
                yield return chunk;
                chunk = null;
                rows = 0;
            }
        }
        if (chunk is not null)
        {
            chunk.Pending = _parts;
            yield return chunk;
        }
    }

    /// <summary>Sends the chunk starting at <paramref name="start"/> to the parsers; returns where the next starts (-1 - start when no line end is near).</summary>
    /// <summary>
    /// A Parquet file's row groups as chunks, parsed on the parser threads and returned in file order. The file is opened
    /// here first so that a file the reader cannot take fails as <see cref="ParquetSource"/> fails; a group that fails to
    /// read stops the file with the row it started at, as that reader's <c>Line</c> says.
    /// </summary>
    private IEnumerable<RowChunk> Groups(string file)
    {
        long[] rows;
        using (var stream = EventFiles.Open(file))
        {
            try
            {
                var reader = Parquet.ParquetReader.CreateAsync(stream, new Parquet.ParquetOptions { TreatByteArrayAsString = true }, leaveStreamOpen: true, _ct)
                    .GetAwaiter().GetResult();
                try
                {
                    ParquetSource.Columns(reader, file, out _);
                    rows = new long[reader.RowGroupCount];
                    for (var g = 0; g < rows.Length; g++)
                    {
                        ParquetSource.CheckGroupSize(reader, g, file);
                        rows[g] = reader.Metadata?.RowGroups is { } meta && g < meta.Count ? meta[g].NumRows : throw new InvalidDataException("the file's metadata lists no row groups");
                    }
                }
                finally { reader.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
            }
            catch (Exception e) when (e is not (OperationCanceledException or InputFileException))
            {
                throw new InputFileException(file, new Engine.Text.Msg(Engine.Text.Codes.FileFormat, new Engine.Text.Ref(Engine.Text.RefKind.FileFormat, "parquet"), e.Message), e);
            }
        }
        var dispatched = new Queue<RowChunk>();
        var next = 0;
        long before = 0, ahead = 0;
        try
        {
            while (true)
            {
                // Keep the parsers fed without waiting; wait for a slot only when nothing is in flight. Each group's first
                // row number comes from the metadata, so rejected rows are numbered where they are parsed.
                while (next < rows.Length && (dispatched.Count == 0 || _slots.CurrentCount > 0))
                {
                    var chunk = Rent();
                    chunk.File = file;
                    chunk.Group = next;
                    chunk.Start = ahead;
                    chunk.Pending = _parts;
                    ahead += rows[next++];
                    dispatched.Enqueue(chunk);
                    _work.Add(chunk, _ct);
                }
                if (dispatched.Count == 0) break;
                var done = dispatched.Dequeue();
                done.WaitParsed(_ct);
                if (done.Failure is { } failure)
                {
                    if (failure is InputFileException or OperationCanceledException) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
                    throw new InputFileException(file, new Engine.Text.Msg(Engine.Text.Codes.FileFormatNear, new Engine.Text.Ref(Engine.Text.RefKind.FileFormat, "parquet"), before, failure.Message), failure);
                }
                before += done.Lines;
                yield return done;
            }
        }
        finally
        {
            while (dispatched.Count > 0)
            {
                var c = dispatched.Dequeue();
                c.WaitParsed(CancellationToken.None);
                Return(c);
            }
        }
    }

    private long Dispatch(SafeFileHandle handle, string file, CsvHeader? header, long start, long length, Queue<RowChunk> dispatched)
    {
        var end = Math.Min(start + _chunkBytes, length);
        if (end < length)
        {
            // Looked for 64 KiB at a time in one buffer: a fresh 1 MiB array per chunk would be large-object garbage.
            var found = -1L;
            for (var at = end; found < 0 && at < length && at - end < MaxLineBytes; at += _probe.Length)
            {
                var read = RandomAccess.Read(handle, _probe, at);
                if (read == 0) break;
                var nl = _probe.AsSpan(0, read).IndexOf((byte)'\n');
                if (nl >= 0) found = at + nl;
            }
            if (found < 0) return -1 - start;
            end = found + 1;
        }
        var chunk = Rent();
        chunk.File = file;
        chunk.Handle = handle;
        chunk.Header = header;
        chunk.Json = header is null;
        chunk.Start = start;
        chunk.Length = (int)(end - start);
        chunk.Pending = _parts;
        dispatched.Enqueue(chunk);
        _work.Add(chunk, _ct);
        return end;
    }

    /// <summary>The sequential reader, from the start or resumed mid-file, its rows dealt into chunks.</summary>
    private IEnumerable<RowChunk> Sequentially(string file, (CsvHeader Header, long Offset, long Line)? resume)
    {
        var batch = new RowBatch();
        return Dealt(EventFiles.ReadRows(file, _names, () => { batch.Clear(); return batch; }, resume, _ct), (chunk, b) =>
        {
            chunk.Rejected.AddRange(b.Rejected);
            chunk.Records += b.Records;
            var chars = b.Text;
            for (var i = 0; i < b.Count; i++)
            {
                ref readonly var row = ref b.Rows[i];
                chunk.Parts[RunNames.PartOf(row.Shop, _parts)].Add(row, chars);
            }
            return b.Count;
        });
    }

    /// <summary>
    /// Whether the file starts (after a UTF-8 BOM) with a header line the chunked reader may take: comma-separated
    /// (no tab, semicolon or bar, so Sylvan's delimiter detection picks the comma too), no quote, no lone CR, UTF-8.
    /// </summary>
    internal static bool PlainHeader(string file, out CsvHeader header, out long dataStart)
    {
        header = null!;
        dataStart = 0;
        using var stream = EventFiles.Open(file);
        var buffer = new byte[1 << 16];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var data = buffer.AsSpan(0, read);
        var bom = data.StartsWith("\uFEFF"u8) ? 3 : 0;
        if (data.Length >= 2 && (data[..2].SequenceEqual(new byte[] { 0xFE, 0xFF }) || data[..2].SequenceEqual(new byte[] { 0xFF, 0xFE }))) return false;
        if (data.Length >= 4 && data[..4].SequenceEqual(new byte[] { 0, 0, 0xFE, 0xFF })) return false;
        var rest = data[bom..];
        var nl = rest.IndexOf((byte)'\n');
        if (nl < 0) return false;
        var line = rest[..nl];
        if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
        if (line.IsEmpty || line.IndexOfAny("\"\r\t;|"u8) >= 0 || line.IndexOf((byte)',') < 0 || !Utf8.IsValid(line)) return false;
        var names = new List<string>();
        foreach (var range in line.Split((byte)',')) names.Add(Encoding.UTF8.GetString(line[range]));
        header = CsvHeader.Of(names);
        dataStart = bom + nl + 1;
        return true;
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        try { Task.WaitAll(_parsers, CancellationToken.None); }
        catch (AggregateException) { }
        _work.Dispose();
    }
}
