using System.Net;
using System.Text;
using System.Text.Json;
using KefuScore.App.Profiles;
using KefuScore.App.Reading;
using KefuScore.App.Score;
using KefuScore.App.Writing;
using KefuScore.Engine.Events;
using KefuScore.Engine.Simulation;

namespace KefuScore.Web.Tests;

/// <summary>The score and reconcile endpoints answer from stored events exactly as the command line does from files.</summary>
public sealed class ScoreApiTests(KefuServer server) : IClassFixture<KefuServer>
{
    private static readonly List<ChatEvent> Events =
        Simulator.Generate(new SimulationOptions { Shops = 1, Days = 6, Seed = 4 }).Select(e => FirstStart.InShop(e, "sco")).ToList();

    private async Task Push()
    {
        using var buffer = new MemoryStream();
        EventWriter.Write(buffer, EventFileFormat.JsonLines, Events);
        var response = await server.Client().PostAsync("/api/v1/events", new ByteArrayContent(buffer.ToArray()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_score_is_the_JSON_of_kefu_score_over_the_same_events()
    {
        await Push();
        var profile = ProfileCatalog.Compile("douyin-feige");
        var query = new ScoreQuery(profile, ScoreRunner.Run(profile, Events));
        var to = query.LastDate("sco");
        var v2 = query.Version("v2");
        using var expected = new MemoryStream();
        ScoreJson.Write(expected, "douyin-feige", "sco", query.Score("sco", v2, "default", to, query.ParseWhatIf(["service=65"])));

        var actual = await server.Client().GetStringAsync($"/api/v1/shops/sco/score?profile=douyin-feige&to={to:yyyy-MM-dd}&what_if=service=65");

        Assert.Equal(Encoding.UTF8.GetString(expected.ToArray()), actual);
        var doc = JsonDocument.Parse(actual).RootElement;
        Assert.Equal(65.0, doc.GetProperty("dimensions").GetProperty("service").GetProperty("score").GetDouble());
    }

    [Fact]
    public async Task Diagnosis_and_history_come_from_the_same_stored_events()
    {
        await Push();
        var profile = ProfileCatalog.Compile("douyin-feige");
        var query = new ScoreQuery(profile, ScoreRunner.Run(profile, Events));
        var to = query.LastDate("sco");
        var v2 = query.Version("v2");
        using var expected = new MemoryStream();
        ScoreJson.WriteDiagnosis(expected, "douyin-feige", "sco", query.Diagnose("sco", v2, "default", to.AddDays(-3), to));

        var actual = await server.Client().GetStringAsync($"/api/v1/shops/sco/score?to={to:yyyy-MM-dd}&diagnose=1&against={to.AddDays(-3):yyyy-MM-dd}");
        Assert.Equal(Encoding.UTF8.GetString(expected.ToArray()), actual);

        var history = JsonDocument.Parse(await server.Client().GetStringAsync($"/api/v1/shops/sco/score?to={to:yyyy-MM-dd}&from={to.AddDays(-2):yyyy-MM-dd}&history=1")).RootElement;
        Assert.Equal(3, history.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task Bad_requests_say_what_is_wrong_and_other_shops_are_forbidden()
    {
        await Push();
        var bad = await server.Client().GetAsync("/api/v1/shops/sco/score?version=v9");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("'v9' is not a version", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var key = await server.KeyFor("other");
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Client(key).GetAsync("/api/v1/shops/sco/score")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client().GetAsync("/api/v1/shops/nobody/score")).StatusCode);
    }

    [Fact]
    public async Task Reconcile_sets_the_platform_figures_beside_ours()
    {
        await Push();
        var day = new KefuScore.Engine.Metrics.LocalClock(ProfileCatalog.Compile("douyin").Zone).LocalDate(Events[0].Ticks);
        var csv = $"date,metric,value\n{day:yyyy-MM-dd},consultations,1\n";
        var response = await server.Client().PostAsync("/api/v1/shops/sco/reconcile", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("rows")[0];
        Assert.Equal(1.0, row.GetProperty("platform").GetDouble());
        Assert.True(row.GetProperty("ours").GetDouble() > 1);
        var bad = await server.Client().PostAsync("/api/v1/shops/sco/reconcile", new StringContent("date,metric,value\nyesterday,x,1\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("body:2 date", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
