using FsCheck.Xunit;
using KefuScore.App.Profiles;
using KefuScore.App.Reading;
using KefuScore.App.Reports;
using KefuScore.Engine.Events;
using KefuScore.Engine.Profiles;
using KefuScore.Tests;

namespace KefuScore.App.Tests.Reports;

/// <summary>`kefu report --threads N`: shops dealt to N folds whose rollups are added give the one fold's numbers.</summary>
public sealed class PartitionedRunTests
{
    private static readonly CompiledProfile Douyin = ProfileCatalog.Compile("douyin");
    private static readonly CompiledProfile Jd = ProfileCatalog.Compile("jd");

    [Property(MaxTest = 40)]
    public bool Any_number_of_workers_gives_the_single_fold_figures(int seed, byte threadsSeed)
    {
        var threads = 2 + threadsSeed % 3;
        var events = RandomChats.ShuffleWithinBlocks(RandomChats.Generate(seed, conversations: 60), TimeSpan.FromMinutes(10), seed);
        foreach (var profile in new[] { Douyin, Jd })
        {
            var one = ReportRunner.Run(profile, () => events.Select(ReadItem.Of));
            var many = ReportRunner.Run(profile, () => events.Select(ReadItem.Of), threads);
            if (!many.Rollup.SameAs(one.Rollup) || many.Read != one.Read || many.Duplicates != one.Duplicates) return false;
        }
        return true;
    }

    [Fact]
    public void Input_far_out_of_order_is_replayed_and_still_exact()
    {
        // Shuffled over three days: far beyond the hour of lateness, so every worker finds events too late.
        var events = RandomChats.Shuffle(RandomChats.Generate(7, conversations: 80), 8);
        var one = ReportRunner.Run(Douyin, () => events.Select(ReadItem.Of));
        var two = ReportRunner.Run(Douyin, () => events.Select(ReadItem.Of), threads: 2);
        Assert.True(one.Replayed);
        Assert.True(two.Replayed);
        Assert.True(two.Rollup.SameAs(one.Rollup));
        Assert.True(two.Rollup.RowCount > 0);
    }

    [Fact]
    public void Rejected_lines_are_kept_in_file_order()
    {
        var events = RandomChats.Generate(3);
        IEnumerable<ReadItem> Source()
        {
            yield return ReadItem.Reject("a.csv", 2, "at", "not a time");
            foreach (var e in events) yield return ReadItem.Of(e);
            yield return ReadItem.Reject("a.csv", 900, "type", "unknown type 'x'");
        }
        var run = ReportRunner.Run(Douyin, Source, threads: 3);
        Assert.Equal([2L, 900L], run.Rejected.Select(r => r.Line));
        Assert.Equal(events.Count, run.Read);
    }

    [Fact]
    public void A_file_that_breaks_midway_fails_the_run_with_its_own_error()
    {
        var events = RandomChats.Generate(5, conversations: 200);
        IEnumerable<ReadItem> Source()
        {
            foreach (var e in events.Take(5_000)) yield return ReadItem.Of(e);
            throw new InputFileException("a.csv: line 5001 is cut short");
        }
        var error = Assert.Throws<InputFileException>(() => ReportRunner.Run(Douyin, Source, threads: 2));
        Assert.Equal("a.csv: line 5001 is cut short", error.Message);
    }

    [Fact]
    public void A_cancelled_run_stops()
    {
        using var cancel = new CancellationTokenSource();
        var events = RandomChats.Generate(9, conversations: 100);
        IEnumerable<ReadItem> Source()
        {
            for (var i = 0; ; i++)
            {
                if (i == 70_000) cancel.Cancel();
                yield return ReadItem.Of(events[i % events.Count]);
            }
        }
        Assert.ThrowsAny<OperationCanceledException>(() => ReportRunner.Run(Douyin, Source, threads: 2, ct: cancel.Token));
    }
}
