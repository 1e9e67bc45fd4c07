using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace KefuScore.Browser.Tests;

/// <summary>
/// What a manager does every morning, in a real browser against the real server: sign in, read the demo shop's
/// overview in Chinese, open a late conversation from the heatmap and see why it counted, switch to English, export a
/// table. Screenshots land in TestResults/screenshots beside the test assembly; axe finds nothing serious.
/// </summary>
public sealed class DashboardTests
{
    private static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    /// <summary>A fresh server and a laptop-sized browser page (1366×768).</summary>
    private static async Task<(DashboardServer Server, IPlaywright Playwright, IBrowser Browser, IPage Page)> Open()
    {
        var server = await DashboardServer.Start();
        var playwright = await Playwright.CreateAsync();
        var browser = await BrowserFactAttribute.Launch(playwright);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.Address, ViewportSize = new ViewportSize { Width = 1366, Height = 768 }, AcceptDownloads = true,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        // Chromium reports each thing the Content-Security-Policy blocks on the console ("Refused to …").
        var refused = new List<string>();
        Refused.Add(page, refused);
        page.Console += (_, m) =>
        {
            if (m.Text.Contains("Content Security Policy", StringComparison.Ordinal)) lock (refused) refused.Add(m.Text);
        };
        Directory.CreateDirectory(Screenshots);
        return (server, playwright, browser, page);
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, List<string>> Refused = [];

    /// <summary>Nothing the pages needed was blocked by the server's Content-Security-Policy (SecurityHeaders.Policy).</summary>
    private static void AssertNothingRefusedByThePolicy(IPage page)
    {
        var refused = Refused.TryGetValue(page, out var list) ? list : [];
        lock (refused) Assert.True(refused.Count == 0, string.Join("\n", refused));
    }

    private static async Task SignIn(IPage page)
    {
        await page.GotoAsync("/account/login");
        await page.FillAsync("#user", DashboardServer.Admin);
        await page.FillAsync("#password", DashboardServer.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/shops/demo");
    }

    [BrowserFact]
    public async Task An_admin_imports_a_file_with_a_bad_line_and_checks_a_broken_profile()
    {
        var (server, playwright, browser, page) = await Open();
        await using var _ = server;
        using var __ = playwright;
        await using var ___ = browser;
        var file = Path.Combine(Screenshots, "upload.csv");
        try
        {
            await SignIn(page);

            // Two good lines and one with a broken time: the good ones are stored, the bad one listed with its reason.
            File.WriteAllText(file, string.Join("\n",
                "type,id,shop,at,conversation,customer,sender,agent,kind,text",
                "message,u1,upload,2026-11-20T10:00:00+08:00,k1,c1,customer,,text,在吗",
                "message,u2,upload,2026-11-20T10:01:00+08:00,k1,c1,agent,upload-a1,text,在的",
                "message,u3,upload,yesterday,k1,c1,customer,,text,还在吗") + "\n");
            await page.GotoAsync("/import");
            await page.Locator("h1").WaitForAsync();
            await InputFileReady(page, "import-file");
            await page.Locator("#import-file").SetInputFilesAsync(file);
            await page.Locator("#import-result").WaitForAsync(new LocatorWaitForOptions { Timeout = 90_000 });
            Assert.Contains("已保存 2 条", await page.Locator("#import-result").InnerTextAsync());
            var rejected = page.Locator("#rejected tbody tr");
            Assert.Equal(1, await rejected.CountAsync());
            Assert.StartsWith("4", (await rejected.Locator("td").First.InnerTextAsync()).Trim());
            Assert.Equal("时间（at）", (await rejected.Locator("td").Nth(1).InnerTextAsync()).Trim());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "5-import.png"), FullPage = true });
            await AssertNoSeriousViolations(page, "import");

            // The new shop is in the switcher.
            await page.GotoAsync("/shops/upload");
            await page.Locator("#refreshed").WaitForAsync();
            Assert.Contains("upload", await page.Locator("#shop-switcher").InnerTextAsync());

            // A profile with a bad duration: the error is printed under the line it is about.
            var yaml = Path.Combine(Screenshots, "mine.yaml");
            File.WriteAllText(yaml, "id: mine\nnames: { zh-CN: 我的 }\nmetrics:\n  - id: rate\n    kind: reply_within\n    within: soon\n");
            await page.GotoAsync("/profiles");
            await page.Locator("#profile-ok").WaitForAsync();
            await InputFileReady(page, "profile-file");
            await page.Locator("#profile-file").SetInputFilesAsync(yaml);
            var error = page.Locator(".kefu-yaml-error").First;
            await error.WaitForAsync();
            Assert.Contains("within：「soon」不是有效的时长", await error.InnerTextAsync());
            var before = await page.Locator(".kefu-yaml-line").Nth(5).InnerTextAsync();
            Assert.Contains("within: soon", before);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "6-profile-errors.png"), FullPage = true });

            // The same profile fixed: stored as version 1, listed, and refused for a shop that already has data.
            // (another file name: choosing the same file again fires no change)
            var fixedYaml = Path.Combine(Screenshots, "mine-fixed.yaml");
            File.WriteAllText(fixedYaml, "id: mine\nnames: { zh-CN: 我的 }\nmetrics:\n  - id: rate\n    kind: reply_within\n    within: 60s\n");
            await page.Locator("#profile-file").SetInputFilesAsync(fixedYaml);
            await page.Locator("#profile-save").ClickAsync();
            await page.Locator("#profile-save-message").WaitForAsync();
            Assert.Contains("mine 第 1 版", await page.Locator("#profile-save-message").InnerTextAsync());
            await page.Locator("#profile-versions tr[data-profile='mine@1']").WaitForAsync();
            await page.Locator("#assign-shop").SelectOptionAsync("upload");
            await page.Locator("#assign-button").ClickAsync();
            await page.Locator("#assign-message").WaitForAsync();
            Assert.Contains("已有数据", await page.Locator("#assign-message").InnerTextAsync());
            await AssertNoSeriousViolations(page, "profiles");

            // The live page imports its script module (live.js) once interactive; nothing on the way is refused.
            await page.GotoAsync("/shops/demo/live");
            await page.Locator("h1").WaitForAsync();
            await page.WaitForFunctionAsync("() => window.Blazor !== undefined");
            AssertNothingRefusedByThePolicy(page);
        }
        catch (Exception e)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "failure-import.png"), FullPage = true });
            throw new InvalidOperationException($"{e.Message}\nserver console:\n{server.Log}", e);
        }
    }

    [BrowserFact]
    public async Task A_manager_signs_in_reads_the_overview_follows_a_late_reply_switches_language_and_exports()
    {
        var (server, playwright, browser, page) = await Open();
        await using var _ = server;
        using var __ = playwright;
        await using var ___ = browser;
        try
        {
            // Signed out, any page leads to the sign-in form, in Chinese.
            await page.GotoAsync("/");
            await page.WaitForURLAsync("**/account/login**");
            Assert.Equal("登录", (await page.Locator("button[type=submit]").InnerTextAsync()).Trim());
            await AssertNoSeriousViolations(page, "login");

            await page.FillAsync("#user", DashboardServer.Admin);
            await page.FillAsync("#password", DashboardServer.Password);
            await page.ClickAsync("button[type=submit]");

            // The demo shop's overview: the 3-minute rate against its 97% line, yesterday's verdicts, the heatmap.
            await page.WaitForURLAsync("**/shops/demo");
            await page.Locator("#refreshed").WaitForAsync();
            Assert.Contains("概览", await page.Locator("h1").InnerTextAsync());
            var rate = page.Locator("#metrics tr[data-metric=reply_rate_3min]");
            Assert.Contains("3分钟人工回复率", await rate.InnerTextAsync());
            Assert.Contains("< 97.0%", await rate.InnerTextAsync());
            // Yesterday has a value and a verdict colour (the demo ends yesterday); today has none yet.
            Assert.Matches(@"\d+\.\d%", await rate.Locator("td").Nth(1).InnerTextAsync());
            Assert.Matches("^(pass|fail)$", await rate.Locator("td").Nth(1).Locator("span").GetAttributeAsync("data-status") ?? "");
            // The demo's rate sits under 97% on most days: yesterday's standard verdict is red, and says so.
            Assert.Contains("不达标", await page.Locator("#verdicts").InnerTextAsync());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "1-overview-zh.png"), FullPage = true });
            await AssertNoSeriousViolations(page, "overview");

            // The busiest heatmap cell opens the late conversations of that weekday and hour.
            var cells = page.Locator(".kefu-heatmap a[data-late]");
            Assert.True(await cells.CountAsync() > 0, "the heatmap shows late replies");
            await cells.First.ClickAsync();
            await page.WaitForURLAsync("**/shops/demo/conversations?filter=late**");
            var first = page.Locator("#conversations tbody tr").First;
            await first.WaitForAsync();
            Assert.NotEqual("0", (await first.Locator("td").Nth(3).InnerTextAsync()).Trim());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "2-late-conversations.png"), FullPage = true });
            await AssertNoSeriousViolations(page, "conversations");

            // The conversation: each message, whether it counted, its reply time and why; at least one was late or unanswered.
            await first.Locator("a").ClickAsync();
            await page.WaitForURLAsync("**/shops/demo/conversations/**");
            await page.Locator("#explain").WaitForAsync();
            var late = page.Locator("#explain tr[data-reason=late], #explain tr[data-reason=unanswered]");
            Assert.True(await late.CountAsync() > 0, "the late conversation shows a late or unanswered message");
            Assert.Contains("计入", await page.Locator("#explain").InnerTextAsync());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "3-conversation.png"), FullPage = true });
            await AssertNoSeriousViolations(page, "conversation");

            // English, remembered: the next page is English too.
            await page.ClickAsync("a.kefu-appbar-link");
            // A full page load (the language is fixed per page): wait for the new document, not the old one's table.
            await page.Locator("html[lang=en]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
            await page.Locator("#explain").WaitForAsync();
            Assert.Contains("Conversation", await page.Locator("h1").InnerTextAsync());
            await page.GotoAsync("/shops/demo");
            await page.Locator("#refreshed").WaitForAsync();
            Assert.Contains("Overview", await page.Locator("h1").InnerTextAsync());
            Assert.Contains("3-minute human reply rate", await page.Locator("#metrics tr[data-metric=reply_rate_3min]").InnerTextAsync());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "4-overview-en.png"), FullPage = true });

            // Export the overview table as CSV: a header and one row per day of the demo's 14.
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByText("Export CSV").First.ClickAsync());
            var file = Path.Combine(Screenshots, download.SuggestedFilename);
            await download.SaveAsAsync(file);
            var lines = File.ReadAllLines(file).Where(l => l.Length > 0).ToList();
            // Exports speak the reader's language (issue 16): English headers after the switch, metric names not ids.
            Assert.StartsWith("Date,Consultations,3-minute human reply r", lines[0].TrimStart('\uFEFF'));
            Assert.Contains("Verdict: ", lines[0], StringComparison.Ordinal);
            Assert.DoesNotContain("reply_rate_3min", lines[0], StringComparison.Ordinal);
            Assert.Equal(14, lines.Count - 1);
            AssertNothingRefusedByThePolicy(page);
        }
        catch (Exception e)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "failure.png"), FullPage = true });
            throw new InvalidOperationException($"{e.Message}\nserver console:\n{server.Log}", e);
        }
    }

    /// <summary>
    /// Waits until Blazor's InputFile has hooked its change listener on the element (it marks the element when it
    /// does); a file set before that is never seen by the page.
    /// </summary>
    private static async Task InputFileReady(IPage page, string id)
    {
        await page.Locator("#kefu-live").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        await page.WaitForFunctionAsync($"() => document.getElementById('{id}')?._blazorInputFileNextFileId !== undefined");
    }

    private static async Task AssertNoSeriousViolations(IPage page, string name)
    {
        // Checked once the page is interactive and settled, not while the circuit swaps the prerendered content.
        if (!page.Url.Contains("/account/", StringComparison.Ordinal))
            await page.Locator("#kefu-live").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        await page.WaitForFunctionAsync("() => document.title.length > 0 && !document.getElementById('loading')");
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"{name}: " + string.Join("\n", serious.Select(v =>
            $"{v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))}")));
    }
}
