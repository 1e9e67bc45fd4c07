using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using KefuScore.App.Live;
using KefuScore.App.Storage;
using KefuScore.Web.Dashboard.Account;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace KefuScore.Web.Tests;

/// <summary>
/// The API's access rule (docs/security.md, "Roles and access"): every operation of the OpenAPI document is called under
/// every role, in the shop the limited roles cover and in one they do not, and the answer is checked against the table
/// below. An endpoint missing from the table, or one that declares no need (the filter refuses it to everyone), fails.
/// Then what an agent's sign-in did in the attack (issue 17, finding 2), one by one.
/// </summary>
public sealed partial class ApiAccessTests(KefuServerAtMondayNoon server) : IClassFixture<KefuServerAtMondayNoon>
{
    private const string Password = "access-test-password";

    /// <summary>
    /// Each operation: the need it has, and a body that reaches the handler without changing anything that matters (a
    /// bad or unknown item, so an allowed caller gets 400 or 404). Needs: what each role may do is in <see cref="May"/>.
    /// </summary>
    private static readonly Dictionary<string, (Need Need, string? Body)> Table = new(StringComparer.Ordinal)
    {
        ["GET /healthz"] = (Need.ReadOwn, null),
        ["GET /api/v1/shops"] = (Need.ReadOwn, null),
        ["POST /api/v1/events"] = (Need.ManageShop, "[]"),
        ["GET /api/v1/shops/{shop}/report"] = (Need.ReadOwn, null),
        ["GET /api/v1/shops/{shop}/conversations/{id}/explain"] = (Need.ReadOwn, null),
        ["GET /api/v1/shops/{shop}/score"] = (Need.ReadShop, null),
        ["POST /api/v1/shops/{shop}/reconcile"] = (Need.ReadShop, "date,metric,value\nnot a date,reply_rate_3min,1\n"),
        ["GET /api/v1/shops/{shop}/plan"] = (Need.ReadShop, null),
        ["GET /api/v1/shops/{shop}/live"] = (Need.ReadOwn, null),
        ["GET /api/v1/shops/{shop}/changes"] = (Need.ReadOwn, null),
        ["GET /api/v1/shops/{shop}/alert-rules"] = (Need.ReadShop, null),
        ["PUT /api/v1/shops/{shop}/alert-rules"] = (Need.ManageShop, "not json"),
        ["GET /api/v1/shops/{shop}/webhooks"] = (Need.ManageShop, null),
        ["POST /api/v1/shops/{shop}/webhooks"] = (Need.ManageShop, """{"url":"not a url"}"""),
        ["DELETE /api/v1/shops/{shop}/webhooks/{id}"] = (Need.ManageShop, null),
        ["GET /api/v1/shops/{shop}/webhooks/dead-letters"] = (Need.ManageShop, null),
        ["POST /api/v1/shops/{shop}/webhooks/dead-letters/{id}/retry"] = (Need.ManageShop, null),
        ["GET /api/v1/shops/{shop}/complaints"] = (Need.ReadOwn, null),
        ["POST /api/v1/shops/{shop}/complaints"] = (Need.ManageShop, """{"category":"noise"}"""),
        ["GET /api/v1/shops/{shop}/complaints/{id}"] = (Need.ReadOwn, null),
        ["POST /api/v1/shops/{shop}/complaints/{id}/transitions"] = (Need.ManageShop, """{"to":"resolved"}"""),
        ["POST /api/v1/shops/{shop}/complaints/{id}/notes"] = (Need.ManageShop, """{"text":"x"}"""),
        ["GET /api/v1/shops/{shop}/settings/{kind}"] = (Need.ReadShop, null),
        ["PUT /api/v1/shops/{shop}/settings/{kind}"] = (Need.ManageShop, "timezone: [unclosed"),
        ["PUT /api/v1/shops/{shop}/faq"] = (Need.ManageShop, "no,such,columns,here\n"),
        ["POST /api/v1/shops/{shop}/faq/ask"] = (Need.ReadOwn, """{"question":""}"""),
        ["GET /api/v1/shops/{shop}/faq/answered"] = (Need.ReadShop, null),
        ["POST /api/v1/shops/{shop}/faq/paraphrases/mine"] = (Need.ManageShop, """{"from":"not a date"}"""),
        ["GET /api/v1/shops/{shop}/faq/paraphrases"] = (Need.ManageShop, null),
        ["POST /api/v1/shops/{shop}/faq/paraphrases/{id}/accept"] = (Need.ManageShop, null),
        ["POST /api/v1/shops/{shop}/faq/paraphrases/{id}/reject"] = (Need.ManageShop, null),
        ["GET /api/v1/shops/{shop}/training/courses"] = (Need.ReadOwn, null),
        ["GET /api/v1/shops/{shop}/agents/{agent}/training"] = (Need.ReadOwn, null),
        ["POST /api/v1/shops/{shop}/agents/{agent}/training"] = (Need.ManageShop, """{"course":"no-such-course"}"""),
        ["GET /api/v1/shops/{shop}/training/suggestions"] = (Need.ReadOwn, null),
        ["GET /api/v1/shops/{shop}/incentives"] = (Need.ReadOwn, null),
        ["GET /api/v1/shops/{shop}/roster"] = (Need.ReadShop, null),
        ["PUT /api/v1/shops/{shop}/roster"] = (Need.ManageShop, "not json"),
        ["POST /api/v1/shops/{shop}/review/sample"] = (Need.ManageShop, """{"from":"not a date"}"""),
        ["GET /api/v1/shops/{shop}/review/labels"] = (Need.ManageShop, null),
        ["GET /api/v1/shops/{shop}/models"] = (Need.ManageShop, null),
        ["POST /api/v1/shops/{shop}/models/inspection"] = (Need.ManageShop, "not json"),
        ["POST /api/v1/shops/{shop}/models/faq"] = (Need.ManageShop, "a question without an expected one"),
        ["POST /api/v1/shops/{shop}/review/items/{id}/verdicts"] = (Need.ManageShop, """{"verdict":"agree"}"""),
        ["DELETE /api/v1/shops/{shop}/events"] = (Need.Admin, null),
        ["GET /api/v1/keys"] = (Need.Admin, null),
        ["POST /api/v1/keys"] = (Need.Admin, """{"name":"","expires":"2000-01-01T00:00:00Z"}"""),
        ["DELETE /api/v1/keys/{id}"] = (Need.Admin, null),
        ["GET /api/v1/users"] = (Need.Admin, null),
        ["DELETE /api/v1/users/{name}"] = (Need.Admin, null),
        ["PUT /api/v1/users/{name}/role"] = (Need.Admin, """{"role":"no-such-role"}"""),
        ["PUT /api/v1/users/{name}/password"] = (Need.Admin, """{"password":"short"}"""),
        ["GET /api/v1/cluster"] = (Need.Admin, null),
        ["GET /api/v1/profiles"] = (Need.ReadShop, null),
        ["GET /api/v1/profiles/{id}/versions/{version}"] = (Need.ReadShop, null),
        ["POST /api/v1/profiles"] = (Need.Admin, "id: [unclosed"),
        ["PUT /api/v1/shops/{shop}/profile"] = (Need.Admin, """{"profile":"no-such-profile"}"""),
    };

    /// <summary>Operations only an API key may call, whatever the role of a sign-in (a cookie could be ridden by another site).</summary>
    private static readonly HashSet<string> KeysOnly = ["POST /api/v1/events"];

    /// <summary>Operations outside <c>/api/v1</c> that anyone may call, signed in or not.</summary>
    private static readonly HashSet<string> Public = ["GET /healthz"];

    private sealed record Role(string Name, HttpClient Client, bool Anonymous = false, bool AllShops = false, bool Agent = false, bool Key = false);

    /// <summary>What a role may do, written out here apart from the server's rule: the table's expectation.</summary>
    private static bool May(Role role, string operation, Need need, string? shop)
    {
        if (Public.Contains(operation)) return true;
        if (role.Anonymous) return false;
        if (KeysOnly.Contains(operation) && !role.Key) return false;
        if (need == Need.Admin) return role.AllShops;
        if (shop is not null && shop != "north" && !role.AllShops) return false;
        return need == Need.ReadOwn || !role.Agent;
    }

    /// <summary>
    /// Shop <c>north</c>: a1 (the agent who signs in) and a2 (a colleague), each with a conversation and a complaint;
    /// shop <c>south</c>: a3. Users: <c>agent-north</c> (agent a1), <c>boss-north</c> (supervisor of north).
    /// </summary>
    private const string Events = """
        {"type":"message","id":"n1","shop":"north","at":"2026-11-20T10:00:00+08:00","conversation":"c1","customer":"u1","sender":"customer","text":"在吗"}
        {"type":"message","id":"n2","shop":"north","at":"2026-11-20T10:00:20+08:00","conversation":"c1","sender":"agent","agent":"a1","text":"亲,在的"}
        {"type":"message","id":"n3","shop":"north","at":"2026-11-20T11:00:00+08:00","conversation":"c2","customer":"u2","sender":"customer","text":"怎么还没到"}
        {"type":"message","id":"n4","shop":"north","at":"2026-11-20T11:00:30+08:00","conversation":"c2","sender":"agent","agent":"a2","text":"你自己看物流"}
        {"type":"complaint","id":"k1","shop":"north","at":"2026-11-20T12:00:00+08:00","conversation":"c1","agent":"a1","category":"slow_reply"}
        {"type":"complaint","id":"k2","shop":"north","at":"2026-11-20T12:30:00+08:00","conversation":"c2","agent":"a2","category":"attitude"}
        {"type":"message","id":"s1","shop":"south","at":"2026-11-20T10:00:00+08:00","conversation":"c3","customer":"u3","sender":"customer","text":"你好"}
        {"type":"message","id":"s2","shop":"south","at":"2026-11-20T10:00:10+08:00","conversation":"c3","sender":"agent","agent":"a3","text":"您好"}
        """;

    private static readonly SemaphoreSlim Seeding = new(1, 1);
    private static bool _seeded;

    private async Task Seed()
    {
        await Seeding.WaitAsync();
        try
        {
            if (_seeded && await UserExists("agent-north")) return;
            var pushed = await server.Client().PostAsync("/api/v1/events", new StringContent(Events, Encoding.UTF8, "application/x-ndjson"));
            Assert.Equal(HttpStatusCode.OK, pushed.StatusCode);
            using var scope = server.Services.CreateScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
            if (await users.FindByNameAsync("agent-north") is null)
            {
                Assert.Empty(await AccountEndpoints.CreateUser(users, db, "agent-north", Password, Roles.Agent, [("north", "a1")]));
                Assert.Empty(await AccountEndpoints.CreateUser(users, db, "boss-north", Password, Roles.Supervisor, [("north", "")]));
            }
            _seeded = true;
        }
        finally
        {
            Seeding.Release();
        }
    }

    private async Task<bool> UserExists(string name)
    {
        using var scope = server.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByNameAsync(name) is not null;
    }

    private async Task<HttpClient> SignIn(string user, string password = Password)
    {
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await client.GetStringAsync("/account/login");
        var response = await client.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value, ["user"] = user, ["password"] = password, ["returnUrl"] = "/",
        }));
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex(@"\{(\w+)(:[^}]*)?\}")]
    private static partial Regex Parameter();

    private async Task<List<Role>> Roles_()
    {
        await Seed();
        return
        [
            new("admin key", server.Client(), AllShops: true, Key: true),
            new("shop key", server.Client(await server.KeyFor("north")), Key: true),
            new("admin cookie", await SignIn("admin", "test-admin-password"), AllShops: true),
            new("supervisor cookie", await SignIn("boss-north")),
            new("agent cookie", await SignIn("agent-north"), Agent: true),
            new("anonymous", server.Client(key: null), Anonymous: true),
        ];
    }

    /// <summary>The request, its body sent as the first content type the document lists for the operation.</summary>
    private static HttpRequestMessage Request(string method, string path, string? body, string? contentType)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType ?? "application/json");
        return request;
    }

    [Fact]
    public async Task Every_operation_of_the_OpenAPI_document_answers_each_role_as_the_table_says()
    {
        var roles = await Roles_();
        var doc = JsonDocument.Parse(await server.Client().GetStringAsync("/openapi/v1.json")).RootElement;
        var described = doc.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => (Operation: $"{m.Name.ToUpperInvariant()} {p.Name}", m.Value)))
            .ToDictionary(o => o.Operation, o => o.Value.TryGetProperty("requestBody", out var b) ? b.GetProperty("content").EnumerateObject().First().Name : null, StringComparer.Ordinal);
        var operations = described.Keys.ToList();

        // The table and the document name the same operations: a new endpoint must be added to the table.
        Assert.Equal(Table.Keys.Order(StringComparer.Ordinal), operations.Order(StringComparer.Ordinal));
        // Each /api/v1 operation declares the table's need (x-kefu-need); one without a need has none to show.
        var declared = doc.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(m =>
            (Operation: $"{m.Name.ToUpperInvariant()} {p.Name}", Need: m.Value.TryGetProperty("x-kefu-need", out var n) ? n.GetString() : null)));
        foreach (var (operation, need) in declared.Where(d => !Public.Contains(d.Operation)))
            Assert.True(NeedInDocument.Name(Table[operation].Need) == need, $"{operation}: declares {need ?? "no need"}, the table says {Table[operation].Need}");

        var wrong = new List<string>();
        var calls = 0;
        foreach (var operation in operations)
        {
            var (need, body) = Table[operation];
            var method = operation[..operation.IndexOf(' ', StringComparison.Ordinal)];
            var template = operation[(method.Length + 1)..];
            var shops = template.Contains("{shop}", StringComparison.Ordinal) ? new[] { "north", "south" } : new string?[] { null };
            foreach (var shop in shops)
            {
                var path = Parameter().Replace(template, m => m.Groups[1].Value switch
                {
                    "shop" => shop!,
                    "agent" => "a1",
                    "kind" => "calendar",
                    _ => "999999",
                });
                foreach (var role in roles)
                {
                    // Headers only: the changes stream never ends by itself (its body is read below only when the status is wrong).
                    using var response = await role.Client.SendAsync(Request(method, path, body, described[operation]), HttpCompletionOption.ResponseHeadersRead);
                    calls++;
                    var status = (int)response.StatusCode;
                    var may = May(role, operation, need, shop);
                    var expected = may ? "allowed" : role.Anonymous ? "401" : "403";
                    var ok = may ? status is not (401 or 403) and < 500 : status == (role.Anonymous ? 401 : 403);
                    if (!ok) wrong.Add($"{role.Name} {method} {path}: {status}, expected {expected} ({await response.Content.ReadAsStringAsync()})");
                }
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.Equal(Table.Count, operations.Count);
        Assert.True(calls >= 6 * operations.Count, $"{calls} calls");
    }

    [Fact]
    public async Task An_agent_cookie_does_none_of_a_supervisors_work_through_the_API()
    {
        await Seed();
        using var agent = await SignIn("agent-north");
        var admin = server.Client();
        var list = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/shops/north/complaints")).RootElement.GetProperty("complaints");
        long Complaint(string conversation) => list.EnumerateArray().Single(c => c.GetProperty("conversation").GetString() == conversation).GetProperty("id").GetInt64();
        var (mine, theirs) = (Complaint("c1"), Complaint("c2"));

        static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
        static StringContent Text(string text, string type = "text/plain") => new(text, Encoding.UTF8, type);

        // Move a colleague's complaint to rejected (or their own): refused, and its state is unchanged.
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync($"/api/v1/shops/north/complaints/{theirs}/transitions", Json("""{"to":"rejected","author":"supervisor-boss"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync($"/api/v1/shops/north/complaints/{mine}/transitions", Json("""{"to":"rejected"}"""))).StatusCode);
        Assert.Equal("open", JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/shops/north/complaints/{theirs}")).RootElement.GetProperty("state").GetString());

        // Disable the alert rules, replace the calendar or the FAQ: refused, nothing stored.
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PutAsync("/api/v1/shops/north/alert-rules", Json("""{"rules":[]}"""))).StatusCode);
        Assert.Contains("\"waiting\"", await admin.GetStringAsync("/api/v1/shops/north/alert-rules"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PutAsync("/api/v1/shops/north/settings/calendar", Text("timezone: Asia/Shanghai\n"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/shops/north/settings/calendar")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PutAsync("/api/v1/shops/north/faq", Text("question,answer,keywords\n在吗,在的,在\n", "text/csv"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/shops/north/settings/faq")).StatusCode);

        // Add a webhook to its own listener, or delete the supervisor's: refused, the supervisor's is still there.
        long hook;
        using (var scope = server.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
            var row = new WebhookRow { Shop = "north", Url = "http://127.0.0.1:9/supervisor", ProtectedSecret = "unused", CreatedTicks = 0 };
            db.Add(row);
            await db.SaveChangesAsync();
            hook = row.Id;
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync("/api/v1/shops/north/webhooks", Json("""{"url":"http://127.0.0.1:9/agent"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.DeleteAsync($"/api/v1/shops/north/webhooks/{hook}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/shops/north/webhooks")).StatusCode);
        using (var scope = server.Services.CreateScope())
        {
            var urls = await scope.ServiceProvider.GetRequiredService<KefuDb>().Set<WebhookRow>().Where(w => w.Shop == "north").Select(w => w.Url).ToListAsync();
            Assert.Equal(["http://127.0.0.1:9/supervisor"], urls);
        }

        // Draw the review sample and judge itself: refused.
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync("/api/v1/shops/north/review/sample", Json("""{"from":"2026-11-20","to":"2026-11-20"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync("/api/v1/shops/north/review/items/1/verdicts", Json("""{"verdict":"agree"}"""))).StatusCode);

        // Ask the FAQ: allowed; send the answer as a bot message into a conversation: refused, nothing stored.
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/v1/shops/north/faq", Text("question,answer,keywords\n运费怎么算,全场包邮,运费\n", "text/csv"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.PostAsync("/api/v1/shops/north/faq/ask", Json("""{"question":"运费怎么算"}"""))).StatusCode);
        const string send = """{"question":"运费怎么算","conversation":"c2","waiting":10,"send":true,"at":"2026-11-19T10:00:00+08:00"}""";
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync("/api/v1/shops/north/faq/ask", Json(send))).StatusCode);
        using (var scope = server.Services.CreateScope())
            Assert.False(await scope.ServiceProvider.GetRequiredService<KefuDb>().Events.AnyAsync(e => e.Shop == "north" && e.Id.StartsWith("faq-")));
        // The same request from the supervisor writes the bot message: the refusal above is what kept it out.
        using (var boss = await SignIn("boss-north"))
        {
            var written = JsonDocument.Parse(await (await boss.PostAsync("/api/v1/shops/north/faq/ask", Json(send))).Content.ReadAsStringAsync()).RootElement;
            Assert.StartsWith("faq-c2-", written.GetProperty("sent_event").GetString(), StringComparison.Ordinal);
        }

        // Colleagues' figures: rewards, training records, complaints, live load.
        var incentives = JsonDocument.Parse(await agent.GetStringAsync("/api/v1/shops/north/incentives?from=2026-11-20&to=2026-11-20")).RootElement;
        Assert.Equal(["a1"], incentives.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("agent").GetString()));
        var whole = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/shops/north/incentives?from=2026-11-20&to=2026-11-20")).RootElement;
        Assert.Equal(["a1", "a2"], whole.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("agent").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/shops/north/agents/a2/training")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/v1/shops/north/agents/a1/training")).StatusCode);
        var complaints = JsonDocument.Parse(await agent.GetStringAsync("/api/v1/shops/north/complaints")).RootElement.GetProperty("complaints");
        Assert.Equal([mine], complaints.EnumerateArray().Select(c => c.GetProperty("id").GetInt64()));
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/v1/shops/north/complaints/{theirs}")).StatusCode);
        var suggestions = JsonDocument.Parse(await agent.GetStringAsync("/api/v1/shops/north/training/suggestions?from=2026-11-20&to=2026-11-20")).RootElement;
        Assert.All(suggestions.EnumerateArray(), s => Assert.Equal("a1", s.GetProperty("agent").GetString()));
        var live = JsonDocument.Parse(await agent.GetStringAsync("/api/v1/shops/north/live")).RootElement;
        Assert.Empty(live.GetProperty("waiting").EnumerateArray());
        Assert.Empty(live.GetProperty("today").EnumerateObject());
        Assert.All(live.GetProperty("agents").EnumerateArray(), a => Assert.Equal("a1", a.GetProperty("agent").GetString()));
        // Shop-wide reads: refused.
        foreach (var path in new[] { "score", "plan?date=2026-11-24", "alert-rules", "settings/calendar", "faq/answered", "webhooks/dead-letters" })
            Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync($"/api/v1/shops/north/{path}")).StatusCode);
    }

    [Fact]
    public async Task The_author_of_a_move_a_note_or_a_verdict_is_the_caller_never_the_body()
    {
        await Seed();
        using var boss = await SignIn("boss-north");
        var admin = server.Client();
        static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
        var made = JsonDocument.Parse(await (await admin.PostAsync("/api/v1/shops/north/complaints", Json("""{"category":"logistics","agent":"a2","order":"o-1"}"""))).Content.ReadAsStringAsync()).RootElement;
        var id = made.GetProperty("id").GetInt64();

        var moved = await boss.PostAsync($"/api/v1/shops/north/complaints/{id}/transitions", Json("""{"to":"investigating","author":"someone-else"}"""));
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var noted = await admin.PostAsync($"/api/v1/shops/north/complaints/{id}/notes", Json("""{"text":"查物流","author":"supervisor-boss"}"""));
        var notes = JsonDocument.Parse(await noted.Content.ReadAsStringAsync()).RootElement.GetProperty("notes").EnumerateArray()
            .Select(n => n.GetProperty("author").GetString()).ToList();
        Assert.Equal(["boss-north", "key:bootstrap"], notes);

        var sample = JsonDocument.Parse(await (await boss.PostAsync("/api/v1/shops/north/review/sample", Json("""{"from":"2026-11-20","to":"2026-11-20"}"""))).Content.ReadAsStringAsync()).RootElement;
        var item = sample.GetProperty("items")[0].GetProperty("id").GetInt64();
        var judged = await boss.PostAsync($"/api/v1/shops/north/review/items/{item}/verdicts", Json("""{"verdict":"agree","reviewer":"a1"}"""));
        Assert.Equal(HttpStatusCode.OK, judged.StatusCode);
        var verdicts = JsonDocument.Parse(await judged.Content.ReadAsStringAsync()).RootElement.GetProperty("verdicts");
        Assert.Equal("boss-north", verdicts[verdicts.GetArrayLength() - 1].GetProperty("reviewer").GetString());
    }
}
