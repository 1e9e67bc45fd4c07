using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using KefuScore.App.Storage;
using KefuScore.Web.Dashboard.Account;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KefuScore.Web.Tests;

/// <summary>Issue 18, item 3: wordings mined from the shop's chats, accepted or rejected by the manager, used by the FAQ.</summary>
public sealed partial class FaqParaphrasesApiTests(KefuServerAtMondayNoon server) : IClassFixture<KefuServerAtMondayNoon>
{
    private const string Kb = "question,answer,keywords\n下单后多久发货,亲，付款后48小时内发货，节假日顺延。,发货时间\n运费怎么算,亲，全店满99元包邮。,运费 包邮\n";

    /// <summary>
    /// c1: asked 啥时候能寄出来呀, a1 answers with the 发货 answer (a candidate); c2: 衣服起球怎么办, a2 answers in their own
    /// words (nothing); c3: 邮费谁出啊, a1 answers with the 运费 answer (a candidate, to be rejected).
    /// </summary>
    private static string Events(string shop) => $$"""
        {"type":"message","id":"m1","shop":"{{shop}}","at":"2026-11-20T10:00:00+08:00","conversation":"c1","customer":"u1","sender":"customer","text":"啥时候能寄出来呀"}
        {"type":"message","id":"m2","shop":"{{shop}}","at":"2026-11-20T10:00:30+08:00","conversation":"c1","sender":"agent","agent":"a1","text":"亲～付款后48小时内发货，节假日顺延哦"}
        {"type":"message","id":"m3","shop":"{{shop}}","at":"2026-11-20T11:00:00+08:00","conversation":"c2","customer":"u2","sender":"customer","text":"衣服起球怎么办"}
        {"type":"message","id":"m4","shop":"{{shop}}","at":"2026-11-20T11:00:30+08:00","conversation":"c2","sender":"agent","agent":"a2","text":"亲，可以用剪刀轻轻剪掉，下次手洗就好"}
        {"type":"message","id":"m5","shop":"{{shop}}","at":"2026-11-20T12:00:00+08:00","conversation":"c3","customer":"u3","sender":"customer","text":"邮费谁出啊"}
        {"type":"message","id":"m6","shop":"{{shop}}","at":"2026-11-20T12:00:30+08:00","conversation":"c3","sender":"agent","agent":"a1","text":"亲，全店满99元包邮。"}
        """;

    private async Task<HttpClient> Shop(string shop)
    {
        var client = server.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/events", new StringContent(Events(shop), Encoding.UTF8, "application/x-ndjson"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync($"/api/v1/shops/{shop}/faq", new StringContent(Kb, Encoding.UTF8, "text/csv"))).StatusCode);
        return client;
    }

    private static async Task<JsonElement> Mine(HttpClient client, string shop) =>
        JsonDocument.Parse(await (await client.PostAsJsonAsync($"/api/v1/shops/{shop}/faq/paraphrases/mine", new { from = "2026-11-20", to = "2026-11-20" })).Content.ReadAsStringAsync()).RootElement;

    private static async Task<JsonElement> List(HttpClient client, string shop, string state = "") =>
        JsonDocument.Parse(await client.GetStringAsync($"/api/v1/shops/{shop}/faq/paraphrases{(state.Length > 0 ? "?state=" + state : "")}")).RootElement;

    /// <summary>The best entry for a question with 8 customers waiting (the policy sends an answer only for a good match).</summary>
    private static async Task<(string? Question, bool Answer)> Ask(HttpClient client, string shop, string question)
    {
        var r = JsonDocument.Parse(await (await client.PostAsJsonAsync($"/api/v1/shops/{shop}/faq/ask", new { question, waiting = 8 })).Content.ReadAsStringAsync()).RootElement;
        var matches = r.GetProperty("matches");
        return (matches.GetArrayLength() > 0 ? matches[0].GetProperty("question").GetString() : null, r.GetProperty("answer").GetBoolean());
    }

    [Fact]
    public async Task Questions_answered_with_an_entrys_answer_become_candidates_and_an_unrelated_answer_none()
    {
        var client = await Shop("pm1");

        var mined = await Mine(client, "pm1");
        var again = await Mine(client, "pm1");
        var pending = await List(client, "pm1", "pending");

        Assert.Equal((2, 2), (mined.GetProperty("found").GetInt32(), mined.GetProperty("added").GetInt32()));
        Assert.Equal((2, 0), (again.GetProperty("found").GetInt32(), again.GetProperty("added").GetInt32()));
        Assert.Equal(
            ["下单后多久发货 ← 啥时候能寄出来呀 (c1 m1 m2 a1)", "运费怎么算 ← 邮费谁出啊 (c3 m5 m6 a1)"],
            pending.EnumerateArray().Select(p => $"{p.GetProperty("entry").GetString()} ← {p.GetProperty("text").GetString()} ({p.GetProperty("conversation").GetString()} {p.GetProperty("message").GetString()} {p.GetProperty("reply").GetString()} {p.GetProperty("agent").GetString()})"));
        Assert.Equal(1.0, pending[1].GetProperty("similarity").GetDouble());
    }

    [Fact]
    public async Task Once_accepted_the_FAQ_matches_that_wording_and_a_rejected_one_never_comes_back()
    {
        var client = await Shop("pm2");
        await Mine(client, "pm2");
        var pending = await List(client, "pm2", "pending");
        long Id(string text) => pending.EnumerateArray().Single(p => p.GetProperty("text").GetString() == text).GetProperty("id").GetInt64();
        var before = await Ask(client, "pm2", "啥时候能寄出来呀");

        var accepted = await client.PostAsync($"/api/v1/shops/pm2/faq/paraphrases/{Id("啥时候能寄出来呀")}/accept", null);
        var rejected = await client.PostAsync($"/api/v1/shops/pm2/faq/paraphrases/{Id("邮费谁出啊")}/reject", null);
        var after = await Ask(client, "pm2", "啥时候能寄出来呀");
        var remined = await Mine(client, "pm2");
        var all = await List(client, "pm2");

        Assert.False(before.Answer);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("key:bootstrap", JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()).RootElement.GetProperty("decided_by").GetString());
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal(("下单后多久发货", true), after);
        Assert.Equal(0, remined.GetProperty("added").GetInt32());
        Assert.Equal(["accepted 啥时候能寄出来呀", "rejected 邮费谁出啊"], all.EnumerateArray().Select(p => $"{p.GetProperty("state").GetString()} {p.GetProperty("text").GetString()}"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/v1/shops/pm2/faq/paraphrases/999999/accept", null)).StatusCode);
    }

    [Fact]
    public async Task An_agent_can_neither_list_nor_accept_and_the_supervisor_can()
    {
        var client = await Shop("pm3");
        await Mine(client, "pm3");
        var id = (await List(client, "pm3", "pending"))[0].GetProperty("id").GetInt64();
        using (var scope = server.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
            Assert.Empty(await AccountEndpoints.CreateUser(users, db, "agent-pm3", Password, Roles.Agent, [("pm3", "a1")]));
            Assert.Empty(await AccountEndpoints.CreateUser(users, db, "boss-pm3", Password, Roles.Supervisor, [("pm3", "")]));
        }
        var agent = await SignIn("agent-pm3");
        var boss = await SignIn("boss-pm3");

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync($"/api/v1/shops/pm3/faq/paraphrases/{id}/accept", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/shops/pm3/faq/paraphrases")).StatusCode);
        Assert.Equal("pending", (await List(client, "pm3"))[0].GetProperty("state").GetString());
        var accepted = await boss.PostAsync($"/api/v1/shops/pm3/faq/paraphrases/{id}/accept", null);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("boss-pm3", JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()).RootElement.GetProperty("decided_by").GetString());
    }

    private const string Password = "paraphrase-test-password";

    private async Task<HttpClient> SignIn(string user)
    {
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await client.GetStringAsync("/account/login");
        var response = await client.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value, ["user"] = user, ["password"] = Password, ["returnUrl"] = "/",
        }));
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
