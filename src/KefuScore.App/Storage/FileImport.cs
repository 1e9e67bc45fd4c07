using System.Text;
using KefuScore.App.Reading;
using KefuScore.Engine.Events;

namespace KefuScore.App.Storage;

/// <summary>What importing one file did.</summary>
/// <remarks><see cref="Rejected"/> holds the first <see cref="FileImport.MaxKept"/> rejected lines; <see cref="RejectedCount"/> counts them all (the rejects file lists them all).</remarks>
public sealed record ImportResult(string File, long Accepted, long Duplicates, IReadOnlyList<RejectedLine> Rejected, string? RejectsFile, long? RejectedTotal = null)
{
    public long RejectedCount => RejectedTotal ?? Rejected.Count;
}

/// <summary>
/// <c>kefu import</c>'s core: a file's valid lines go into storage in one transaction (all or nothing), appended in
/// batches; its rejected lines go to <c>FILE.rejects.csv</c> beside it (file, line, field, reason).
/// </summary>
public static class FileImport
{
    private const int BatchSize = 5000;

    /// <summary>Rejected lines kept in memory for the caller to show; the rest go only to the rejects file (a 512 MiB upload of bad lines stays small).</summary>
    public const int MaxKept = 1000;

    /// <summary>Imports one file; <paramref name="progress"/> gets the share of the file read (0–1).</summary>
    /// <exception cref="InputFileException">The file cannot be read; nothing of it is stored.</exception>
    public static Task<ImportResult> Import(EventStore store, string path, IProgress<double>? progress = null, CancellationToken ct = default) =>
        Import(store, path, null, progress, ct);

    /// <summary>Imports one file, through a mapping for exports in other layouts (docs/mapping.md) when one is given.</summary>
    public static async Task<ImportResult> Import(EventStore store, string path, Reading.Mapping.ImportMapping? mapping, IProgress<double>? progress = null, CancellationToken ct = default)
    {
        var format = mapping is null ? EventFiles.FormatOf(path) : EventFileFormat.Csv;
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputFileException(path, e.Message, e);
        }
        await using var owner = stream;
        var length = Math.Max(1, stream.Length);
        var rejected = new List<RejectedLine>();
        long rejectedCount = 0;
        // Rejected lines are written as they come to a file beside the target, renamed once the import commits.
        var target = path + ".rejects.csv";
        var pending = target + ".tmp";
        StreamWriter? rejects = null;
        var total = new IngestResult();
        // The file is read and parsed on another thread while this one writes: batches pass through a short queue.
        var batches = System.Threading.Channels.Channel.CreateBounded<(List<ChatEvent> Events, double Read)>(4);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reader = Task.Run(async () =>
        {
            try
            {
                var events = new List<ChatEvent>(BatchSize);
                // A mapped file is read by the mapping (twice, when it rebuilds threads); progress then comes at the end.
                var items = mapping is null ? EventFiles.Read(stream, format, path, stop.Token) : EventFiles.Read(path, mapping, stop.Token);
                foreach (var item in items)
                {
                    if (item.Event is { } e) events.Add(e);
                    else if (item.Rejected is { } r)
                    {
                        if (rejectedCount++ < MaxKept) rejected.Add(r);
                        rejects ??= StartRejects(pending);
                        WriteReject(rejects, r);
                    }
                    if (events.Count == BatchSize)
                    {
                        await batches.Writer.WriteAsync((events, stream.Position / (double)length), stop.Token);
                        events = new List<ChatEvent>(BatchSize);
                    }
                }
                if (events.Count > 0) await batches.Writer.WriteAsync((events, 1.0), stop.Token);
                batches.Writer.Complete();
            }
            catch (Exception e)
            {
                batches.Writer.Complete(e);
            }
        }, stop.Token);
        try
        {
            await using var batch = await store.Begin(large: true, ct);
            await foreach (var (events, read) in batches.Reader.ReadAllAsync(ct))
            {
                total += await batch.Append(events, ct);
                progress?.Report(Math.Min(1.0, read));
            }
            await batch.Commit(ct);
        }
        catch
        {
            await stop.CancelAsync();
            try { await reader; } catch (OperationCanceledException) { }
            if (rejects is not null) await rejects.DisposeAsync();
            File.Delete(pending);
            throw;
        }
        finally
        {
            // A failed write stops the reader; a failed read has already ended the loop with its exception.
            await stop.CancelAsync();
            try { await reader; } catch (OperationCanceledException) { }
        }
        progress?.Report(1.0);
        string? rejectsFile = null;
        if (rejects is not null)
        {
            await rejects.DisposeAsync();
            File.Move(pending, target, overwrite: true);
            rejectsFile = target;
        }
        else if (File.Exists(target)) File.Delete(target);
        return new ImportResult(path, total.Accepted, total.Duplicates, rejected, rejectsFile, rejectedCount);
    }

    private static StreamWriter StartRejects(string path)
    {
        var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        writer.Write("file,line,field,reason\n");
        return writer;
    }

    private static void WriteReject(StreamWriter w, RejectedLine r)
    {
        w.Write(Csv(r.File));
        w.Write(',');
        w.Write(r.Line.ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.Write(',');
        w.Write(Csv(r.Field));
        w.Write(',');
        w.Write(Csv(r.Reason));
        w.Write('\n');
    }

    private static string Csv(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
