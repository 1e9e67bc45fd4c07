using System.Runtime.InteropServices;

namespace KefuScore.Engine.Metrics;

/// <summary>
/// The reorder buffer in front of the incremental states. Events wait here, filed by the minute of their instant, until
/// the watermark has passed that whole minute; each minute is then put in <see cref="EventOrder"/> and applied to its
/// conversations' states. Any later event of such a minute is behind the watermark, hence counted too late (and the
/// caller replays), so every state sees its events in exactly the batch analysis's order. The buffer holds the lateness
/// (1 h when streaming) of events, not a day of every open conversation.
/// </summary>
public sealed partial class MetricFold
{
    private readonly record struct Buffered(OpenConversation Open, SlimEvent Event, int IdStart, int IdLength);

    /// <summary>A minute's events, with their ids in one character arena (a row's id is no string).</summary>
    private sealed class Minute
    {
        public readonly List<Buffered> Events = [];
        public char[] Ids = new char[1 << 10];
        public int Used;
    }

    /// <summary><see cref="EventOrder"/>, with the ids read from the minute's arena.</summary>
    private readonly struct BufferedOrder(char[] ids) : IComparer<Buffered>
    {
        public int Compare(Buffered x, Buffered y)
        {
            var c = EventOrder.OrderBeforeId(x.Event, y.Event);
            return c != 0 ? c : ids.AsSpan(x.IdStart, x.IdLength).SequenceCompareTo(ids.AsSpan(y.IdStart, y.IdLength));
        }
    }

    private readonly IncrementalRules? _rules;
    private readonly Dictionary<long, Minute> _buffer = [];
    private readonly Stack<Minute> _spareBuckets = new();
    private long _oldestMinute = long.MaxValue;
    /// <summary>Every minute below this one has been released.</summary>
    private long _releasedBelow = long.MinValue;
    private long _lastMinute = long.MinValue;
    private Minute? _lastBucket;

    private void Buffer(OpenConversation open, in SlimEvent e, ReadOnlySpan<char> id, List<MetricFact> facts)
    {
        var minute = e.Ticks / TimeSpan.TicksPerMinute;
        if (minute < _releasedBelow)
        {
            // Behind the watermark, so counted too late: its order is lost and the caller replays without a watermark.
            open.State!.Apply(e, facts);
            return;
        }
        if (minute != _lastMinute || _lastBucket is null)
        {
            if (!_buffer.TryGetValue(minute, out _lastBucket))
                _buffer[minute] = _lastBucket = _spareBuckets.Count > 0 ? _spareBuckets.Pop() : new Minute();
            _lastMinute = minute;
            if (minute < _oldestMinute) _oldestMinute = minute;
        }
        var (start, length) = EventRow.Append(id, ref _lastBucket.Ids, ref _lastBucket.Used);
        _lastBucket.Events.Add(new Buffered(open, e, start, length));
        open.Unreleased++;
    }

    /// <summary>Applies every buffered minute below <paramref name="limitMinute"/>, oldest first.</summary>
    private void Release(long limitMinute, List<MetricFact> facts)
    {
        if (limitMinute > _releasedBelow) _releasedBelow = limitMinute;
        if (_buffer.Count == 0 || _oldestMinute >= limitMinute) return;
        if (limitMinute - _oldestMinute > 4L * _buffer.Count + 64)
        {
            // Few minutes over a long span (a gap in the input, or the end): visit the filed minutes, not the span.
            var due = new List<long>();
            foreach (var minute in _buffer.Keys)
                if (minute < limitMinute) due.Add(minute);
            due.Sort();
            foreach (var minute in due) ReleaseMinute(minute, facts);
        }
        else
        {
            for (var minute = _oldestMinute; minute < limitMinute; minute++) ReleaseMinute(minute, facts);
        }
        _oldestMinute = _buffer.Count == 0 ? long.MaxValue : limitMinute;
    }

    private void ReleaseAll(List<MetricFact> facts)
    {
        Release(long.MaxValue, facts);
        _releasedBelow = long.MinValue;
    }

    private void ReleaseMinute(long minute, List<MetricFact> facts)
    {
        if (!_buffer.Remove(minute, out var bucket)) return;
        if (ReferenceEquals(bucket, _lastBucket)) _lastBucket = null;
        var events = CollectionsMarshal.AsSpan(bucket.Events);
        var order = new BufferedOrder(bucket.Ids);
        for (var i = 1; i < events.Length; i++)
        {
            if (order.Compare(events[i - 1], events[i]) > 0)
            {
                events.Sort(order);
                break;
            }
        }
        foreach (ref readonly var b in events)
        {
            b.Open.Unreleased--;
            b.Open.State!.Apply(b.Event, facts);
        }
        bucket.Events.Clear();
        bucket.Used = 0;
        if (_spareBuckets.Count < 256) _spareBuckets.Push(bucket);
    }
}
