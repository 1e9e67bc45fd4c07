using System.Net;
using System.Text;
using System.Text.Json;
using KefuScore.App.Profiles;
using KefuScore.App.Reading;
using KefuScore.App.Staffing;
using KefuScore.App.Writing;
using KefuScore.Engine.Events;
using KefuScore.Engine.Simulation;
using KefuScore.Engine.Staffing;

namespace KefuScore.Web.Tests;

public sealed class PlanApiTests(KefuServer server) : IClassFixture<KefuServer>
{
    private static readonly List<ChatEvent> Events =
        Simulator.Generate(new SimulationOptions { Shops = 1, Days = 14, Seed = 5, Start = new DateOnly(2026, 11, 16) }).Select(e => FirstStart.InShop(e, "plan")).ToList();

    private async Task Push()
    {
        var client = server.Client();
        foreach (var chunk in Events.Chunk(5000))
        {
            using var buffer = new MemoryStream();
            EventWriter.Write(buffer, EventFileFormat.JsonLines, chunk);
            var response = await client.PostAsync("/api/v1/events", new ByteArrayContent(buffer.ToArray()));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task The_plan_is_the_JSON_of_kefu_plan_over_the_same_events()
    {
        await Push();
        var profile = ProfileCatalog.Compile("douyin");
        var request = new PlanRequest { Date = new DateOnly(2026, 11, 30), Concurrency = 3 };
        var plan = StaffingPlanner.Plan(ConsultationHistory.From(Events, profile.Zone, "plan"), profile, request, "plan");
        using var expected = new MemoryStream();
        PlanJson.Write(expected, plan);

        var actual = await server.Client().GetStringAsync("/api/v1/shops/plan/plan?date=2026-11-30&target=reply_rate_3min%3D0.97&concurrency=3");

        Assert.Equal(Encoding.UTF8.GetString(expected.ToArray()), actual);
        var root = JsonDocument.Parse(actual).RootElement;
        Assert.Equal("plan", root.GetProperty("shop").GetString());
        Assert.Equal(96, root.GetProperty("intervals").GetArrayLength());
    }

    [Theory]
    [InlineData("/api/v1/shops/plan/plan?date=30-11-2026", HttpStatusCode.BadRequest, "date: '30-11-2026' is not a date")]
    [InlineData("/api/v1/shops/plan/plan?date=2026-11-30&target=satisfaction_rate%3D0.9", HttpStatusCode.BadRequest, "target: 'satisfaction_rate' is not a reply-within metric")]
    [InlineData("/api/v1/shops/nowhere/plan?date=2026-11-30", HttpStatusCode.NotFound, "shop 'nowhere' is not known")]
    public async Task Bad_requests_say_why(string url, HttpStatusCode status, string message)
    {
        await Push();
        var response = await server.Client().GetAsync(url);
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
