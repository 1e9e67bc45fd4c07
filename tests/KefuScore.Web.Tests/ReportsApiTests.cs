using System.Net;
using System.Text;
using System.Text.Json;
using KefuScore.App.Profiles;
using KefuScore.App.Reading;
using KefuScore.App.Reports;
using KefuScore.App.Writing;
using KefuScore.Engine.Events;
using KefuScore.Engine.Reports;
using KefuScore.Engine.Simulation;

namespace KefuScore.Web.Tests;

public sealed class ReportsApiTests(KefuServer server) : IClassFixture<KefuServer>
{
    private static readonly List<ChatEvent> Events =
        Simulator.Generate(new SimulationOptions { Shops = 1, Days = 2, Seed = 9 }).Select(e => FirstStart.InShop(e, "rep")).ToList();

    private async Task Push()
    {
        var client = server.Client();
        foreach (var chunk in Events.Chunk(2000).Reverse())
        {
            using var buffer = new MemoryStream();
            EventWriter.Write(buffer, EventFileFormat.JsonLines, chunk);
            var response = await client.PostAsync("/api/v1/events", new ByteArrayContent(buffer.ToArray()));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task The_report_is_the_JSON_of_kefu_report_over_the_same_events()
    {
        await Push();
        var profile = ProfileCatalog.Compile("douyin");
        var run = ReportRunner.Run(profile, () => Events.Select(ReadItem.Of));
        using var expected = new MemoryStream();
        ReportJson.Write(expected, ReportBuilder.Build(profile, run.Rollup, new ReportRequest(Agents: true)), run);

        var actual = await server.Client().GetStringAsync("/api/v1/shops/rep/report?agents=true");

        Assert.Equal(Encoding.UTF8.GetString(expected.ToArray()), actual);
        var weekly = JsonDocument.Parse(await server.Client().GetStringAsync("/api/v1/shops/rep/report?by=week&profile=kuaishou")).RootElement;
        Assert.Equal("kuaishou", weekly.GetProperty("profile").GetString());
    }

    [Fact]
    public async Task Explain_is_the_JSON_of_kefu_explain()
    {
        await Push();
        var conversation = Events.First(e => e.Conversation is not null).Conversation!;
        var profile = ProfileCatalog.Compile("douyin");
        using var expected = new MemoryStream();
        ExplainJson.Write(expected, "douyin", Explainer.Explain(profile, Events, conversation));

        var actual = await server.Client().GetStringAsync($"/api/v1/shops/rep/conversations/{conversation}/explain");

        Assert.Equal(Encoding.UTF8.GetString(expected.ToArray()), actual);
    }

    [Fact]
    public async Task Unknown_shops_conversations_and_bad_parameters_are_told_apart()
    {
        var client = server.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/shops/nope/report")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/shops/nope/conversations/c1/explain")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/shops/rep/report?by=year")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/shops/rep/report?from=20261101")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/shops/rep/report?profile=../../etc/passwd")).StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_is_served_to_a_key_and_neither_it_nor_the_Scalar_page_to_a_stranger()
    {
        var doc = JsonDocument.Parse(await server.Client().GetStringAsync("/openapi/v1.json")).RootElement;
        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/v1/events", out _));
        var stranger = server.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/openapi/v1.json")).StatusCode);
        var scalar = await stranger.GetAsync("/scalar/");
        Assert.Equal(HttpStatusCode.Redirect, scalar.StatusCode);
        Assert.Contains("/account/login", scalar.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }
}

public sealed class FirstStartTests(KefuServerWithDemo server) : IClassFixture<KefuServerWithDemo>
{
    [Fact]
    public async Task The_first_start_fills_a_demo_shop_with_fourteen_days_and_last_spring_festival()
    {
        var client = server.Client();
        var shops = JsonDocument.Parse(await client.GetStringAsync("/api/v1/shops")).RootElement;
        Assert.Equal("demo", shops[0].GetProperty("id").GetString());
        var report = JsonDocument.Parse(await client.GetStringAsync("/api/v1/shops/demo/report")).RootElement;
        var days = report.GetProperty("shops")[0].GetProperty("periods").EnumerateArray()
            .Select(p => DateOnly.Parse(p.GetProperty("period").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        // The last 14 days (yesterday included)…
        Assert.Equal(14, days.Count(d => d >= today.AddDays(-14)));
        // …and last Spring Festival (正月初一 ± 7 days) with the 28 days before it, for the staffing scenario.
        var festival = FirstStart.LastFestival(today.AddDays(-14))!.Value;
        var history = days.Where(d => d < today.AddDays(-14)).ToList();
        Assert.Equal(festival.From.AddDays(-FirstStart.FestivalLookback), history.Min());
        Assert.Equal(festival.To, history.Max());
        Assert.Equal(FirstStart.FestivalLookback + 15, history.Count);
    }
}
