using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;

namespace KefuScore.Bench;

/// <summary>The engine's fold driven the way <c>ReportRunner</c> drives it, over in-memory events.</summary>
public static class Folding
{
    public static Rollup Fold(CompiledProfile profile, IEnumerable<ChatEvent> events, FoldOptions options, out MetricFold fold)
    {
        fold = new MetricFold(profile, options);
        var rollup = new Rollup(profile.Metrics.Count);
        var facts = new List<MetricFact>(256);
        foreach (var e in events)
        {
            fold.Apply(e, facts);
            if (facts.Count == 0) continue;
            foreach (var f in facts) rollup.Add(f);
            facts.Clear();
        }
        fold.Finish(facts);
        foreach (var f in facts) rollup.Add(f);
        return rollup;
    }
}

/// <summary>
/// Shuffles events within blocks of 10 minutes of event time (deterministically, by seed): the disorder a
/// real export shows when several sources are concatenated. The input must be in time order (the simulator's is).
/// </summary>
public static class BlockShuffle
{
    public static readonly long BlockTicks = TimeSpan.FromMinutes(10).Ticks;

    public static IEnumerable<ChatEvent> Shuffle(IEnumerable<ChatEvent> ordered, int seed)
    {
        var random = new Random(seed);
        var block = new List<ChatEvent>();
        var current = long.MinValue;
        foreach (var e in ordered)
        {
            var b = e.Ticks / BlockTicks;
            if (b != current && block.Count > 0)
            {
                foreach (var x in Flush(block, random)) yield return x;
                block.Clear();
            }
            current = b;
            block.Add(e);
        }
        foreach (var x in Flush(block, random)) yield return x;
    }

    private static List<ChatEvent> Flush(List<ChatEvent> block, Random random)
    {
        for (var i = block.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (block[i], block[j]) = (block[j], block[i]);
        }
        return block;
    }
}
