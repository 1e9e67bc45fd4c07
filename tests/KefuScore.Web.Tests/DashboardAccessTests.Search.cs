using System.Net;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Web.Dashboard;
using KefuScore.Web.Dashboard.Conversations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace KefuScore.Web.Tests;

public sealed partial class DashboardAccessTests
{
    [Fact]
    public async Task An_agents_search_and_its_export_never_return_a_colleagues_conversation()
    {
        var (me, _, _, theirs) = await Seed();
        string text, customer;
        using (var scope = server.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
            var asked = await db.Events.AsNoTracking()
                .Where(e => e.Shop == "north" && e.Conversation == theirs && e.Sender == (short)Sender.Customer && e.Text != null && e.Text != "")
                .OrderBy(e => e.AtTicks).FirstAsync();
            (text, customer) = (asked.Text!, asked.Customer!);
            // The words do find the colleague's conversation for the whole shop: the agent's search below is narrowed, not empty by chance.
            var shop = await ShopContext.Load(db, new ApiKeyGrant("admin", null), "north", server.Services.GetRequiredService<TimeProvider>());
            var all = await ConversationQuery.List(db, new ApiKeyGrant("admin", null), shop!, ConversationFilter.All, shop!.Today.AddDays(-29), shop.Today,
                search: ConversationSearch.Parse(text, out _));
            Assert.Contains(all, i => i.Conversation == theirs);
        }

        using var agent = await SignIn("agent-north");
        foreach (var q in new[] { text, customer, theirs })
        {
            var page = await agent.GetStringAsync("/shops/north/conversations?q=" + Uri.EscapeDataString(q));
            Assert.DoesNotContain($">{theirs}</a>", page);
            var rows = (await agent.GetStringAsync("/export/north/conversations.csv?filter=all&q=" + Uri.EscapeDataString(q)))
                .TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(r => r.Split(',')).ToList();
            Assert.DoesNotContain(rows, r => r[0] == theirs);
            Assert.All(rows, r => Assert.Equal(me, r[1]));
        }
        // One of the agent's listed conversations is found by its id, on the page and in the export.
        var listed = (await agent.GetStringAsync("/export/north/conversations.csv")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries)[1].Split(',')[0];
        Assert.Contains($">{listed}</a>", await agent.GetStringAsync("/shops/north/conversations?q=" + Uri.EscapeDataString(listed)));
        var own = (await agent.GetStringAsync("/export/north/conversations.csv?q=" + Uri.EscapeDataString(listed))).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(own.Skip(1), r => r.StartsWith(listed + ",", StringComparison.Ordinal));
        // A term over the bound is refused, not run without it.
        Assert.Equal(HttpStatusCode.BadRequest, (await agent.GetAsync("/export/north/conversations.csv?q=" + new string('x', ConversationSearch.MaxLength + 1))).StatusCode);
    }
}
