using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using Parquet;
using Parquet.Schema;

namespace KefuScore.App.Reading;

/// <summary>
/// One parser thread's reading of Parquet row groups into rows (<see cref="CsvChunks"/> hands out a file's groups as
/// chunks): the columns are read whole, <c>at</c> as instants when it is a UTC timestamp column (no text made and parsed
/// again), and a row in the common shape (<see cref="CommonRow"/>) goes straight into an <see cref="EventRow"/>; any
/// other row takes <see cref="RawFields.Parse"/> with the texts <see cref="ParquetSource"/> would give it, so events and
/// rejected rows are that reader's. Each thread opens the file once for itself.
/// </summary>
internal sealed class ParquetGroupParser(RunNames names, int parts) : IDisposable
{
    private sealed class Open(FileStream stream, ParquetReader reader, (DataField Field, int Id)[] columns, bool naiveAt, ParquetPlan? plan)
    {
        public readonly FileStream Stream = stream;
        public readonly ParquetReader Reader = reader;
        public readonly (DataField Field, int Id)[] Columns = columns;
        public readonly bool NaiveAt = naiveAt;
        /// <summary>How <see cref="ParquetPages"/> reads the columns; null when one of them is of a kind it does not read.</summary>
        public readonly ParquetPlan? Plan = plan;
    }

    private readonly Dictionary<string, Open> _files = new(StringComparer.Ordinal);
    private readonly ParserNames _names = new(names, parts);
    private readonly RawEvent _raw = new();
    private readonly int[] _columnOf = new int[RawEvent.FieldNames.Count];
    private readonly ParquetDecodedGroup _group = new();
    private readonly EntryNames<ParserNames.ShopName> _shopEntries = new();
    private readonly EntryNames<ParserNames.AgentName> _agentEntries = new();

    /// <summary>
    /// Rows between a row's first name hint (its table slots) and its second (their entries), and again to the row, as
    /// the CSV and JSON Lines parsers do: a group of the wide shape names thousands of shops and agents for the first
    /// time, each a cache miss in the run's names.
    /// </summary>
    private const int Ahead = 4;
    /// <summary>The hashes of the rows hinted and not yet placed (a ring twice the lead, so a hint never overwrites a row still to come).</summary>
    private const int HashRing = 4 * Ahead;
    private readonly ulong[] _shopHashes = new ulong[HashRing];
    private readonly ulong[] _agentHashes = new ulong[HashRing];

    public void Parse(RowChunk chunk, CancellationToken ct)
    {
        var file = Get(chunk.File, ct);
        if (file.Plan is { } plan && TryPages(file, plan, chunk)) return;
        using var group = file.Reader.OpenRowGroupReader(chunk.Group);
        var rows = checked((int)group.RowCount);
        var columns = file.Columns;
        var texts = new string?[columns.Length][];
        DateTime?[]? instants = null;
        Array.Fill(_columnOf, -1);
        for (var c = 0; c < columns.Length; c++)
        {
            var (field, id) = columns[c];
            _columnOf[id] = c;
            if (id == RawFields.At && !file.NaiveAt && field.ClrType == typeof(DateTime))
            {
                instants = new DateTime?[rows];
                group.ReadAsync<DateTime>(field, instants.AsMemory(), null, ct).AsTask().GetAwaiter().GetResult();
            }
            else texts[c] = ParquetColumns.ReadTexts(group, field, rows, ct);
        }
        for (var r = 0; r < rows; r++)
        {
            chunk.Records++;
            if (!TryRow(texts, instants, file.NaiveAt, r, chunk)) Slow(texts, instants, file, r, chunk);
        }
        chunk.Lines = rows;
    }

    private string? Text(string?[][] texts, int field, int r)
    {
        var c = _columnOf[field];
        return c < 0 ? null : texts[c]?[r];
    }

    private bool TryRow(string?[][] texts, DateTime?[]? instants, bool naiveAt, int r, RowChunk chunk)
    {
        // A naive timestamp's text would parse as UTC: such rows are rejected by the slow path.
        if (naiveAt) return false;
        for (var c = 0; c < texts.Length; c++)
            if (texts[c]?[r] is { Length: > EventParser.MaxFieldChars }) return false;
        var id = Text(texts, RawFields.Id, r);
        var shop = Text(texts, RawFields.Shop, r);
        var conversation = Text(texts, RawFields.Conversation, r);
        var agent = Text(texts, RawFields.Agent, r);
        var reason = Text(texts, RawFields.Reason, r);
        if (id is null || shop is null || CommonRow.Untrimmed(id) || CommonRow.Untrimmed(shop) || CommonRow.Untrimmed(conversation)
            || CommonRow.Untrimmed(agent) || CommonRow.Untrimmed(reason)) return false;
        long ticks;
        if (instants is not null)
        {
            if (instants[r] is not { } instant) return false;
            ticks = ParquetColumns.UtcTicks(instant);
            if (!Timestamp.InEventRange(new DateTimeOffset(ticks, TimeSpan.Zero))) return false;
        }
        else
        {
            if (!Timestamp.TryParseCommon(Text(texts, RawFields.At, r), out var at) || !Timestamp.InEventRange(at)) return false;
            ticks = at.UtcTicks;
        }
        if (!CommonRow.TryTyped(Text(texts, RawFields.Type, r), Text(texts, RawFields.Sender, r), Text(texts, RawFields.Kind, r),
                Text(texts, RawFields.Satisfaction, r), Text(texts, RawFields.Stars, r), conversation is not null, ticks, out var row)) return false;
        var name = _names.Shop(shop);
        row.Shop = name.Shop;
        row.ShopIndex = name.Index;
        if (agent is not null) (row.Agent, row.AgentNumber) = _names.AgentOf(agent);
        if (reason is not null) row.Reason = names.Reason(reason);
        var part = chunk.Parts[name.Part];
        (row.IdStart, row.IdLength) = EventRow.Append(id, ref part.Chars, ref part.Used);
        if (conversation is not null) (row.ConversationStart, row.ConversationLength) = EventRow.Append(conversation, ref part.Chars, ref part.Used);
        part.Add(row);
        return true;
    }

    /// <summary>Any other row: the texts <see cref="ParquetSource.Next"/> gives it, through the string path's parser.</summary>
    private void Slow(string?[][] texts, DateTime?[]? instants, Open file, int r, RowChunk chunk) =>
        _names.Place(chunk, ParquetSource.Row(_raw, file.Columns, texts, instants, file.NaiveAt, r, chunk.File, chunk.Start + r + 1));

    /// <summary>
    /// The row group through our own page decoder, cells as UTF-8 slices of the decoded pages; false (nothing placed yet)
    /// when a column chunk uses what the decoder does not take, and the caller reads the group through Parquet.Net.
    /// </summary>
    private bool TryPages(Open file, ParquetPlan plan, RowChunk chunk)
    {
        if (!_group.TryRead(file.Stream.SafeFileHandle, file.Reader, plan, chunk.Group)) return false;
        _shopEntries.Reset(_group.DictionarySize(RawFields.Shop));
        _agentEntries.Reset(_group.DictionarySize(RawFields.Agent));
        var rows = _group.Rows;
        for (var r = 0; r < Math.Min(2 * Ahead, rows); r++) Hint(r, entries: false);
        for (var r = 0; r < rows; r++)
        {
            if (r + 2 * Ahead < rows) Hint(r + 2 * Ahead, entries: false);
            if (r + Ahead < rows) Hint(r + Ahead, entries: true);
            chunk.Records++;
            if (!TryCells(r, chunk)) _names.Place(chunk, _group.Row(_raw, r, chunk.File, chunk.Start + r + 1));
        }
        chunk.Lines = rows;
        return true;
    }

    /// <summary>
    /// Row <paramref name="r"/>'s shop and agent: their hashes kept and their table slots asked of the processor, or
    /// (<paramref name="entries"/>) the entries those slots name. Only hints; names this group already found are skipped.
    /// </summary>
    private void Hint(int r, bool entries)
    {
        var g = _group;
        ref var shopHash = ref _shopHashes[r & (HashRing - 1)];
        ref var agentHash = ref _agentHashes[r & (HashRing - 1)];
        if (!entries)
        {
            shopHash = _shopEntries.TryGet(g.Entry(RawFields.Shop, r), out _) ? 0 : _names.ShopHash(g.Cell(RawFields.Shop, r));
            var agent = g.Cell(RawFields.Agent, r);
            agentHash = agent.IsEmpty || _agentEntries.TryGet(g.Entry(RawFields.Agent, r), out _) ? 0 : _names.AgentHash(agent);
        }
        if (shopHash != 0 || agentHash != 0) _names.Prefetch(shopHash, agentHash, hasAgent: agentHash != 0, entries);
    }

    private bool TryCells(int r, RowChunk chunk)
    {
        var g = _group;
        var type = g.Cell(RawFields.Type, r);
        if (!type.SequenceEqual("message"u8) && !type.SequenceEqual("rating"u8)) return false;
        for (var k = 0; k < g.TooLongCount; k++)
            if (CommonRow.TooLong(g.TooLongColumn(k).Cell(r))) return false;
        var id = g.Cell(RawFields.Id, r);
        var shop = g.Cell(RawFields.Shop, r);
        var conversation = g.Cell(RawFields.Conversation, r);
        var agent = g.Cell(RawFields.Agent, r);
        var reason = g.Cell(RawFields.Reason, r);
        if (!CommonRow.PlainNames(id, shop, conversation, agent, reason)) return false;
        long ticks;
        if (g.AtColumn >= 0)
        {
            ticks = g.Ticks(r);
            if (ticks == long.MinValue || !Timestamp.InEventRange(new DateTimeOffset(ticks, TimeSpan.Zero))) return false;
        }
        else if (!CommonRow.TryAt(g.Cell(RawFields.At, r), out ticks)) return false;
        if (!CommonRow.TryTyped(type, g.Cell(RawFields.Sender, r), g.Cell(RawFields.Kind, r), g.Cell(RawFields.Satisfaction, r), g.Cell(RawFields.Stars, r),
                !conversation.IsEmpty, ticks, out var row)) return false;
        var shopEntry = g.Entry(RawFields.Shop, r);
        if (!_shopEntries.TryGet(shopEntry, out var shopName))
            _shopEntries.Set(shopEntry, shopName = _shopHashes[r & (HashRing - 1)] is not 0 and var shopHash ? _names.Shop(shop, shopHash) : _names.Shop(shop));
        ParserNames.AgentName agentName = default;
        if (!agent.IsEmpty)
        {
            var agentEntry = g.Entry(RawFields.Agent, r);
            if (!_agentEntries.TryGet(agentEntry, out agentName))
                _agentEntries.Set(agentEntry, agentName = _agentHashes[r & (HashRing - 1)] is not 0 and var agentHash ? _names.Agent(agent, agentHash) : _names.Agent(agent));
        }
        _names.Place(chunk, row, shopName, agentName, reason, id, conversation);
        return true;
    }

    /// <summary>
    /// A column's dictionary entries found as names once per row group, so a row reads its entry's name instead of hashing its
    /// bytes. An entry is good for its group only (each column chunk has its own dictionary): a new group starts a new stamp.
    /// </summary>
    private sealed class EntryNames<T>
    {
        private T[] _names = [];
        private int[] _stamps = [];
        private int _stamp;

        public void Reset(int entries)
        {
            if (_names.Length < entries)
            {
                _names = new T[Math.Max(entries, _names.Length * 2)];
                _stamps = new int[_names.Length];
            }
            if (++_stamp == int.MaxValue)
            {
                Array.Clear(_stamps);
                _stamp = 1;
            }
        }

        /// <summary>The name of <paramref name="entry"/> when this group found it already; false too for -1 (no entry).</summary>
        public bool TryGet(int entry, out T name)
        {
            if (entry >= 0 && _stamps[entry] == _stamp)
            {
                name = _names[entry];
                return true;
            }
            name = default!;
            return false;
        }

        /// <summary>Keeps <paramref name="name"/> for <paramref name="entry"/> (nothing for -1).</summary>
        public void Set(int entry, T name)
        {
            if (entry >= 0) (_names[entry], _stamps[entry]) = (name, _stamp);
        }
    }

    private Open Get(string path, CancellationToken ct)
    {
        if (_files.TryGetValue(path, out var open)) return open;
        var stream = EventFiles.Open(path);
        try
        {
            var reader = ParquetReader.CreateAsync(stream, new ParquetOptions { TreatByteArrayAsString = true }, leaveStreamOpen: true, ct)
                .GetAwaiter().GetResult();
            var columns = ParquetSource.Columns(reader, path, out var naiveAt);
            open = new Open(stream, reader, columns, naiveAt, ParquetDecodedGroup.PlanOf(reader, columns, naiveAt));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        _files[path] = open;
        return open;
    }

    public void Dispose()
    {
        foreach (var f in _files.Values)
        {
            f.Reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            f.Stream.Dispose();
        }
        _files.Clear();
        _group.Dispose();
    }
}
