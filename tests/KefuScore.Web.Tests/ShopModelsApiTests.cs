using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace KefuScore.Web.Tests;

/// <summary>
/// Issue 18: a shop's own models on the server. A supervisor trains them from the shop's examples, every version is
/// stored, and the shop's inspection (review sample) and FAQ answers use the newest.
/// </summary>
public sealed class ShopModelsApiTests(KefuServerAtMondayNoon server) : IClassFixture<KefuServerAtMondayNoon>
{
    /// <summary>Friday 2026-11-20: a1 answers 又在嘚瑟了, which the built-in model does not find rude.</summary>
    private const string Events = """
        {"type":"message","id":"m1","shop":"sm","at":"2026-11-20T10:00:00+08:00","conversation":"c1","customer":"u1","sender":"customer","text":"我又来问了"}
        {"type":"message","id":"m2","shop":"sm","at":"2026-11-20T10:00:20+08:00","conversation":"c1","sender":"agent","agent":"a1","text":"您好"}
        {"type":"message","id":"m3","shop":"sm","at":"2026-11-20T10:00:40+08:00","conversation":"c1","sender":"agent","agent":"a1","text":"又在嘚瑟了"}
        """;

    /// <summary>The shop's word for showing off, rude in its chats, in several sentences; and clean replies beside them.</summary>
    private static readonly string Labels = string.Join("\n",
        new[] { "别嘚瑟了", "嘚瑟啥呢", "你嘚瑟什么", "少在这嘚瑟", "嘚瑟够了没", "还嘚瑟呢", "嘚瑟给谁看", "有啥好嘚瑟的", "嘚瑟完了再说", "一天到晚嘚瑟" }
            .Select(t => $$"""{"text":"{{t}}","labels":["rude"]}""")
            .Concat(new[] { "您好，已经发货了", "亲，这款有现货哦", "好的，马上帮您查" }.Select(t => $$"""{"text":"{{t}}","labels":[]}""")));

    [Fact]
    public async Task A_shop_s_inspection_model_is_stored_by_version_and_used_by_its_review_sample()
    {
        var client = server.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/events", new StringContent(Events, Encoding.UTF8, "application/x-ndjson"))).StatusCode);
        async Task<List<string>> Rules()
        {
            var sample = await client.PostAsJsonAsync("/api/v1/shops/sm/review/sample", new { from = "2026-11-20", to = "2026-11-20", per_agent = 1, seed = 1 });
            return JsonDocument.Parse(await sample.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray()
                .SelectMany(i => i.GetProperty("findings").EnumerateArray()).Select(f => f.GetProperty("rule").GetString()!).ToList();
        }
        Assert.DoesNotContain("rude", await Rules());

        var first = await client.PostAsync("/api/v1/shops/sm/models/inspection", new StringContent(Labels, Encoding.UTF8, "application/x-ndjson"));
        var second = await client.PostAsync("/api/v1/shops/sm/models/inspection", new StringContent(Labels, Encoding.UTF8, "application/x-ndjson"));
        var list = JsonDocument.Parse(await client.GetStringAsync("/api/v1/shops/sm/models")).RootElement;

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var trained = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(("inspection", 1, 13, "upload"), (trained.GetProperty("kind").GetString(), trained.GetProperty("version").GetInt32(), trained.GetProperty("examples").GetInt32(), trained.GetProperty("source").GetString()));
        Assert.Equal(2, JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement.GetProperty("version").GetInt32());
        Assert.Equal([2, 1], list.EnumerateArray().Select(m => m.GetProperty("version").GetInt32()));
        // The same sample, inspected again: the shop's model finds what the built-in one did not.
        Assert.Contains("rude", await Rules());
    }

    /// <summary>Seven ways of asking each of the three entries.</summary>
    private static readonly string[] Questions =
    [
        "几时寄出\t什么时候发货", "啥时候能寄走\t什么时候发货", "多久出库\t什么时候发货", "拍了几天发\t什么时候发货", "今天能寄吗\t什么时候发货", "什么时候寄\t什么时候发货", "几天能发出\t什么时候发货",
        "能开票吗\t可以开发票吗", "公司报销要票\t可以开发票吗", "电子票怎么弄\t可以开发票吗", "开个普票\t可以开发票吗", "要专票\t可以开发票吗", "发票抬头怎么填\t可以开发票吗", "能报账吗\t可以开发票吗",
        "邮费多少\t包邮吗", "运费谁出\t包邮吗", "免运费吗\t包邮吗", "要加快递费吗\t包邮吗", "寄过来要钱吗\t包邮吗", "包不包邮\t包邮吗", "快递费怎么算\t包邮吗",
    ];

    [Fact]
    public async Task A_shop_s_faq_model_answers_its_questions_and_bad_examples_are_refused()
    {
        var client = server.Client();
        const string kb = "question,answer,keywords\n什么时候发货,亲，付款后48小时内发货。,发货\n可以开发票吗,可以的，确认收货后申请。,发票\n包邮吗,全店满99元包邮。,运费\n";
        await client.PostAsync("/api/v1/events", new StringContent(Events.Replace("\"sm\"", "\"sm2\"", StringComparison.Ordinal), Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/api/v1/shops/sm2/faq", new StringContent(kb, Encoding.UTF8, "text/csv"))).StatusCode);
        var none = await client.PostAsync("/api/v1/shops/sm2/models/faq", new StringContent("", Encoding.UTF8, "text/plain"));
        var bad = await client.PostAsync("/api/v1/shops/sm2/models/faq", new StringContent("几时寄出\t没有这个问题\n", Encoding.UTF8, "text/plain"));
        var questions = string.Join("\n", Questions);
        var trained = await client.PostAsync("/api/v1/shops/sm2/models/faq", new StringContent(questions, Encoding.UTF8, "text/plain"));
        var ask = JsonDocument.Parse(await (await client.PostAsJsonAsync("/api/v1/shops/sm2/faq/ask", new { question = "单位报销需要开票" })).Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Contains("no customer questions", await none.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("没有这个问题", await bad.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Created, trained.StatusCode);
        Assert.Equal(("faq", 1, 21), (JsonDocument.Parse(await trained.Content.ReadAsStringAsync()).RootElement is var t ? (t.GetProperty("kind").GetString(), t.GetProperty("version").GetInt32(), t.GetProperty("examples").GetInt32()) : default));
        Assert.Equal("model", ask.GetProperty("matcher").GetString());
        Assert.Equal(1, ask.GetProperty("model_version").GetInt32());
        Assert.Equal("可以开发票吗", ask.GetProperty("matches")[0].GetProperty("question").GetString());
    }

    [Fact]
    public async Task Training_from_review_verdicts_needs_some()
    {
        var client = server.Client();
        await client.PostAsync("/api/v1/events", new StringContent(Events.Replace("\"sm\"", "\"sm3\"", StringComparison.Ordinal), Encoding.UTF8, "application/x-ndjson"));
        var response = await client.PostAsync("/api/v1/shops/sm3/models/inspection", new StringContent("", Encoding.UTF8, "application/x-ndjson"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("no reviewed messages", await response.Content.ReadAsStringAsync());
    }
}
