using FsCheck.Xunit;
using KefuScore.Engine.Metrics;

namespace KefuScore.App.Tests.Profiles;

/// <summary>Session rules and the buyer unit keep the fold's promise: arrival order never changes the numbers.</summary>
public sealed class NewProfileProperties
{
    [Property(MaxTest = 40)]
    public bool Shuffling_the_events_never_changes_the_rollup_under_jd_pinduoduo_and_kuaishou_2021(int seed)
    {
        var events = RandomChats.Generate(seed);
        foreach (var id in new[] { "jd", "pinduoduo", "kuaishou-2021" })
        {
            var profile = Builtin.Get(id);
            var inOrder = Run.Fold(profile, events, FoldOptions.Streaming, out var streaming);
            var shuffled = Run.Fold(profile, RandomChats.Shuffle(events, seed + 1), FoldOptions.Unbounded);
            if (streaming.TooLate != 0 || !inOrder.SameAs(shuffled) || inOrder.RowCount == 0) return false;
        }
        return true;
    }
}
