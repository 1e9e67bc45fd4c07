using FsCheck.Xunit;
using KefuScore.Engine.Metrics;

namespace KefuScore.Engine.Tests.Metrics;

/// <summary>The fold's promises as properties: order and file boundaries never change the numbers; rollups add.</summary>
public sealed class FoldProperties
{
    private static readonly KefuScore.Engine.Profiles.CompiledProfile Profile = TestProfiles.Everything();

    [Property(MaxTest = 60)]
    public bool Shuffling_the_events_never_changes_the_rollup(int seed)
    {
        var events = RandomChats.Generate(seed);
        var inOrder = Run.Fold(Profile, events, FoldOptions.Streaming, out var streaming);
        var shuffled = Run.Fold(Profile, RandomChats.Shuffle(events, seed + 1), FoldOptions.Unbounded);
        return streaming.TooLate == 0 && inOrder.SameAs(shuffled) && inOrder.RowCount > 0;
    }

    [Property(MaxTest = 60)]
    public bool Splitting_the_events_across_files_never_changes_the_rollup(int seed)
    {
        var events = RandomChats.Generate(seed);
        var random = new Random(seed);
        var (a, b) = (new List<KefuScore.Engine.Events.ChatEvent>(), new List<KefuScore.Engine.Events.ChatEvent>());
        foreach (var e in events) (random.Next(2) == 0 ? a : b).Add(e);
        // Read file A then file B, as `kefu report --input a --input b` does.
        var split = Run.Fold(Profile, a.Concat(b), FoldOptions.Unbounded);
        return split.SameAs(Run.Fold(Profile, events));
    }

    [Property(MaxTest = 60)]
    public bool The_sum_of_two_rollups_equals_the_rollup_of_the_union(int seed)
    {
        var events = RandomChats.Generate(seed);
        // Split by conversation: the engine's unit of independence (shops and nodes split the same way).
        var a = events.Where(e => e.Conversation!.GetHashCode(StringComparison.Ordinal) % 2 == 0).ToList();
        var b = events.Except(a).ToList();
        var sum = Run.Fold(Profile, a);
        sum.Merge(Run.Fold(Profile, b));
        return sum.SameAs(Run.Fold(Profile, events));
    }

    [Property(MaxTest = 40)]
    public bool Input_shuffled_within_10_minute_blocks_streams_exactly(int seed)
    {
        var events = RandomChats.Generate(seed, conversations: 80);
        var blocks = RandomChats.ShuffleWithinBlocks(events, TimeSpan.FromMinutes(10), seed);
        var streamed = Run.Fold(Profile, blocks, FoldOptions.Streaming, out var fold);
        return fold.TooLate == 0 && streamed.SameAs(Run.Fold(Profile, events));
    }

    [Property(MaxTest = 30)]
    public bool A_daily_rollup_reports_the_same_days_as_an_hourly_one(int seed)
    {
        var events = RandomChats.Generate(seed);
        var hourly = Run.Fold(Profile, events);
        var daily = Rollup.Daily(Profile.Metrics.Count);
        foreach (var (key, cells) in hourly.Rows)
            for (var m = 0; m < cells.Length; m++)
                if (!cells[m].IsEmpty || cells[m].Buckets is not null)
                    daily.Add(new MetricFact(key.Shop, key.Agent.Length == 0 ? null : key.Agent, key.Hour, m, cells[m].Numerator, cells[m].Denominator, cells[m].SumTicks, cells[m].Count, -1));
        var request = new KefuScore.Engine.Reports.ReportRequest(Agents: true);
        string Text(Rollup r) => string.Join("\n", KefuScore.Engine.Reports.ReportBuilder.Build(Profile, r, request).Shops.SelectMany(s =>
            s.Periods.Concat(s.Agents.SelectMany(a => a.Periods)).SelectMany(p => p.Metrics.Select(m => $"{s.Shop} {p.Period} {m.Metric.Id} {m.Cell.Numerator} {m.Cell.Denominator} {m.Cell.SumTicks} {m.Cell.Count}"))));
        return Text(hourly) == Text(daily) && daily.RowCount <= hourly.RowCount;
    }
}
