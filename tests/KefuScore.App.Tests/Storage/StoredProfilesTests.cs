using KefuScore.App.Profiles;
using KefuScore.App.Storage;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;
using KefuScore.Tests;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Tests.Storage;

/// <summary>
/// Uploaded profiles stored as immutable versions and assigned to a shop (issue 16, item 6): the shop's figures are
/// computed under the stored version, through the same lookup every path uses (StoredProfiles.Compile).
/// </summary>
public sealed class StoredProfilesTests
{
    /// <summary>douyin's rules with a 60-second reply line instead of 180 seconds, under its own id.</summary>
    private static string Strict(string id = "strict") => ProfileCatalog.BuiltInText("douyin")!
        .Replace("id: douyin", $"id: {id}", StringComparison.Ordinal)
        .Replace("    within: 180s", "    within: 60s", StringComparison.Ordinal);

    private static readonly DateTimeOffset Now = new(2026, 11, 21, 2, 0, 0, TimeSpan.Zero);

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task An_upload_becomes_a_version_a_shop_is_judged_by_from_its_first_message(string provider)
    {
        await using var db = await TestDatabase.Create(provider);
        await using var context = db.Open();

        var first = await StoredProfiles.Upload(context, Strict(), "admin", Now);
        var second = await StoredProfiles.Upload(context, Strict() + "\n# edited\n", "boss", Now.AddMinutes(5));
        Assert.Equal(ProfileUploadRefusal.None, first.Refusal);
        Assert.Equal((1, 2), (first.Stored!.Version, second.Stored!.Version));
        var versions = await StoredProfiles.List(context);
        Assert.Equal([("strict", 2, "boss"), ("strict", 1, "admin")], versions.Select(v => (v.Id, v.Version, v.Author)));
        Assert.Equal(Now.UtcTicks, versions[1].CreatedTicks);
        Assert.Equal(ProfileCatalog.Compile("douyin").Profile.Metrics.Count, versions[1].Metrics);

        Assert.Equal(ShopRefusal.None, await ShopCatalog.Create(context, "s1", "严格店", "strict@1"));
        Assert.Equal(ShopRefusal.UnknownProfile, await ShopCatalog.Create(context, "s2", "x", "strict@3"));

        // Replies after 10 s, 90 s and 200 s at 10:00 on 2026-11-20: under douyin 2 of 3 within 180 s, under
        // strict@1 1 of 3 within 60 s.
        var chats = new[]
        {
            Chat.On("2026-11-20", conversation: "c1").Customer("10:00:00").Agent("10:00:10"),
            Chat.On("2026-11-20", conversation: "c2", customer: "u2").Customer("10:00:00").Agent("10:01:30"),
            Chat.On("2026-11-20", conversation: "c3", customer: "u3").Customer("10:00:00").Agent("10:03:20"),
        };
        using (var store = new EventStore(db.Options, StoredProfiles.Resolver(db.Options)))
            await store.Ingest(chats.SelectMany(c => c.Events).ToList());

        var stored = await StoredReports.Build(context, "s1", null, new ReportRequest(PeriodKind.Day));
        Assert.NotNull(stored);
        Assert.Equal("strict", stored.Profile.Id);
        var rate = stored.Report.Shops[0].Periods.Single().Metrics.Single(m => m.Metric.Id == "reply_rate_3min");
        Assert.Equal((1L, 3L), (rate.Cell.Numerator, rate.Cell.Denominator));
        // The same events under the built-in, folded on the fly: 2 of 3.
        var douyin = await StoredReports.Build(context, "s1", "douyin", new ReportRequest(PeriodKind.Day));
        var builtIn = douyin!.Report.Shops[0].Periods.Single().Metrics.Single(m => m.Metric.Id == "reply_rate_3min");
        Assert.Equal((2L, 3L), (builtIn.Cell.Numerator, builtIn.Cell.Denominator));
        // The facts are kept under the version's reference.
        Assert.True(await context.Facts.AnyAsync(f => f.Shop == "s1" && f.Profile == "strict@1"));

        // A shop with events keeps its rules.
        Assert.Equal(ShopRefusal.HasEvents, await ShopCatalog.SetProfile(context, "s1", "strict@2"));
    }

    [Fact]
    public async Task A_failing_upload_stores_nothing_and_says_where_and_a_built_in_id_is_refused()
    {
        await using var db = await TestDatabase.Create("sqlite");
        await using var context = db.Open();
        var bad = Strict().Replace("    within: 60s", "    within: three", StringComparison.Ordinal);
        var refused = await StoredProfiles.Upload(context, bad, "admin", Now);
        Assert.Equal(ProfileUploadRefusal.Invalid, refused.Refusal);
        Assert.Contains(refused.Errors, e => e.Path == "metrics[1].within (line 25)" && e.Problem.Contains("'three'", StringComparison.Ordinal));
        var builtIn = await StoredProfiles.Upload(context, ProfileCatalog.BuiltInText("douyin")!, "admin", Now);
        Assert.Equal(ProfileUploadRefusal.BuiltInId, builtIn.Refusal);
        var badId = await StoredProfiles.Upload(context, Strict("My Rules"), "admin", Now);
        Assert.Equal(ProfileUploadRefusal.BadId, badId.Refusal);
        Assert.Empty(await StoredProfiles.List(context));
    }

    [Theory]
    [InlineData("douyin", false, "", 0)]
    [InlineData("strict@2", true, "strict", 2)]
    [InlineData("strict@0", false, "", 0)]
    [InlineData("@2", false, "", 0)]
    [InlineData("Strict@2", false, "", 0)]
    [InlineData("strict@x", false, "", 0)]
    public void A_reference_names_a_stored_version_only_as_id_at_a_positive_version(string reference, bool stored, string id, int version)
    {
        Assert.Equal(stored, StoredProfiles.TryParse(reference, out var i, out var v));
        if (stored) Assert.Equal((id, version), (i, v));
    }

    /// <summary>Version 6 only adds profile_versions, so a database at 4 (main) or 5 (another branch's step) gains it.</summary>
    [SkippableTheory]
    [InlineData("sqlite", 4)]
    [InlineData("sqlite", 5)]
    [InlineData("postgres", 4)]
    public async Task A_version_4_or_5_database_gains_the_profile_versions_table(string provider, int from)
    {
        await using var db = await TestDatabase.Create(provider);
        await using (var before = db.Open())
        {
            await before.Database.ExecuteSqlRawAsync("DROP TABLE profile_versions");
            await before.SchemaVersion.ExecuteUpdateAsync(s => s.SetProperty(r => r.Version, from));
        }
        await KefuStorage.InitialiseAsync(db.Options);
        await using var after = db.Open();
        Assert.Equal(KefuStorage.SchemaVersion, (await after.SchemaVersion.SingleAsync()).Version);
        Assert.Equal(ProfileUploadRefusal.None, (await StoredProfiles.Upload(after, Strict(), "admin", Now)).Refusal);
    }
}
