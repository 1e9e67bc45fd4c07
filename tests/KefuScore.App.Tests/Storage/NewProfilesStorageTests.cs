using KefuScore.App.Profiles;
using KefuScore.App.Reading;
using KefuScore.App.Reports;
using KefuScore.App.Storage;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;
using KefuScore.Engine.Simulation;

namespace KefuScore.App.Tests.Storage;

/// <summary>Shops kept under jd, pinduoduo or kuaishou-2021: stored per-conversation facts equal `kefu report` (sessions, buyer-days).</summary>
public sealed class NewProfilesStorageTests
{
    [Theory]
    [InlineData("jd")]
    [InlineData("pinduoduo")]
    [InlineData("kuaishou-2021")]
    public async Task Stored_report_under_the_shops_profile_equals_kefu_report_over_shuffled_batches(string id)
    {
        await using var db = await TestDatabase.Create("sqlite");
        using var store = new EventStore(db.Options) { NewShopProfile = id };
        var events = Simulator.Generate(new SimulationOptions { Shops = 1, Days = 3, Seed = 5 }).ToList();
        var shuffled = events.ToArray();
        new Random(3).Shuffle(shuffled);
        foreach (var batch in shuffled.Chunk(700)) await store.Ingest(batch);

        var profile = ProfileCatalog.Compile(id);
        var request = new ReportRequest(PeriodKind.Day, Agents: true, Shop: "s1");
        var expected = ReportRunner.Run(profile, () => events.Select(ReadItem.Of));
        await using var context = db.Open();
        var stored = await StoredReports.Build(context, "s1", null, request);
        Assert.NotNull(stored);
        Assert.Equal(id, stored.Profile.Id);
        Assert.Equal(EventStoreTests.Json(ReportBuilder.Build(profile, expected.Rollup, request), expected), EventStoreTests.Json(stored.Report, stored.Run));
    }
}
