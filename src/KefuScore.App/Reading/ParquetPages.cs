using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using Parquet.Meta;

namespace KefuScore.App.Reading;

/// <summary>
/// One column chunk decoded to cells: each row's value as a slice of <see cref="Data"/> (the UTF-8 bytes of a text, the 8
/// little-endian bytes of an INT64), or null. Reused from group to group by one parser thread.
/// </summary>
internal sealed class ParquetCells
{
    public byte[] Data = new byte[1 << 16];
    public int Used;
    /// <summary>Per row: where its value starts in <see cref="Data"/>; <see cref="Lengths"/> -1 for null.</summary>
    public int[] Starts = [];
    public int[] Lengths = [];
    public int Rows;
    /// <summary>Whether the chunk had a dictionary page (its data pages then refer to it).</summary>
    public bool Dictionary;

    public ReadOnlySpan<byte> Cell(int row) => Lengths[row] < 0 ? default : Data.AsSpan(Starts[row], Lengths[row]);

    public bool IsNull(int row) => Lengths[row] < 0;

    public long Int64(int row) => BinaryPrimitives.ReadInt64LittleEndian(Data.AsSpan(Starts[row], 8));
}

/// <summary>
/// Our own decoder for the Parquet pages the report reads most: data pages v1, PLAIN or dictionary encoded
/// (PLAIN_DICTIONARY / RLE_DICTIONARY), BYTE_ARRAY or INT64 values, optional or required top-level columns, uncompressed
/// or SNAPPY. Why: Parquet.Net makes a .NET string of every text cell, which cost more CPU than the whole CSV path; here a
/// cell is a slice of the decoded page. <see cref="TryRead"/> answers false for anything else (v2 pages, other codecs or
/// encodings, a page it cannot make sense of), and the caller reads that row group through Parquet.Net instead, which also
/// reports a damaged file in its own words.
/// </summary>
internal sealed class ParquetPages
{
    private byte[] _raw = new byte[1 << 16];
    private int[] _levels = new int[1024];
    private int[] _indices = new int[1024];
    private int[] _dictStarts = new int[256];
    private int[] _dictLengths = new int[256];

    /// <summary>Thrown inside the decoder for anything it does not take; <see cref="TryRead"/> turns it into false.</summary>
    private sealed class UnsupportedException : Exception;

    private static void Need(bool ok)
    {
        if (!ok) throw new UnsupportedException();
    }

    /// <summary>
    /// Decodes <paramref name="chunk"/> (of <paramref name="rows"/> rows) of <paramref name="file"/> into
    /// <paramref name="into"/>; false when it uses something this decoder does not take.
    /// </summary>
    public bool TryRead(SafeFileHandle file, ColumnChunk chunk, bool optional, int rows, ParquetCells into)
    {
        try
        {
            Read(file, chunk, optional, rows, into);
            return true;
        }
        catch (UnsupportedException)
        {
            return false;
        }
    }

    private void Read(SafeFileHandle file, ColumnChunk chunk, bool optional, int rows, ParquetCells into)
    {
        var meta = chunk.MetaData;
        Need(meta is not null && chunk.FilePath is null && chunk.CryptoMetadata is null && chunk.EncryptedColumnMetadata is null);
        Need(meta!.Codec is CompressionCodec.UNCOMPRESSED or CompressionCodec.SNAPPY);
        Need(meta.Type is Parquet.Meta.Type.BYTE_ARRAY or Parquet.Meta.Type.INT64);
        var byteArray = meta.Type == Parquet.Meta.Type.BYTE_ARRAY;
        var start = meta.DataPageOffset;
        if (meta.DictionaryPageOffset is > 0 and var d && d < start) start = d;
        var length = meta.TotalCompressedSize;
        Need(start > 0 && length > 0 && length <= ParquetSource.MaxRowGroupBytes);
        var size = (int)length;
        if (_raw.Length < size) _raw = new byte[Math.Max(size, _raw.Length * 2)];
        var got = 0;
        while (got < size)
        {
            var n = RandomAccess.Read(file, _raw.AsSpan(got, size - got), start + got);
            Need(n > 0);
            got += n;
        }

        if (into.Starts.Length < rows)
        {
            into.Starts = new int[rows];
            into.Lengths = new int[rows];
        }
        into.Rows = rows;
        into.Used = 0;
        into.Dictionary = false;
        var dictCount = -1;
        var row = 0;
        var raw = _raw.AsSpan(0, size);
        var pos = 0;
        while (row < rows)
        {
            Need(pos < size);
            var header = PageHeader.Parse(raw, ref pos);
            Need(header.CompressedSize >= 0 && header.UncompressedSize >= 0 && pos + header.CompressedSize <= size);
            var compressed = raw.Slice(pos, header.CompressedSize);
            pos += header.CompressedSize;
            Need(header.Type is PageHeader.DataPage or PageHeader.DictionaryPage or PageHeader.IndexPage); // not v2 data pages
            if (header.Type == PageHeader.IndexPage) continue; // carries no values
            if (header.Type == PageHeader.DictionaryPage)
            {
                Need(dictCount < 0 && row == 0 && header.Encoding is Encoding.PLAIN or Encoding.PLAIN_DICTIONARY && header.NumValues >= 0);
                var page = Decompress(meta.Codec, compressed, header.UncompressedSize, into);
                dictCount = header.NumValues;
                into.Dictionary = true;
                if (_dictStarts.Length < dictCount)
                {
                    _dictStarts = new int[dictCount];
                    _dictLengths = new int[dictCount];
                }
                var at = 0;
                for (var i = 0; i < dictCount; i++)
                {
                    var (s, l) = Plain(into.Data.AsSpan(page, header.UncompressedSize), byteArray, ref at);
                    (_dictStarts[i], _dictLengths[i]) = (page + s, l);
                }
                continue;
            }
            Need(header.NumValues > 0 && row + header.NumValues <= rows);
            Need(!optional || header.DefinitionEncoding == Encoding.RLE);
            var dataStart = Decompress(meta.Codec, compressed, header.UncompressedSize, into);
            var data = into.Data.AsSpan(dataStart, header.UncompressedSize);
            var count = header.NumValues;
            var p = 0;
            // Top-level columns have no repetition levels; an optional one has definition levels (0 null, 1 value).
            if (_levels.Length < count) _levels = new int[Math.Max(count, _levels.Length * 2)];
            var levels = _levels.AsSpan(0, count);
            if (optional)
            {
                Need(data.Length >= 4);
                var levelBytes = BinaryPrimitives.ReadInt32LittleEndian(data);
                Need(levelBytes >= 0 && levelBytes <= data.Length - 4);
                Hybrid(data.Slice(4, levelBytes), 1, levels);
                p = 4 + levelBytes;
            }
            else levels.Fill(1);
            var present = 0;
            foreach (var level in levels)
            {
                Need(level is 0 or 1);
                present += level;
            }
            if (header.Encoding == Encoding.PLAIN)
            {
                for (var i = 0; i < count; i++)
                {
                    if (levels[i] == 0)
                    {
                        into.Lengths[row + i] = -1;
                        continue;
                    }
                    var (s, l) = Plain(data, byteArray, ref p);
                    (into.Starts[row + i], into.Lengths[row + i]) = (dataStart + s, l);
                }
            }
            else
            {
                Need(header.Encoding is Encoding.PLAIN_DICTIONARY or Encoding.RLE_DICTIONARY && dictCount >= 0);
                if (_indices.Length < present) _indices = new int[Math.Max(present, _indices.Length * 2)];
                var indices = _indices.AsSpan(0, present);
                if (present > 0)
                {
                    Need(p < data.Length);
                    var width = data[p];
                    Need(width <= 32);
                    Hybrid(data[(p + 1)..], width, indices);
                }
                var k = 0;
                for (var i = 0; i < count; i++)
                {
                    if (levels[i] == 0)
                    {
                        into.Lengths[row + i] = -1;
                        continue;
                    }
                    var index = indices[k++];
                    Need((uint)index < (uint)dictCount);
                    (into.Starts[row + i], into.Lengths[row + i]) = (_dictStarts[index], _dictLengths[index]);
                }
            }
            row += count;
        }
    }

    /// <summary>One PLAIN value at <paramref name="at"/>: its start and length in <paramref name="data"/>.</summary>
    private static (int Start, int Length) Plain(ReadOnlySpan<byte> data, bool byteArray, ref int at)
    {
        if (!byteArray)
        {
            Need(at + 8 <= data.Length);
            at += 8;
            return (at - 8, 8);
        }
        Need(at + 4 <= data.Length);
        var length = BinaryPrimitives.ReadInt32LittleEndian(data[at..]);
        Need(length >= 0 && length <= data.Length - at - 4);
        at += 4 + length;
        return (at - length, length);
    }

    /// <summary>The page's values, uncompressed, appended to <paramref name="into"/>'s data (cells point there); where they start.</summary>
    private static int Decompress(CompressionCodec codec, ReadOnlySpan<byte> page, int uncompressed, ParquetCells into)
    {
        Need(uncompressed <= ParquetSource.MaxRowGroupBytes);
        if (into.Data.Length - into.Used < uncompressed) Array.Resize(ref into.Data, Math.Max(into.Used + uncompressed, into.Data.Length * 2));
        var start = into.Used;
        var target = into.Data.AsSpan(start, uncompressed);
        if (codec == CompressionCodec.UNCOMPRESSED)
        {
            Need(page.Length == uncompressed);
            page.CopyTo(target);
        }
        else
        {
            Need(Snappier.Snappy.GetUncompressedLength(page) == uncompressed);
            Need(Snappier.Snappy.Decompress(page, target) == uncompressed);
        }
        into.Used += uncompressed;
        return start;
    }

    /// <summary>The RLE / bit-packed hybrid encoding (definition levels, dictionary indices): fills all of <paramref name="values"/>.</summary>
    internal static void Hybrid(ReadOnlySpan<byte> data, int width, Span<int> values)
    {
        var p = 0;
        var n = 0;
        var byteWidth = (width + 7) / 8;
        var mask = width == 32 ? uint.MaxValue : (1u << width) - 1;
        while (n < values.Length)
        {
            var header = VarInt(data, ref p);
            if ((header & 1) == 0)
            {
                var run = header >> 1;
                Need(run > 0 && p + byteWidth <= data.Length);
                var value = 0u;
                for (var b = 0; b < byteWidth; b++) value |= (uint)data[p + b] << (8 * b);
                p += byteWidth;
                var take = (int)Math.Min(run, (ulong)(values.Length - n));
                values.Slice(n, take).Fill((int)value);
                n += take;
            }
            else
            {
                var groups = header >> 1;
                Need(groups > 0 && groups <= int.MaxValue / 8);
                var count = (int)groups * 8;
                // A last group may stop short of its bytes when the values end inside it.
                var bytes = (int)Math.Min((long)groups * width, data.Length - p);
                var bits = data.Slice(p, bytes);
                p += bytes;
                ulong buffer = 0;
                var held = 0;
                var at = 0;
                var take = Math.Min(count, values.Length - n);
                for (var i = 0; i < take; i++)
                {
                    while (held < width)
                    {
                        Need(at < bits.Length);
                        buffer |= (ulong)bits[at++] << held;
                        held += 8;
                    }
                    values[n + i] = (int)(buffer & mask);
                    buffer >>= width;
                    held -= width;
                }
                n += take;
            }
        }
    }

    private static ulong VarInt(ReadOnlySpan<byte> data, ref int p)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            Need(p < data.Length);
            var b = data[p++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new UnsupportedException();
    }

    /// <summary>
    /// The fields of a Parquet PageHeader this decoder uses, read from the Thrift compact protocol; every other field is
    /// skipped by its type, so headers with statistics, CRCs or newer fields read the same.
    /// </summary>
    private struct PageHeader
    {
        public const int DataPage = 0, IndexPage = 1, DictionaryPage = 2;

        public int Type, UncompressedSize, CompressedSize, NumValues;
        public Encoding Encoding, DefinitionEncoding;

        public static PageHeader Parse(ReadOnlySpan<byte> data, ref int p)
        {
            var h = new PageHeader { Type = -1 };
            short id = 0;
            while (Field(data, ref p, ref id, out var type))
            {
                switch (id, type)
                {
                    case (1, I32): h.Type = (int)I(data, ref p); break;
                    case (2, I32): h.UncompressedSize = (int)I(data, ref p); break;
                    case (3, I32): h.CompressedSize = (int)I(data, ref p); break;
                    case (5, Struct):
                        ParseInner(data, ref p, ref h, dictionary: false);
                        break;
                    case (7, Struct):
                        ParseInner(data, ref p, ref h, dictionary: true);
                        break;
                    default: Skip(data, ref p, type, 0); break;
                }
            }
            return h;
        }

        /// <summary>DataPageHeader (num_values, encoding, definition level encoding) or DictionaryPageHeader (num_values, encoding).</summary>
        private static void ParseInner(ReadOnlySpan<byte> data, ref int p, ref PageHeader h, bool dictionary)
        {
            short id = 0;
            while (Field(data, ref p, ref id, out var type))
            {
                switch (id, type)
                {
                    case (1, I32): h.NumValues = (int)I(data, ref p); break;
                    case (2, I32): h.Encoding = (Encoding)I(data, ref p); break;
                    case (3, I32) when !dictionary: h.DefinitionEncoding = (Encoding)I(data, ref p); break;
                    default: Skip(data, ref p, type, 0); break;
                }
            }
        }

        private const int BoolTrue = 1, BoolFalse = 2, Byte = 3, I16 = 4, I32 = 5, I64 = 6, Double = 7, Binary = 8, List = 9,
            Set = 10, Map = 11, Struct = 12;

        /// <summary>The next field's id and type; false at the struct's end.</summary>
        private static bool Field(ReadOnlySpan<byte> data, ref int p, ref short id, out int type)
        {
            Need(p < data.Length);
            var b = data[p++];
            type = b & 0x0F;
            if (b == 0) return false;
            var delta = b >> 4;
            id = delta != 0 ? (short)(id + delta) : (short)I(data, ref p);
            return true;
        }

        /// <summary>A zigzag varint (i16, i32, i64).</summary>
        private static long I(ReadOnlySpan<byte> data, ref int p)
        {
            var v = VarInt(data, ref p);
            return (long)(v >> 1) ^ -(long)(v & 1);
        }

        private static void Skip(ReadOnlySpan<byte> data, ref int p, int type, int depth)
        {
            Need(depth < 32);
            switch (type)
            {
                case BoolTrue or BoolFalse: break; // a field's boolean is in its type
                case Byte: Need(p < data.Length); p++; break;
                case I16 or I32 or I64: I(data, ref p); break;
                case Double: Need(p + 8 <= data.Length); p += 8; break;
                case Binary:
                    var length = VarInt(data, ref p);
                    Need(length <= (ulong)(data.Length - p));
                    p += (int)length;
                    break;
                case List or Set:
                {
                    Need(p < data.Length);
                    var b = data[p++];
                    var size = (ulong)(b >> 4);
                    if (size == 15) size = VarInt(data, ref p);
                    var element = b & 0x0F;
                    Need(size <= (ulong)(data.Length - p));
                    for (var i = 0UL; i < size; i++)
                        if (element is BoolTrue or BoolFalse) p++; // list booleans take a byte each
                        else Skip(data, ref p, element, depth + 1);
                    break;
                }
                case Map:
                {
                    var size = VarInt(data, ref p);
                    if (size == 0) break;
                    Need(p < data.Length && size <= (ulong)(data.Length - p));
                    var kinds = data[p++];
                    for (var i = 0UL; i < size; i++)
                    {
                        SkipValue(data, ref p, kinds >> 4, depth + 1);
                        SkipValue(data, ref p, kinds & 0x0F, depth + 1);
                    }
                    break;
                }
                case Struct:
                {
                    short id = 0;
                    while (Field(data, ref p, ref id, out var inner)) Skip(data, ref p, inner, depth + 1);
                    break;
                }
                default: throw new UnsupportedException();
            }
        }

        private static void SkipValue(ReadOnlySpan<byte> data, ref int p, int type, int depth)
        {
            if (type is BoolTrue or BoolFalse)
            {
                Need(p < data.Length);
                p++;
            }
            else Skip(data, ref p, type, depth);
        }
    }
}

/// <summary>
/// How <see cref="ParquetPages"/> reads a file's SPEC §3 columns: text columns (BYTE_ARRAY read as strings) and an
/// <c>at</c> column of UTC timestamps (INT64). <see cref="Of"/> gives null when a column is of any other kind, and the file
/// is read through Parquet.Net.
/// </summary>
internal sealed class ParquetPlan
{
    /// <summary>
    /// One column: its field id, whether it has definition levels; for an INT64 timestamp, ticks per unit (negative: units
    /// per tick) and the values a DateTime holds; 0 for text.
    /// </summary>
    internal readonly record struct Column(int Id, string Name, bool Optional, long TicksPerUnit, (long Min, long Max) Range);

    private readonly int[] _chunkIndex;

    private ParquetPlan(Column[] columns)
    {
        Columns = columns;
        _chunkIndex = new int[columns.Length];
    }

    public Column[] Columns { get; }

    /// <summary>The row group's chunk of column <paramref name="c"/>, found by its path (the first group's place is tried first).</summary>
    public ColumnChunk? ChunkOf(RowGroup group, int c)
    {
        var chunks = group.Columns;
        var name = Columns[c].Name;
        var guess = _chunkIndex[c];
        if (guess < chunks.Count && Is(chunks[guess], name)) return chunks[guess];
        for (var k = 0; k < chunks.Count; k++)
            if (Is(chunks[k], name))
            {
                _chunkIndex[c] = k;
                return chunks[k];
            }
        return null;
    }

    private static bool Is(ColumnChunk chunk, string name) => chunk.MetaData?.PathInSchema is [var only] && only == name;

    public static ParquetPlan? Of(Parquet.ParquetReader reader, (Parquet.Schema.DataField Field, int Id)[] fields)
    {
        var top = TopLevel(reader);
        var columns = new Column[fields.Length];
        for (var c = 0; c < fields.Length; c++)
        {
            var (field, id) = fields[c];
            if (!top.TryGetValue(field.Name, out var e) || e.RepetitionType == FieldRepetitionType.REPEATED) return null;
            var optional = e.RepetitionType != FieldRepetitionType.REQUIRED;
            if (e.Type == Parquet.Meta.Type.BYTE_ARRAY && (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>)))
                columns[c] = new Column(id, field.Name, optional, 0, default);
            else if (id == RawFields.At && e.Type == Parquet.Meta.Type.INT64 && field.ClrType == typeof(DateTime) && TicksPerUnit(e) is { } perUnit and not 0)
            {
                var epoch = DateTime.UnixEpoch.Ticks;
                var range = perUnit < 0 ? (long.MinValue, long.MaxValue) : (-(epoch / perUnit), (DateTime.MaxValue.Ticks - epoch) / perUnit);
                columns[c] = new Column(id, field.Name, optional, perUnit, range);
            }
            else return null;
        }
        return new ParquetPlan(columns);
    }

    /// <summary>A UTC timestamp's ticks per unit (nanoseconds: -100, a division); null for anything else, a naive timestamp included.</summary>
    private static long? TicksPerUnit(SchemaElement e)
    {
        if (e.LogicalType?.TIMESTAMP is { } ts)
        {
            if (!ts.IsAdjustedToUTC) return null;
            return ts.Unit?.MILLIS is not null ? TimeSpan.TicksPerMillisecond : ts.Unit?.MICROS is not null ? 10 : ts.Unit?.NANOS is not null ? -100 : null;
        }
        if (e.LogicalType is not null) return null;
        // Legacy converted types: UTC by the format's definition.
        return e.ConvertedType switch
        {
            ConvertedType.TIMESTAMP_MILLIS => TimeSpan.TicksPerMillisecond,
            ConvertedType.TIMESTAMP_MICROS => 10,
            _ => null,
        };
    }

    /// <summary>The file's top-level schema elements by name (nested groups' children skipped).</summary>
    internal static Dictionary<string, SchemaElement> TopLevel(Parquet.ParquetReader reader)
    {
        var top = new Dictionary<string, SchemaElement>(StringComparer.Ordinal);
        if (reader.Metadata?.Schema is not { Count: > 0 } schema) return top;
        var i = 1;
        for (var k = 0; k < (schema[0].NumChildren ?? 0) && i < schema.Count; k++)
        {
            top.TryAdd(schema[i].Name, schema[i]);
            i = Skip(schema, i, 0);
        }
        return top;
    }

    private static int Skip(List<SchemaElement> schema, int i, int depth)
    {
        if (depth > 64) return schema.Count;
        var children = schema[i].NumChildren ?? 0;
        i++;
        for (var k = 0; k < children && i < schema.Count; k++) i = Skip(schema, i, depth + 1);
        return i;
    }
}
