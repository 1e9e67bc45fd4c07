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
    /// <summary>Per row: its value's entry in the chunk's dictionary when its page was dictionary-encoded, else -1 (null or another encoding).</summary>
    public int[] Entries = [];
    /// <summary>How many entries the chunk's dictionary has (0 without one).</summary>
    public int DictionarySize;
    public int Rows;
    /// <summary>The longest cell in bytes: a chunk with none over the field limit needs no per-row length check.</summary>
    public int MaxLength;
    /// <summary>Whether the chunk had a dictionary page (its data pages then refer to it).</summary>
    public bool Dictionary;

    public ReadOnlySpan<byte> Cell(int row) => Lengths[row] < 0 ? default : Data.AsSpan(Starts[row], Lengths[row]);

    public bool IsNull(int row) => Lengths[row] < 0;

    public long Int64(int row) => BinaryPrimitives.ReadInt64LittleEndian(Data.AsSpan(Starts[row], 8));

    /// <summary>
    /// How many rows to make per-row arrays for when a group of <paramref name="rows"/> does not fit: an eighth more, since
    /// a writer's groups differ by a few rows and each new largest group would otherwise replace every column's arrays.
    /// </summary>
    public static int Room(int rows) => rows + rows / 8;
}

/// <summary>
/// Our own decoder for the Parquet pages the report reads: data pages v1 and v2; PLAIN, dictionary (PLAIN_DICTIONARY /
/// RLE_DICTIONARY), DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY values; BYTE_ARRAY, INT32 or INT64
/// columns, optional or required, top-level; uncompressed, SNAPPY, GZIP, ZSTD or BROTLI pages. Why: Parquet.Net makes a
/// .NET string of every text cell, which cost more CPU than the whole CSV path; here a cell is a slice of the decoded page.
/// <see cref="TryRead"/> answers false for anything else (other codecs or encodings, a page it cannot make sense of), and
/// the caller reads that row group through Parquet.Net instead, which also reports a damaged file in its own words.
/// </summary>
internal sealed class ParquetPages : IDisposable
{
    private byte[] _raw = new byte[1 << 16];
    private int[] _levels = new int[1024];
    private int[] _indices = new int[1024];
    private long[] _deltas = new long[1024];
    private long[] _suffixes = new long[1024];
    private int[] _valueStarts = new int[1024];
    private int[] _valueLengths = new int[1024];
    private int[] _dictStarts = new int[256];
    private int[] _dictLengths = new int[256];
    private ZstdSharp.Decompressor? _zstd;

    /// <summary>Thrown inside the decoder for anything it does not take; <see cref="TryRead"/> turns it into false.</summary>
    private sealed class UnsupportedException : Exception;

    private static void Need(bool ok)
    {
        if (!ok) throw new UnsupportedException();
    }

    public void Dispose() => _zstd?.Dispose();

    /// <summary>
    /// Decodes <paramref name="chunk"/> (of <paramref name="rows"/> rows) of <paramref name="file"/> into
    /// <paramref name="into"/>; false when it uses something this decoder does not take. With <paramref name="numbersAsText"/>
    /// an INT32 or INT64 column's cells are its values as decimal text (what Parquet.Net's int or long gives as text).
    /// </summary>
    public bool TryRead(SafeFileHandle file, ColumnChunk chunk, bool optional, int rows, ParquetCells into, bool numbersAsText = false)
    {
        try
        {
            Read(file, chunk, optional, rows, into, numbersAsText);
            return true;
        }
        catch (UnsupportedException)
        {
            return false;
        }
    }

    private void Read(SafeFileHandle file, ColumnChunk chunk, bool optional, int rows, ParquetCells into, bool numbersAsText)
    {
        var meta = chunk.MetaData;
        Need(meta is not null && chunk.FilePath is null && chunk.CryptoMetadata is null && chunk.EncryptedColumnMetadata is null);
        var codec = meta!.Codec;
        Need(codec is CompressionCodec.UNCOMPRESSED or CompressionCodec.SNAPPY or CompressionCodec.GZIP or CompressionCodec.ZSTD or CompressionCodec.BROTLI);
        // 0: BYTE_ARRAY, else the fixed width of a value in bytes.
        var width = meta.Type switch { Parquet.Meta.Type.BYTE_ARRAY => 0, Parquet.Meta.Type.INT32 => 4, Parquet.Meta.Type.INT64 => 8, _ => -1 };
        Need(width >= 0 && !(numbersAsText && width == 0));
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
            var room = ParquetCells.Room(rows);
            into.Starts = new int[room];
            into.Lengths = new int[room];
            into.Entries = new int[room];
        }
        into.Rows = rows;
        into.Used = 0;
        into.Dictionary = false;
        into.DictionarySize = 0;
        var dictCount = -1;
        var row = 0;
        var pos = 0;
        while (row < rows)
        {
            Need(pos < size);
            var header = PageHeader.Parse(_raw.AsSpan(0, size), ref pos);
            Need(header.CompressedSize >= 0 && header.UncompressedSize >= 0 && pos + header.CompressedSize <= size);
            var pageAt = pos;
            pos += header.CompressedSize;
            Need(header.Type is PageHeader.DataPage or PageHeader.DataPageV2 or PageHeader.DictionaryPage or PageHeader.IndexPage);
            if (header.Type == PageHeader.IndexPage) continue; // carries no values
            if (header.Type == PageHeader.DictionaryPage)
            {
                Need(dictCount < 0 && row == 0 && header.Encoding is Encoding.PLAIN or Encoding.PLAIN_DICTIONARY && header.NumValues >= 0);
                var page = Decompress(codec, pageAt, header.CompressedSize, header.UncompressedSize, into);
                dictCount = header.NumValues;
                into.Dictionary = true;
                into.DictionarySize = dictCount;
                if (_dictStarts.Length < dictCount)
                {
                    _dictStarts = new int[dictCount];
                    _dictLengths = new int[dictCount];
                }
                var at = 0;
                for (var i = 0; i < dictCount; i++)
                {
                    var (s, l) = Plain(into.Data.AsSpan(page, header.UncompressedSize), width, ref at);
                    (_dictStarts[i], _dictLengths[i]) = (page + s, l);
                }
                continue;
            }
            var count = header.NumValues;
            Need(count > 0 && row + count <= rows);
            // Top-level columns have no repetition levels; an optional one has definition levels (0 null, 1 value).
            if (_levels.Length < count) _levels = new int[Math.Max(count, _levels.Length * 2)];
            var levels = _levels.AsSpan(0, count);
            int valuesAt, valuesLength;
            if (header.Type == PageHeader.DataPage)
            {
                var dataStart = Decompress(codec, pageAt, header.CompressedSize, header.UncompressedSize, into);
                var data = into.Data.AsSpan(dataStart, header.UncompressedSize);
                var p = 0;
                if (optional)
                {
                    Need(header.DefinitionEncoding == Encoding.RLE && data.Length >= 4);
                    var levelBytes = BinaryPrimitives.ReadInt32LittleEndian(data);
                    Need(levelBytes >= 0 && levelBytes <= data.Length - 4);
                    Hybrid(data.Slice(4, levelBytes), 1, levels);
                    p = 4 + levelBytes;
                }
                else levels.Fill(1);
                (valuesAt, valuesLength) = (dataStart + p, data.Length - p);
            }
            else
            {
                // v2: the levels come first and are never compressed; the values after them are, unless the page says not.
                var levelBytes = header.DefinitionBytes;
                Need(header.RepetitionBytes == 0 && levelBytes >= 0 && levelBytes <= header.CompressedSize && levelBytes <= header.UncompressedSize);
                if (optional) Hybrid(_raw.AsSpan(pageAt, levelBytes), 1, levels);
                else
                {
                    Need(levelBytes == 0);
                    levels.Fill(1);
                }
                valuesLength = header.UncompressedSize - levelBytes;
                valuesAt = Decompress(header.Compressed ? codec : CompressionCodec.UNCOMPRESSED, pageAt + levelBytes, header.CompressedSize - levelBytes,
                    valuesLength, into);
            }
            var present = 0;
            foreach (var level in levels)
            {
                Need(level is 0 or 1);
                present += level;
            }
            Values(header.Encoding, into, valuesAt, valuesLength, width, levels, present, row, dictCount);
            row += count;
        }
        if (numbersAsText) Texts(into, width);
        var longest = 0;
        foreach (var l in into.Lengths.AsSpan(0, rows)) longest = Math.Max(longest, l);
        into.MaxLength = longest;
    }

    /// <summary>The values of one data page into <paramref name="into"/>'s cells from <paramref name="row"/> on, by the page's encoding.</summary>
    internal void Values(Encoding encoding, ParquetCells into, int at, int length, int width, ReadOnlySpan<int> levels, int present, int row, int dictCount)
    {
        // Each encoding gives the present values' places in order; the definition levels then spread them over the rows.
        // Without a null on the page (a required column, or none this time) the values are the rows: placed there directly.
        var direct = present == levels.Length;
        if (!direct && _valueStarts.Length < present)
        {
            _valueStarts = new int[Math.Max(present, _valueStarts.Length * 2)];
            _valueLengths = new int[_valueStarts.Length];
        }
        var starts = direct ? into.Starts.AsSpan(row, present) : _valueStarts.AsSpan(0, present);
        var lengths = direct ? into.Lengths.AsSpan(row, present) : _valueLengths.AsSpan(0, present);
        switch (encoding)
        {
            case Encoding.PLAIN:
            {
                var data = into.Data.AsSpan(at, length);
                var p = 0;
                for (var k = 0; k < present; k++)
                {
                    var (s, l) = Plain(data, width, ref p);
                    (starts[k], lengths[k]) = (at + s, l);
                }
                break;
            }
            case Encoding.PLAIN_DICTIONARY or Encoding.RLE_DICTIONARY:
            {
                Need(dictCount >= 0);
                if (!direct && _indices.Length < present) _indices = new int[Math.Max(present, _indices.Length * 2)];
                var indices = direct ? into.Entries.AsSpan(row, present) : _indices.AsSpan(0, present);
                if (present > 0)
                {
                    Need(length > 0);
                    var bitWidth = into.Data[at];
                    Need(bitWidth <= 32);
                    Hybrid(into.Data.AsSpan(at + 1, length - 1), bitWidth, indices);
                }
                for (var k = 0; k < present; k++)
                {
                    var index = indices[k];
                    Need((uint)index < (uint)dictCount);
                    (starts[k], lengths[k]) = (_dictStarts[index], _dictLengths[index]);
                }
                break;
            }
            case Encoding.DELTA_BINARY_PACKED:
            {
                Need(width != 0);
                var values = Deltas(ref _deltas, present);
                DeltaBinaryPacked(into.Data.AsSpan(at, length), values);
                var place = Reserve(into, present * width);
                var output = into.Data.AsSpan(place, present * width);
                for (var k = 0; k < present; k++)
                {
                    // An INT32 wraps as the writer's 32-bit arithmetic did.
                    if (width == 4) BinaryPrimitives.WriteInt32LittleEndian(output[(k * 4)..], (int)values[k]);
                    else BinaryPrimitives.WriteInt64LittleEndian(output[(k * 8)..], values[k]);
                    (starts[k], lengths[k]) = (place + k * width, width);
                }
                break;
            }
            case Encoding.DELTA_LENGTH_BYTE_ARRAY:
            {
                Need(width == 0);
                var sizes = Deltas(ref _deltas, present);
                var p = DeltaBinaryPacked(into.Data.AsSpan(at, length), sizes);
                for (var k = 0; k < present; k++)
                {
                    var l = sizes[k];
                    Need(l >= 0 && l <= length - p);
                    (starts[k], lengths[k]) = (at + p, (int)l);
                    p += (int)l;
                }
                break;
            }
            case Encoding.DELTA_BYTE_ARRAY:
            {
                // Each value is the first `prefix` bytes of the one before it followed by its suffix: made whole here.
                Need(width == 0);
                var prefixes = Deltas(ref _deltas, present);
                var data = into.Data.AsSpan(at, length);
                var p = DeltaBinaryPacked(data, prefixes);
                var suffixes = Deltas(ref _suffixes, present);
                p += DeltaBinaryPacked(data[p..], suffixes);
                long total = 0, suffixBytes = 0, previous = 0;
                for (var k = 0; k < present; k++)
                {
                    Need(prefixes[k] >= 0 && prefixes[k] <= previous && suffixes[k] >= 0 && suffixes[k] <= length - p - suffixBytes);
                    previous = prefixes[k] + suffixes[k];
                    suffixBytes += suffixes[k];
                    total += previous;
                }
                Need(total <= ParquetSource.MaxRowGroupBytes);
                var place = Reserve(into, (int)total);
                var cells = into.Data; // after Reserve: it may have grown
                var from = at + p;
                var to = place;
                for (var k = 0; k < present; k++)
                {
                    var prefix = (int)prefixes[k];
                    var suffix = (int)suffixes[k];
                    if (k > 0) cells.AsSpan(starts[k - 1], prefix).CopyTo(cells.AsSpan(to));
                    cells.AsSpan(from, suffix).CopyTo(cells.AsSpan(to + prefix));
                    from += suffix;
                    (starts[k], lengths[k]) = (to, prefix + suffix);
                    to += prefix + suffix;
                }
                break;
            }
            default:
                throw new UnsupportedException();
        }
        var rowEntries = into.Entries.AsSpan(row, levels.Length);
        var dictionary = encoding is Encoding.PLAIN_DICTIONARY or Encoding.RLE_DICTIONARY;
        if (direct)
        {
            if (!dictionary) rowEntries.Fill(-1); // a dictionary page's entries are already there
            return;
        }
        var rowStarts = into.Starts.AsSpan(row, levels.Length);
        var rowLengths = into.Lengths.AsSpan(row, levels.Length);
        var v = 0;
        for (var i = 0; i < levels.Length; i++)
        {
            if (levels[i] == 0) (rowLengths[i], rowEntries[i]) = (-1, -1); // null
            else
            {
                (rowStarts[i], rowLengths[i], rowEntries[i]) = (starts[v], lengths[v], dictionary ? _indices[v] : -1);
                v++;
            }
        }
    }

    private static Span<long> Deltas(ref long[] buffer, int count)
    {
        if (buffer.Length < count) buffer = new long[Math.Max(count, buffer.Length * 2)];
        return buffer.AsSpan(0, count);
    }

    /// <summary><paramref name="bytes"/> more at the end of <paramref name="into"/>'s data, growing it if needed; where they start.</summary>
    private static int Reserve(ParquetCells into, int bytes)
    {
        Need(bytes >= 0 && bytes <= ParquetSource.MaxRowGroupBytes);
        if (into.Data.Length - into.Used < bytes) Array.Resize(ref into.Data, Math.Max(into.Used + bytes, into.Data.Length * 2));
        var start = into.Used;
        into.Used += bytes;
        return start;
    }

    /// <summary>
    /// DELTA_BINARY_PACKED: a header (block size, miniblocks per block, value count, first value), then blocks of a minimum
    /// delta, one bit width per miniblock and the miniblocks bit-packed. Fills all of <paramref name="values"/> (the count
    /// must match); the bytes it took.
    /// </summary>
    internal static int DeltaBinaryPacked(ReadOnlySpan<byte> data, Span<long> values)
    {
        var p = 0;
        var blockSize = VarInt(data, ref p);
        var miniblocks = VarInt(data, ref p);
        var total = VarInt(data, ref p);
        var value = ZigZag(VarInt(data, ref p));
        Need(blockSize > 0 && blockSize % 128 == 0 && blockSize <= 1 << 20 && miniblocks > 0 && blockSize % miniblocks == 0
            && blockSize / miniblocks % 32 == 0 && total == (ulong)values.Length);
        if (values.Length == 0) return p;
        var perMiniblock = (int)(blockSize / miniblocks);
        values[0] = value;
        var n = 1;
        while (n < values.Length)
        {
            var minDelta = ZigZag(VarInt(data, ref p));
            Need(p + (int)miniblocks <= data.Length);
            var widths = data.Slice(p, (int)miniblocks);
            p += (int)miniblocks;
            for (var m = 0; m < widths.Length && n < values.Length; m++)
            {
                int bitWidth = widths[m];
                Need(bitWidth <= 64);
                var take = Math.Min(perMiniblock, values.Length - n);
                // A miniblock with values is padded to its full size; the last one may end early only at the data's end.
                var bytes = Math.Min(perMiniblock * bitWidth / 8, data.Length - p);
                Need((long)take * bitWidth <= (long)bytes * 8);
                var bits = data.Slice(p, bytes);
                p += bytes;
                for (var i = 0; i < take; i++)
                {
                    value = unchecked(value + minDelta + (long)Bits(bits, i * bitWidth, bitWidth));
                    values[n + i] = value;
                }
                n += take;
            }
        }
        return p;
    }

    /// <summary><paramref name="width"/> bits (up to 64) from bit <paramref name="at"/>, least significant first.</summary>
    private static ulong Bits(ReadOnlySpan<byte> bits, int at, int width)
    {
        if (width == 0) return 0;
        var b = at >> 3;
        var shift = at & 7;
        ulong value;
        if (b + 8 <= bits.Length) value = BinaryPrimitives.ReadUInt64LittleEndian(bits[b..]) >> shift;
        else
        {
            value = 0;
            for (var k = 0; k < 8 && b + k < bits.Length; k++) value |= (ulong)bits[b + k] << (8 * k);
            value >>= shift;
        }
        // Over 56 bits the value may reach into a ninth byte.
        if (width + shift > 64 && b + 8 < bits.Length) value |= (ulong)bits[b + 8] << (64 - shift);
        return width == 64 ? value : value & ((1UL << width) - 1);
    }

    private static long ZigZag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);

    /// <summary>Number columns as text: each INT32 / INT64 cell rewritten as its invariant decimal digits.</summary>
    private static void Texts(ParquetCells into, int width)
    {
        var place = Reserve(into, into.Rows * 20); // the longest long, sign included
        var end = place;
        for (var r = 0; r < into.Rows; r++)
        {
            if (into.Lengths[r] < 0) continue;
            var raw = into.Data.AsSpan(into.Starts[r], width);
            var value = width == 4 ? BinaryPrimitives.ReadInt32LittleEndian(raw) : BinaryPrimitives.ReadInt64LittleEndian(raw);
            Need(value.TryFormat(into.Data.AsSpan(end), out var written, default, System.Globalization.CultureInfo.InvariantCulture));
            (into.Starts[r], into.Lengths[r]) = (end, written);
            end += written;
        }
        into.Used = end;
    }

    /// <summary>One PLAIN value at <paramref name="at"/>: its start and length in <paramref name="data"/>.</summary>
    private static (int Start, int Length) Plain(ReadOnlySpan<byte> data, int width, ref int at)
    {
        if (width != 0)
        {
            Need(at + width <= data.Length);
            at += width;
            return (at - width, width);
        }
        Need(at + 4 <= data.Length);
        var length = BinaryPrimitives.ReadInt32LittleEndian(data[at..]);
        Need(length >= 0 && length <= data.Length - at - 4);
        at += 4 + length;
        return (at - length, length);
    }

    /// <summary>
    /// The <paramref name="length"/> bytes of <see cref="_raw"/> at <paramref name="at"/>, uncompressed to
    /// <paramref name="uncompressed"/> bytes appended to <paramref name="into"/>'s data (cells point there); where they start.
    /// </summary>
    private int Decompress(CompressionCodec codec, int at, int length, int uncompressed, ParquetCells into)
    {
        Need(length >= 0 && uncompressed >= 0);
        var start = Reserve(into, uncompressed);
        var target = into.Data.AsSpan(start, uncompressed);
        var page = _raw.AsSpan(at, length);
        switch (codec)
        {
            case CompressionCodec.UNCOMPRESSED:
                Need(page.Length == uncompressed);
                page.CopyTo(target);
                break;
            case CompressionCodec.SNAPPY:
                Need(Snappier.Snappy.GetUncompressedLength(page) == uncompressed);
                Need(Snappier.Snappy.Decompress(page, target) == uncompressed);
                break;
            case CompressionCodec.ZSTD:
                _zstd ??= new ZstdSharp.Decompressor();
                try
                {
                    Need(_zstd.Unwrap(page, target) == uncompressed);
                }
                catch (ZstdSharp.ZstdException)
                {
                    throw new UnsupportedException();
                }
                break;
            case CompressionCodec.BROTLI:
                Need(System.IO.Compression.BrotliDecoder.TryDecompress(page, target, out var written) && written == uncompressed);
                break;
            case CompressionCodec.GZIP:
                try
                {
                    using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(_raw, at, length, writable: false),
                        System.IO.Compression.CompressionMode.Decompress);
                    Need(gzip.ReadAtLeast(target, uncompressed, throwOnEndOfStream: false) == uncompressed);
                }
                catch (InvalidDataException)
                {
                    throw new UnsupportedException();
                }
                break;
            default:
                throw new UnsupportedException();
        }
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
        public const int DataPage = 0, IndexPage = 1, DictionaryPage = 2, DataPageV2 = 3;

        public int Type, UncompressedSize, CompressedSize, NumValues, DefinitionBytes, RepetitionBytes;
        public Encoding Encoding, DefinitionEncoding;
        /// <summary>v2: whether the values (not the levels) are compressed; true unless the header says not.</summary>
        public bool Compressed;

        public static PageHeader Parse(ReadOnlySpan<byte> data, ref int p)
        {
            var h = new PageHeader { Type = -1, Compressed = true };
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
                    case (8, Struct):
                        ParseV2(data, ref p, ref h);
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

        /// <summary>DataPageHeaderV2: num_values, encoding, the two levels' byte lengths, is_compressed.</summary>
        private static void ParseV2(ReadOnlySpan<byte> data, ref int p, ref PageHeader h)
        {
            short id = 0;
            while (Field(data, ref p, ref id, out var type))
            {
                switch (id, type)
                {
                    case (1, I32): h.NumValues = (int)I(data, ref p); break;
                    case (4, I32): h.Encoding = (Encoding)I(data, ref p); break;
                    case (5, I32): h.DefinitionBytes = (int)I(data, ref p); break;
                    case (6, I32): h.RepetitionBytes = (int)I(data, ref p); break;
                    case (7, BoolTrue): h.Compressed = true; break;
                    case (7, BoolFalse): h.Compressed = false; break;
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
/// How <see cref="ParquetPages"/> reads a file's SPEC §3 columns: text columns (BYTE_ARRAY read as strings), number
/// columns (INT32 / INT64 that Parquet.Net reads as int / long, as their decimal text) and an <c>at</c> column of UTC
/// timestamps (INT64). <see cref="Of"/> gives null when a column is of any other kind, and the file is read through
/// Parquet.Net.
/// </summary>
internal sealed class ParquetPlan
{
    /// <summary>
    /// One column: its field id, whether it has definition levels; for an INT64 timestamp, ticks per unit (negative: units
    /// per tick) and the values a DateTime holds; 0 for text; <see cref="Number"/> for an integer column read as text.
    /// </summary>
    internal readonly record struct Column(int Id, string Name, bool Optional, long TicksPerUnit, (long Min, long Max) Range, bool Number = false);

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
            // Other integer kinds (int8, uint32, decimals, dates, …) have CLR types of their own and stay with Parquet.Net.
            else if ((e.Type == Parquet.Meta.Type.INT32 && field.ClrType == typeof(int)) || (e.Type == Parquet.Meta.Type.INT64 && field.ClrType == typeof(long)))
                columns[c] = new Column(id, field.Name, optional, 0, default, Number: true);
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
