using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KefuScore.Web.Tests;

/// <summary>The server with its clock stopped at Monday 2026-11-23 12:30 in Shanghai.</summary>
public sealed class KefuServerAtMondayNoon : KefuServer
{
    public static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-23T12:30:00+08:00", CultureInfo.InvariantCulture);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(s =>
        {
            s.Replace(ServiceDescriptor.Singleton<TimeProvider>(new FixedClock(Now)));
            // Sign-in cookies live on the real clock, as the test client's cookie jar does: issued at the stopped
            // clock's hour, a 14-day cookie was already expired in the jar from 2026-12-07 04:30 UTC, and every
            // signed-in request was answered 401.
            s.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, o => o.TimeProvider = TimeProvider.System);
            s.PostConfigure<SecurityStampValidatorOptions>(o => o.TimeProvider = TimeProvider.System);
        });
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }
}

public sealed class ComplaintsApiTests(KefuServerAtMondayNoon server) : IClassFixture<KefuServerAtMondayNoon>
{
    private const string Events = """
        {"type":"message","id":"m1","shop":"cs","at":"2026-11-20T16:50:00+08:00","conversation":"c1","customer":"u1","sender":"customer","text":"在吗"}
        {"type":"message","id":"m2","shop":"cs","at":"2026-11-20T16:51:00+08:00","conversation":"c1","sender":"agent","agent":"a1","text":"不知道啊,你自己看"}
        {"type":"complaint","id":"k1","shop":"cs","at":"2026-11-20T17:00:00+08:00","conversation":"c1","agent":"a1","category":"attitude","text":"客服态度差"}
        """;

    private const string Weekdays = """
        timezone: Asia/Shanghai
        week: { mon: ["09:00-18:00"], tue: ["09:00-18:00"], wed: ["09:00-18:00"], thu: ["09:00-18:00"], fri: ["09:00-18:00"] }
        """;

    [Fact]
    public async Task A_complaint_event_is_listed_with_its_countdown_and_can_be_moved()
    {
        var client = server.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/events", new StringContent(Events, Encoding.UTF8, "application/x-ndjson"))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync("/api/v1/shops/cs/settings/calendar", new StringContent(Weekdays, Encoding.UTF8, "text/plain"))).StatusCode);

        var list = JsonDocument.Parse(await client.GetStringAsync("/api/v1/shops/cs/complaints")).RootElement;
        var c = list.GetProperty("complaints")[0];

        // Due Monday 10:00 (1 h on Friday, 1 h on Monday); at 12:30 it is 2.5 business hours late: level 2.
        Assert.Equal("2026-11-23T10:00:00+08:00", c.GetProperty("due").GetString());
        Assert.Equal(-9000, c.GetProperty("seconds_left").GetInt64());
        Assert.True(c.GetProperty("breached").GetBoolean());
        Assert.Equal(2, c.GetProperty("escalation").GetInt32());
        Assert.Equal("服务态度", c.GetProperty("category_name").GetString());
        Assert.Equal(2, list.GetProperty("escalated")[0].GetProperty("to").GetInt32());
        Assert.Contains(c.GetProperty("evidence").EnumerateArray(), e => e.GetProperty("rule").GetString() == "rude");

        var id = c.GetProperty("id").GetInt64();
        var moved = await client.PostAsJsonAsync($"/api/v1/shops/cs/complaints/{id}/transitions", new { to = "investigating", author = "王主管" });
        var body = JsonDocument.Parse(await moved.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal("investigating", body.GetProperty("state").GetString());
        Assert.Equal("2026-11-23T12:30:00+08:00", body.GetProperty("respond").GetProperty("done").GetString());

        var bad = await client.PostAsJsonAsync($"/api/v1/shops/cs/complaints/{id}/transitions", new { to = "open" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("cannot move from investigating to open", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_complaint_made_by_hand_starts_now_and_a_bad_one_is_refused()
    {
        var client = server.Client();
        await client.PostAsync("/api/v1/events", new StringContent(Events.Replace("\"cs\"", "\"hand\"", StringComparison.Ordinal), Encoding.UTF8, "application/x-ndjson"));

        var made = await client.PostAsJsonAsync("/api/v1/shops/hand/complaints", new { category = "logistics", order = "o-9" });
        var bad = await client.PostAsJsonAsync("/api/v1/shops/hand/complaints", new { category = "noise", order = "o-9" });
        var note = await client.PostAsJsonAsync("/api/v1/shops/hand/complaints/424242/notes", new { text = "x" });

        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var c = JsonDocument.Parse(await made.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("2026-11-23T12:30:00+08:00", c.GetProperty("created").GetString());
        Assert.Equal("2026-11-23T16:30:00+08:00", c.GetProperty("due").GetString());   // round the clock by default: 4 h
        Assert.Equal(14400, c.GetProperty("seconds_left").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, note.StatusCode);
    }

    [Fact]
    public async Task Another_shops_key_sees_nothing_and_a_bad_calendar_is_not_stored()
    {
        var client = server.Client();
        await client.PostAsync("/api/v1/events", new StringContent(Events.Replace("\"cs\"", "\"other\"", StringComparison.Ordinal), Encoding.UTF8, "application/x-ndjson"));
        var limited = server.Client(await server.KeyFor("elsewhere"));

        var forbidden = await limited.GetAsync("/api/v1/shops/other/complaints");
        var broken = await client.PutAsync("/api/v1/shops/other/settings/calendar", new StringContent("week: { mon: [\"9-18\"] }", Encoding.UTF8, "text/plain"));
        var stored = await client.GetAsync("/api/v1/shops/other/settings/calendar");

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Contains("week.mon[0] (line 1): '9-18' is not hours", await broken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }
}
