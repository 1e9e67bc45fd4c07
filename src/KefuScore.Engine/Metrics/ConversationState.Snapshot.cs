using System.Text;

namespace KefuScore.Engine.Metrics;

/// <summary>
/// A conversation's state as a few bytes (server ingestion keeps them between batches instead of the events), and the
/// facts <see cref="Finish"/> would give now without finishing. The layout: a flag byte (someone waiting, an event
/// seen, a last replier), the last instant, per slot the last day counted (0: none, else day number + 1), per policy
/// the waiting instants (count, first, then differences, non-negative in event order), the last replier in UTF-8.
/// Integers are LEB128 varints, signed ones zig-zagged.
/// </summary>
public sealed partial class ConversationState
{
    private const byte Waiting = 1, Seen = 2, Replier = 4;

    /// <summary>The state as bytes, for <see cref="Restore"/> under the same rules.</summary>
    public byte[] Snapshot()
    {
        var w = new Writer(16 + Days.Length * 3 + (_core.WaitingHuman.Count + _core.WaitingAssist.Count) * 4 + (_core.LastReplier?.Length ?? 0) * 3);
        w.Byte((byte)((_core.CustomerWaiting ? Waiting : 0) | (_core.LastTicks != long.MinValue ? Seen : 0) | (_core.LastReplier is not null ? Replier : 0)));
        if (_core.LastTicks != long.MinValue) w.Signed(_core.LastTicks);
        w.Unsigned((ulong)Days.Length);
        foreach (var d in Days) w.Unsigned(d == NoDay ? 0 : (ulong)((long)d + 1));
        WriteList(ref w, _core.WaitingHuman);
        WriteList(ref w, _core.WaitingAssist);
        if (_core.LastReplier is not null) w.Text(_core.LastReplier);
        return w.ToArray();
    }

    /// <summary>
    /// A state from <see cref="Snapshot"/>'s bytes, taken under the same rules (the same profile). Bytes that do not
    /// fit the rules (another number of slots, cut short) are refused with <see cref="FormatException"/>.
    /// </summary>
    public static ConversationState Restore(IncrementalRules rules, LocalClock clock, string shop, ReadOnlySpan<byte> snapshot)
    {
        var state = new ConversationState(rules, clock, shop);
        var r = new Reader(snapshot);
        var flags = r.Byte();
        state._core.CustomerWaiting = (flags & Waiting) != 0;
        state._core.LastTicks = (flags & Seen) != 0 ? r.Signed() : long.MinValue;
        if (r.Unsigned() != (ulong)state.Days.Length) throw new FormatException("a conversation state of other rules (slot count differs)");
        for (var s = 0; s < state.Days.Length; s++)
        {
            var d = r.Unsigned();
            state.Days[s] = d == 0 ? NoDay : checked((int)((long)d - 1));
        }
        ReadList(ref r, ref state._core.WaitingHuman);
        ReadList(ref r, ref state._core.WaitingAssist);
        state._core.LastReplier = (flags & Replier) != 0 ? r.Text() : null;
        if (!r.AtEnd) throw new FormatException("a conversation state with bytes after its end");
        return state;
    }

    /// <summary>
    /// Appends the facts <see cref="Finish"/> would give if no further event came (the waiting messages, unanswered)
    /// and leaves the state as it was: what the store keeps as provisional until the next event.
    /// </summary>
    public void Provisional(List<MetricFact> facts)
    {
        if (_core.WaitingHuman.Count == 0 && _core.WaitingAssist.Count == 0) return;
        if (Decisions is not null) throw new InvalidOperationException("a state that records decisions is finished, not asked for provisional facts");
        var days = Days.ToArray();
        // Resolve only lowers the counts (the arrays behind them are not written), so the copies bring the lists back.
        var human = _core.WaitingHuman;
        var assist = _core.WaitingAssist;
        Finish(facts);
        days.CopyTo(Days);
        _core.WaitingHuman = human;
        _core.WaitingAssist = assist;
    }

    private static void WriteList(ref Writer w, in ConversationCore.WaitingList list)
    {
        w.Unsigned((ulong)list.Count);
        var previous = 0L;
        for (var i = 0; i < list.Count; i++)
        {
            w.Signed(i == 0 ? list[i] : list[i] - previous);
            previous = list[i];
        }
    }

    private static void ReadList(ref Reader r, ref ConversationCore.WaitingList list)
    {
        var count = r.Unsigned();
        if (count > (ulong)r.Left) throw new FormatException("a conversation state cut short");
        var previous = 0L;
        for (var i = 0UL; i < count; i++)
        {
            var t = i == 0 ? r.Signed() : previous + r.Signed();
            list.Add(t);
            previous = t;
        }
    }

    private struct Writer(int capacity)
    {
        private byte[] _bytes = new byte[Math.Max(capacity, 8)];
        private int _length;

        public void Byte(byte b)
        {
            if (_length == _bytes.Length) Array.Resize(ref _bytes, _bytes.Length * 2);
            _bytes[_length++] = b;
        }

        public void Unsigned(ulong v)
        {
            while (v >= 0x80)
            {
                Byte((byte)(v | 0x80));
                v >>= 7;
            }
            Byte((byte)v);
        }

        public void Signed(long v) => Unsigned((ulong)((v << 1) ^ (v >> 63)));

        public void Text(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            Unsigned((ulong)bytes.Length);
            foreach (var b in bytes) Byte(b);
        }

        public readonly byte[] ToArray() => _bytes.AsSpan(0, _length).ToArray();
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        public readonly bool AtEnd => _at == _bytes.Length;
        public readonly int Left => _bytes.Length - _at;

        public byte Byte() => _at < _bytes.Length ? _bytes[_at++] : throw new FormatException("a conversation state cut short");

        public ulong Unsigned()
        {
            ulong v = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = Byte();
                v |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return v;
            }
            throw new FormatException("a conversation state with a number too long");
        }

        public long Signed()
        {
            var u = Unsigned();
            return (long)(u >> 1) ^ -(long)(u & 1);
        }

        public string Text()
        {
            var length = Unsigned();
            if (length > (ulong)Left) throw new FormatException("a conversation state cut short");
            var s = Encoding.UTF8.GetString(_bytes.Slice(_at, (int)length));
            _at += (int)length;
            return s;
        }
    }
}
