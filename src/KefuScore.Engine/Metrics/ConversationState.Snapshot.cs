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
        var dayOf = _rules.DayOf;
        var w = new Writer(16 + dayOf.Length * 3 + (_core.HumanCount + _core.AssistCount) * 4 + (_core.LastReplier?.Length ?? 0) * 3);
        w.Byte((byte)((_core.CustomerWaiting ? Waiting : 0) | (_core.LastTicks != long.MinValue ? Seen : 0) | (_core.LastReplier is not null ? Replier : 0)));
        if (_core.LastTicks != long.MinValue) w.Signed(_core.LastTicks);
        // One day per slot, as before the state kept days only for the slots that read them (the others: none).
        w.Unsigned((ulong)dayOf.Length);
        foreach (var at in dayOf)
        {
            var d = at < 0 ? NoDay : Days[at];
            w.Unsigned(d == NoDay ? 0 : (ulong)((long)d + 1));
        }
        WriteList(ref w, _core, IncrementalRules.Human, _core.HumanCount);
        WriteList(ref w, _core, IncrementalRules.Assist, _core.AssistCount);
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
        var dayOf = rules.DayOf;
        if (r.Unsigned() != (ulong)dayOf.Length) throw new FormatException("a conversation state of other rules (slot count differs)");
        foreach (var at in dayOf)
        {
            var d = r.Unsigned();
            if (at >= 0) state.Days[at] = d == 0 ? NoDay : checked((int)((long)d - 1));
        }
        var human = ReadList(ref r);
        var assist = ReadList(ref r);
        state._core.RestoreWaiting(human, assist);
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
        if (_core.HumanCount == 0 && _core.AssistCount == 0) return;
        if (Decisions is not null) throw new InvalidOperationException("a state that records decisions is finished, not asked for provisional facts");
        var days = Days.ToArray();
        // Finishing only lowers the counts (the overflow arrays behind them are not written), so the copy brings the lists back.
        var core = _core;
        Finish(facts);
        _core = core;
        days.CopyTo(Days);
    }

    private static void WriteList(ref Writer w, in ConversationCore core, int policy, int count)
    {
        w.Unsigned((ulong)count);
        var previous = 0L;
        for (var i = 0; i < count; i++)
        {
            var t = core.Waiting(policy, i);
            w.Signed(i == 0 ? t : t - previous);
            previous = t;
        }
    }

    private static long[] ReadList(ref Reader r)
    {
        var count = r.Unsigned();
        if (count > (ulong)r.Left) throw new FormatException("a conversation state cut short");
        var list = new long[count];
        var previous = 0L;
        for (var i = 0; i < list.Length; i++)
        {
            list[i] = i == 0 ? r.Signed() : previous + r.Signed();
            previous = list[i];
        }
        return list;
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
