using System.Text;
using KefuScore.App.Reading;
using KefuScore.Engine.Events;

namespace KefuScore.App.Storage;

/// <summary>What importing one file did.</summary>
public sealed record ImportResult(string File, long Accepted, long Duplicates, IReadOnlyList<RejectedLine> Rejected, string? RejectsFile);

/// <summary>
/// <c>kefu import</c>'s core: a file's valid lines go into storage in one transaction (all or nothing), appended in
/// batches; its rejected lines go to <c>FILE.rejects.csv</c> beside it (file, line, field, reason).
/// </summary>
public static class FileImport
{
    private const int BatchSize = 5000;

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
                    else if (item.Rejected is { } r) rejected.Add(r);
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
        finally
        {
            // A failed write stops the reader; a failed read has already ended the loop with its exception.
            await stop.CancelAsync();
            try { await reader; } catch (OperationCanceledException) { }
        }
        progress?.Report(1.0);
        var rejectsFile = await WriteRejects(path, rejected, ct);
        return new ImportResult(path, total.Accepted, total.Duplicates, rejected, rejectsFile);
    }

    /// <summary>Writes <c>FILE.rejects.csv</c> when lines were rejected; removes a stale one otherwise. Returns its path or null.</summary>
    public static async Task<string?> WriteRejects(string path, IReadOnlyList<RejectedLine> rejected, CancellationToken ct = default)
    {
        var target = path + ".rejects.csv";
        if (rejected.Count == 0)
        {
            if (File.Exists(target)) File.Delete(target);
            return null;
        }
        var sb = new StringBuilder("file,line,field,reason\n");
        foreach (var r in rejected)
            sb.Append(Csv(r.File)).Append(',').Append(r.Line).Append(',').Append(Csv(r.Field)).Append(',').Append(Csv(r.Reason)).Append('\n');
        await File.WriteAllTextAsync(target, sb.ToString(), new UTF8Encoding(false), ct);
        return target;
    }

    private static string Csv(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
