using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Simulation;

namespace KefuScore.Engine.Staffing;

/// <summary>What to replay: a day's expected consultations per 15-minute interval against agents on the queue.</summary>
public sealed record ReplayOptions
{
    /// <summary>The local date replayed (the first one when <see cref="Days"/> &gt; 1).</summary>
    public required DateOnly Date { get; init; }

    /// <summary>Expected consultations per interval (96).</summary>
    public required IReadOnlyList<double> Arrivals { get; init; }

    /// <summary>Agents answering the queue per interval (96): scheduled agents less shrinkage.</summary>
    public required IReadOnlyList<int> Agents { get; init; }

    /// <summary>Mean time a consultation holds one chat slot, from pick-up (exponential).</summary>
    public required double HandleSeconds { get; init; }

    public int Concurrency { get; init; } = 1;

    /// <summary>Mean further customer messages per consultation (geometric), sent while the agent is on it.</summary>
    public double FollowUps { get; init; }

    /// <summary>Mean time (exponential) the agent on a conversation takes to answer a follow-up.</summary>
    public double FollowUpReplySeconds { get; init; } = 30;

    /// <summary>Seconds from an agent taking a consultation to its first reply (typing).</summary>
    public double FirstReplySeconds { get; init; } = 1;

    /// <summary>The same day replayed this many times back to back (long runs for tests).</summary>
    public int Days { get; init; } = 1;

    public string Shop { get; init; } = "plan";
    public ulong Seed { get; init; } = 1;

    public void Validate()
    {
        if (Arrivals.Count != ConsultationHistory.IntervalsPerDay) throw new ArgumentException($"Arrivals: needs {ConsultationHistory.IntervalsPerDay} intervals", nameof(Arrivals));
        if (Agents.Count != ConsultationHistory.IntervalsPerDay) throw new ArgumentException($"Agents: needs {ConsultationHistory.IntervalsPerDay} intervals", nameof(Agents));
        if (Arrivals.Any(a => !(a >= 0) || double.IsInfinity(a))) throw new ArgumentOutOfRangeException(nameof(Arrivals), "must be 0 or more");
        if (Agents.Any(a => a < 0)) throw new ArgumentOutOfRangeException(nameof(Agents), "must be 0 or more");
        if (!(HandleSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(HandleSeconds), HandleSeconds, "must be positive");
        ArgumentOutOfRangeException.ThrowIfLessThan(Concurrency, 1, nameof(Concurrency));
        ArgumentOutOfRangeException.ThrowIfLessThan(Days, 1, nameof(Days));
        if (!(FollowUps >= 0)) throw new ArgumentOutOfRangeException(nameof(FollowUps), FollowUps, "must be 0 or more");
        if (!(FollowUpReplySeconds >= 0) || !(FirstReplySeconds >= 0)) throw new ArgumentOutOfRangeException(nameof(FollowUpReplySeconds), "reply times must be 0 or more");
    }
}

/// <summary>The replayed rate of one local hour: counted messages and those within the metric's time.</summary>
public sealed record HourRate(int Hour, long Within, long Counted)
{
    public double? Rate => Counted == 0 ? null : (double)Within / Counted;
}

/// <summary>What a replay measured with the engine's own metric: the day's rate and each hour's.</summary>
public sealed record ReplayResult(string Metric, long Consultations, long CustomerMessages, long Within, long Counted, IReadOnlyList<HourRate> Hours)
{
    public double? Rate => Counted == 0 ? null : (double)Within / Counted;
}

/// <summary>
/// Replays a forecast day against a staffing plan (排班回放): Poisson arrivals per interval, one FIFO queue served
/// by agents × concurrency chat slots that change at interval boundaries (a slot that closes finishes its
/// conversation first), exponential handling and follow-up messages, all written as <see cref="ChatEvent"/>s and
/// measured by <see cref="MetricFold"/> exactly as a real shop's messages are (assessment hours, reply matching,
/// within-time). Seeded with <see cref="SimRandom"/>: the same options give the same events.
/// </summary>
public static class DayReplay
{
    /// <summary>The replayed day's messages, in time order.</summary>
    public static List<ChatEvent> Events(ReplayOptions options, TimeZoneInfo zone)
    {
        options.Validate();
        var random = new SimRandom(options.Seed);
        var clock = new LocalClock(zone);
        const int n = ConsultationHistory.IntervalsPerDay;
        const double q = ConsultationHistory.IntervalSeconds;
        var start = clock.StartOfDayUtc(options.Date);
        var horizon = options.Days * 86400.0;

        // Arrival times, seconds after the first local midnight.
        var arrivals = new List<double>();
        for (var day = 0; day < options.Days; day++)
            for (var i = 0; i < n; i++)
            {
                var count = random.Poisson(options.Arrivals[i]);
                var from = day * 86400.0 + i * q;
                var these = new double[count];
                for (var k = 0; k < count; k++) these[k] = from + random.NextDouble() * q;
                Array.Sort(these);
                arrivals.AddRange(these);
            }

        var events = new List<ChatEvent>(arrivals.Count * 2);
        var at = (double seconds) => new DateTimeOffset(start + (long)Math.Round(seconds * TimeSpan.TicksPerSecond), TimeSpan.Zero);
        int Capacity(double t) => t >= horizon ? 0 : options.Agents[(int)(t % 86400 / q)] * options.Concurrency;

        var completions = new PriorityQueue<int, double>(); // slot → end of its conversation
        var freeSlots = new SortedSet<int>(Enumerable.Range(0, options.Agents.Max() * options.Concurrency));
        var waiting = new Queue<int>(); // consultation index
        var next = 0;
        var boundary = q;
        var p = options.FollowUps / (1 + options.FollowUps); // geometric with this mean: P(another) = F / (1 + F)

        void Take(int consultation, double now)
        {
            var slot = freeSlots.Min;
            freeSlots.Remove(slot);
            var agent = $"a{slot / options.Concurrency + 1}";
            var conversation = $"c{consultation + 1}";
            var end = now + random.Exponential(options.HandleSeconds);
            completions.Enqueue(slot, end);
            events.Add(Message(conversation, consultation, "r1", Sender.Agent, agent, at(now + options.FirstReplySeconds)));
            var k = 1;
            while (random.Chance(p))
            {
                k++;
                var t = random.Uniform(now + options.FirstReplySeconds, Math.Max(end, now + options.FirstReplySeconds));
                events.Add(Message(conversation, consultation, $"m{k}", Sender.Customer, null, at(t)));
                events.Add(Message(conversation, consultation, $"r{k}", Sender.Agent, agent, at(t + random.Exponential(options.FollowUpReplySeconds))));
            }
        }

        ChatEvent Message(string conversation, int consultation, string id, Sender sender, string? agent, DateTimeOffset when) => new()
        {
            Type = EventType.Message, Id = $"{conversation}-{id}", Shop = options.Shop, At = when, Conversation = conversation,
            Customer = $"u{consultation + 1}", Sender = sender, Agent = agent, Kind = MessageKind.Text,
        };

        while (true)
        {
            var arrival = next < arrivals.Count ? arrivals[next] : double.PositiveInfinity;
            var completion = completions.TryPeek(out _, out var end) ? end : double.PositiveInfinity;
            var now = Math.Min(arrival, Math.Min(completion, boundary));
            // Every arrival falls before the horizon; after it no slot opens, so those still waiting stay unanswered.
            if (now >= horizon && completions.Count == 0) break;
            if (arrival == now)
            {
                events.Add(Message($"c{next + 1}", next, "m1", Sender.Customer, null, at(now)));
                waiting.Enqueue(next++);
            }
            else if (completion == now) freeSlots.Add(completions.Dequeue());
            else boundary += q;
            // A waiting customer is taken the moment a slot is free (slots above the interval's capacity stay shut).
            while (waiting.Count > 0 && completions.Count < Capacity(now)) Take(waiting.Dequeue(), now);
        }
        events.Sort((a, b) => a.Ticks.CompareTo(b.Ticks));
        return events;
    }

    /// <summary>Replays and measures: the metric (a reply_within metric of the profile) per local hour and over all.</summary>
    public static ReplayResult Measure(ReplayOptions options, CompiledProfile profile, string metricId)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (!profile.MetricIndex.TryGetValue(metricId, out var index)) throw new ArgumentException($"metric '{metricId}' is not in profile '{profile.Id}'", nameof(metricId));
        var events = Events(options, profile.Zone);
        var fold = new MetricFold(profile, FoldOptions.Unbounded);
        var rollup = new Rollup(profile.Metrics.Count);
        var facts = new List<MetricFact>();
        foreach (var e in events)
        {
            fold.Apply(e, facts);
            rollup.AddRange(facts);
            facts.Clear();
        }
        fold.Finish(facts);
        rollup.AddRange(facts);

        var within = new long[24];
        var counted = new long[24];
        foreach (var (key, cells) in rollup.Rows)
        {
            var hour = key.Hour % 24;
            within[hour] += cells[index].Numerator;
            counted[hour] += cells[index].Denominator;
        }
        var customer = events.LongCount(e => e.IsCustomerMessage);
        var consultations = events.LongCount(e => e.IsCustomerMessage && e.Id.EndsWith("-m1", StringComparison.Ordinal));
        return new ReplayResult(metricId, consultations, customer, within.Sum(), counted.Sum(),
            [.. Enumerable.Range(0, 24).Select(h => new HourRate(h, within[h], counted[h]))]);
    }
}
