using KefuScore.App.Reading;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;

namespace KefuScore.App.Tests.Reading;

/// <summary>A row or an event as the values a row reader fills, its id and conversation as strings: the two readings compared.</summary>
internal readonly record struct Flat(long Ticks, string Shop, string Id, string? Conversation, string? Agent, string? Reason,
    EventType Type, Sender Sender, MessageKind Kind, byte Stars, Satisfaction Satisfaction)
{
    public static Flat Of(ChatEvent e) => new(e.Ticks, e.Shop, e.Id, e.Conversation, e.Agent, e.Reason, e.Type, e.Sender, e.Kind, e.Stars, e.Satisfaction);

    public static Flat Of(in EventRow r, ReadOnlySpan<char> chars) => new(r.Ticks, r.Shop, new string(chars.Slice(r.IdStart, r.IdLength)),
        r.ConversationLength < 0 ? null : new string(chars.Slice(r.ConversationStart, r.ConversationLength)),
        r.Agent, r.Reason, r.Type, r.Sender, r.Kind, r.Stars, r.Satisfaction);
}

/// <summary>Files read as the report reads them (<see cref="CsvChunks"/>: chunks on two parser threads, rows dealt by shop).</summary>
internal static class ChunkRows
{
    /// <summary>Every chunk's rows, part by part (with one part, file order), and the rejections.</summary>
    public static (List<Flat>[] Parts, List<RejectedLine> Rejected) Read(IReadOnlyList<string> files, int parts, int chunkBytes = CsvChunks.DefaultChunkBytes)
    {
        var rows = Enumerable.Range(0, parts).Select(_ => new List<Flat>()).ToArray();
        var rejected = new List<RejectedLine>();
        using var chunks = new CsvChunks(new RunNames(), parts, parsers: 2, chunkBytes, CancellationToken.None);
        foreach (var chunk in chunks.Read(files))
        {
            rejected.AddRange(chunk.Rejected);
            for (var p = 0; p < parts; p++)
            {
                var part = chunk.Parts[p];
                for (var i = 0; i < part.Count; i++) rows[p].Add(Flat.Of(part.Rows[i], part.Text));
            }
            chunks.Return(chunk);
        }
        return (rows, rejected);
    }
}
