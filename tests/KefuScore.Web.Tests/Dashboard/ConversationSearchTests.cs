using System.Globalization;
using Bunit;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Web.Dashboard;
using KefuScore.Web.Dashboard.Conversations;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace KefuScore.Web.Tests.Dashboard;

/// <summary>
/// Searching the conversations (<c>?q=</c>) on 2026-11-18: by conversation id, customer id, agent id, the agent's
/// roster name and message text; a term is taken literally; an agent's search stays inside their own conversations.
/// </summary>
public sealed class ConversationSearchTests : ShopWidePageContext
{
    private static readonly DateTimeOffset Now = new(2026, 11, 18, 20, 0, 0, TimeSpan.FromHours(8));

    private static IEnumerable<ChatEvent> Chat(string conversation, string customer, string text, string agent, string day)
    {
        var at = DateTimeOffset.Parse($"{day}T10:00:00+08:00", CultureInfo.InvariantCulture);
        yield return new ChatEvent { Type = EventType.Message, Id = conversation + "-q", Shop = "t", Conversation = conversation, Customer = customer, Sender = Sender.Customer, Kind = MessageKind.Text, Text = text, At = at };
        yield return new ChatEvent { Type = EventType.Message, Id = conversation + "-r", Shop = "t", Conversation = conversation, Customer = customer, Sender = Sender.Agent, Agent = agent, Kind = MessageKind.Text, Text = "好的，马上处理", At = at.AddSeconds(60) };
    }

    /// <summary>Three conversations: a1 (小美) a refund; a2 (大壮) a message full of SQL wildcards and quotes, and a plain greeting.</summary>
    private static IEnumerable<ChatEvent> Shop() =>
        Chat("c-refund", "buyer-7", "我要退款，订单 8801", "a1", "2026-11-16")
            .Concat(Chat("c-wild", "buyer-8", "满 100% 返现_特价 it's", "a2", "2026-11-17"))
            .Concat(Chat("c-plain", "buyer-9", "在吗", "a2", "2026-11-18"));

    private static readonly RosterEntry[] Roster = [new("a1", "小美", "售前"), new("a2", "大壮", "售后")];

    private static async Task<IReadOnlyList<string>> Search(KefuDb db, ApiKeyGrant grant, string q, string? filter = null)
    {
        var shop = await ShopContext.Load(db, grant, "t", new FakeTimeProvider(Now));
        Assert.NotNull(shop);
        var search = ConversationSearch.Parse(q, out var tooLong);
        Assert.False(tooLong);
        var items = await ConversationQuery.List(db, grant, shop, ConversationQuery.Parse(filter), shop.Today.AddDays(-29), shop.Today, search: search);
        return items.Select(i => i.Conversation).Order(StringComparer.Ordinal).ToList();
    }

    private static readonly ApiKeyGrant Admin = new("admin", null) { IsUser = true };
    private static readonly ApiKeyGrant AgentA1 = new("agent", new HashSet<string> { "t" }) { IsUser = true, AgentOf = new Dictionary<string, string> { ["t"] = "a1" } };

    /// <summary>Every way of finding a conversation, and hostile terms taken literally, on one database.</summary>
    private static async Task FindsAndTakesLiterally(Microsoft.EntityFrameworkCore.DbContextOptions<KefuDb> options)
    {
        await KefuStorage.InitialiseAsync(options);
        using (var store = new EventStore(options)) await store.Ingest(Shop().ToList());
        await using var db = new KefuDb(options);
        await AgentRoster.Replace(db, "t", Roster);

        Assert.Equal(["c-refund"], await Search(db, Admin, "退款"));          // message text
        Assert.Equal(["c-refund"], await Search(db, Admin, "buyer-7"));       // customer id
        Assert.Equal(["c-refund"], await Search(db, Admin, "小美"));           // the agent's roster name
        Assert.Equal(["c-plain", "c-wild"], await Search(db, Admin, "a2"));   // agent id
        Assert.Equal(["c-plain", "c-wild"], await Search(db, Admin, "大壮"));
        Assert.Equal(["c-plain"], await Search(db, Admin, "plain"));          // conversation id
        Assert.Equal(["c-plain", "c-refund", "c-wild"], await Search(db, Admin, "马上处理"));
        Assert.Empty(await Search(db, Admin, "退货"));
        // Combined with a filter: nothing was late.
        Assert.Empty(await Search(db, Admin, "退款", "late"));

        // SQL's wildcards and quotes are characters: only the message holding them matches, and nothing breaks.
        Assert.Equal(["c-wild"], await Search(db, Admin, "%"));
        Assert.Equal(["c-wild"], await Search(db, Admin, "_"));
        Assert.Equal(["c-wild"], await Search(db, Admin, "'"));
        Assert.Equal(["c-wild"], await Search(db, Admin, "100% 返现_特"));
        Assert.Empty(await Search(db, Admin, "1_0"));   // "_" is no single-character wildcard
        Assert.Empty(await Search(db, Admin, "满%返"));  // "%" is no wildcard either
        Assert.Empty(await Search(db, Admin, "\\"));
        Assert.Empty(await Search(db, Admin, "'; DROP TABLE events; --"));
        Assert.Equal(["c-plain", "c-refund", "c-wild"], await Search(db, Admin, "马上处理"));

        // An agent's search stays in their own conversations, whatever matches elsewhere.
        Assert.Equal(["c-refund"], await Search(db, AgentA1, "退款"));
        Assert.Empty(await Search(db, AgentA1, "在吗"));     // a colleague's customer's text
        Assert.Empty(await Search(db, AgentA1, "%"));
        Assert.Empty(await Search(db, AgentA1, "a2"));
        Assert.Empty(await Search(db, AgentA1, "大壮"));
        Assert.Empty(await Search(db, AgentA1, "buyer-9"));
        Assert.Equal(["c-refund"], await Search(db, AgentA1, "马上处理"));
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Conversations_are_found_by_id_customer_agent_name_and_text_and_a_term_is_literal(string provider)
    {
        if (provider == "sqlite")
        {
            await FindsAndTakesLiterally(Options);
            return;
        }
        var (connection, database) = await DurabilityTests.CreatePostgresDatabase();
        try
        {
            await FindsAndTakesLiterally(KefuStorage.Options(new StorageLocation(Path.GetTempPath(), connection)));
        }
        finally
        {
            await DurabilityTests.DropPostgresDatabase(database);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void An_empty_term_is_no_search(string? q)
    {
        Assert.Null(ConversationSearch.Parse(q, out var tooLong));
        Assert.False(tooLong);
    }

    [Fact]
    public void A_term_is_trimmed_and_bounded()
    {
        Assert.Equal("退款", ConversationSearch.Parse("  退款 ", out _)!.Term);
        Assert.Equal(new string('字', 50), ConversationSearch.Parse(new string('字', 50), out var fits)!.Term);
        Assert.False(fits);
        Assert.Null(ConversationSearch.Parse(new string('字', 51), out var tooLong));
        Assert.True(tooLong);
    }

    private async Task<IRenderedComponent<KefuScore.Web.Dashboard.Conversations.Conversations>> Page(bool english, string q, string? agent = null)
    {
        await Store(Shop());
        await using (var db = new KefuDb(Options)) await AgentRoster.Replace(db, "t", Roster);
        if (agent is null) await SignIn(KefuScore.App.Storage.Roles.Admin, Now);
        else await SignIn(KefuScore.App.Storage.Roles.Agent, Now, "t", agent);
        // Query parameters come from the address, as in the browser.
        Services.GetRequiredService<NavigationManager>().NavigateTo("shops/t/conversations?filter=all&q=" + Uri.EscapeDataString(q));
        var cut = Render<KefuScore.Web.Dashboard.Conversations.Conversations>(p => p.Add(x => x.ShopId, "t").AddCascadingValue(new Lang(english)));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#conversation-search")), TimeSpan.FromSeconds(10));
        return cut;
    }

    private static List<string> Rows(IRenderedComponent<KefuScore.Web.Dashboard.Conversations.Conversations> cut) =>
        cut.FindAll("#conversations tbody th a").Select(a => a.TextContent).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task The_page_searches_in_chinese_and_carries_the_term_into_its_links_and_export()
    {
        var cut = await Page(english: false, q: "大壮");
        Assert.Equal(["c-plain", "c-wild"], Rows(cut));
        Assert.Equal("搜索“大壮”：会话号、顾客、客服（名册姓名）和近30天的消息内容", cut.Find("#search-note").TextContent);
        Assert.Equal("大壮", cut.Find("#q").GetAttribute("value"));
        Assert.Equal("50", cut.Find("#q").GetAttribute("maxlength"));
        // The filter is kept by the form; filters and exports keep the term.
        Assert.Equal("all", cut.Find("#conversation-search input[name=filter]").GetAttribute("value"));
        var q = Uri.EscapeDataString("大壮");
        Assert.Contains(cut.FindAll("a[href]"), a => a.GetAttribute("href") == $"shops/t/conversations?filter=late&q={q}");
        Assert.Contains(cut.FindAll("a[href]"), a => a.GetAttribute("href") == $"export/t/conversations.csv?filter=all&q={q}");
        Assert.Contains("搜索会话", cut.Find("#conversation-search").TextContent, StringComparison.Ordinal);
        Assert.Equal("shops/t/conversations?filter=all", cut.Find("#clear-search").GetAttribute("href"));
    }

    [Fact]
    public async Task The_page_searches_in_english()
    {
        var cut = await Page(english: true, q: "退款");
        Assert.Equal(["c-refund"], Rows(cut));
        Assert.Equal("Search “退款”: conversation, customer, agent (roster name) and the last 30 days' message text", cut.Find("#search-note").TextContent);
        Assert.Contains("Search conversations", cut.Find("#conversation-search").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_term_over_the_bound_is_refused_and_lists_nothing()
    {
        var cut = await Page(english: false, q: new string('退', 51));
        Assert.Equal("搜索词最多 50 个字，请缩短后再搜。", cut.Find("#search-error").TextContent);
        Assert.Empty(Rows(cut));
    }

    [Fact]
    public async Task An_agents_search_on_the_page_never_shows_a_colleagues_conversation()
    {
        // Every conversation's reply says 马上处理; a1 answered only c-refund.
        var cut = await Page(english: false, q: "马上处理", agent: "a1");
        Assert.Equal(["c-refund"], Rows(cut));
        Assert.DoesNotContain("c-wild", cut.Markup, StringComparison.Ordinal);
    }
}
