using FsCheck.Xunit;
using KefuScore.App.Profiles;
using KefuScore.App.Reading;
using KefuScore.App.Tests.Reading;
using KefuScore.App.Reports;
using KefuScore.App.Writing;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;
using KefuScore.Tests;

namespace KefuScore.App.Tests.Reports;

/// <summary>
/// `kefu report` without `--agents` folds into rows per shop only (decisions §109): the same report, on the rows path
/// (CSV) and the events path, on one worker or two.
/// </summary>
public sealed class ShopRowsRunTests : IDisposable
{
    private static readonly CompiledProfile Douyin = ProfileCatalog.Compile("douyin");
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Property(MaxTest = 20)]
    public bool Without_agents_the_run_keeps_shop_rows_and_the_report_is_the_same(int seed, bool twoThreads)
    {
        var events = RandomChats.ShuffleWithinBlocks(RandomChats.Generate(seed, conversations: 60), TimeSpan.FromMinutes(10), seed);
        var path = Path.Combine(_dir.Path, $"e{seed}-{twoThreads}.csv");
        using (var stream = File.Create(path)) CsvEventWriter.Write(stream, events);
        var threads = twoThreads ? 2 : 1;
        var request = new ReportRequest(By: PeriodKind.Day);

        var withAgents = ReportRunner.Run(Douyin, [path], mapping: null, threads);
        var rows = ReportRunner.Run(Douyin, [path], mapping: null, threads, agents: false);
        var fromEvents = ReportRunner.Run(Douyin, () => events.Select(ReadItem.Of), threads, agents: false);
        var expected = ReportText.Of(ReportBuilder.Build(Douyin, withAgents.Rollup, request));
        return withAgents.Rollup.Agents && withAgents.Rollup.Rows.Any(r => r.Key.Agent.Length > 0)
            && !rows.Rollup.Agents && rows.Rollup.Rows.All(r => r.Key.Agent.Length == 0) && rows.Rollup.RowCount < withAgents.Rollup.RowCount
            && rows.Read == withAgents.Read && rows.Duplicates == withAgents.Duplicates && fromEvents.Rollup.SameAs(rows.Rollup)
            && expected.Length > 0 && ReportText.Of(ReportBuilder.Build(Douyin, rows.Rollup, request)) == expected;
    }
}
