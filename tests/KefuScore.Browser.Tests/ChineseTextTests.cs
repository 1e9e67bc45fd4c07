using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace KefuScore.Browser.Tests;

/// <summary>
/// Every page of the navigation, in Chinese, with the demo shop's data, read as a manager reads it: the visible text
/// holds no engine identifier (snake_case words, known ids, developer references), no English sentence and no raw
/// count of seconds over 600 (a wait reads as 分/小时). Code a page shows on purpose (pre, code, textarea) is left out.
/// </summary>
public sealed partial class ChineseTextTests
{
    /// <summary>The visible text outside pre, code and textarea elements, one text node a line.</summary>
    private const string VisibleText = """
        () => {
          const out = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const el = n.parentElement;
            if (!el || el.closest('pre, code, textarea, script, style, [hidden]')) continue;
            if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
            const t = n.textContent.trim();
            if (t) out.push(t);
          }
          return out.join('\n');
        }
        """;

    [BrowserFact]
    public async Task Every_page_of_the_navigation_reads_in_Chinese_without_identifiers_english_sentences_or_raw_seconds()
    {
        await using var server = await DashboardServer.Start();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserFactAttribute.Launch(playwright);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Address, ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();
        // Two cores run the server, the browser and the test: the staffing and score pages compute for a while.
        page.SetDefaultTimeout(120_000);

        await page.GotoAsync("/account/login");
        await page.FillAsync("#user", DashboardServer.Admin);
        await page.FillAsync("#password", DashboardServer.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/shops/demo");

        var links = (await page.Locator("nav a[href], .mud-navmenu a[href]").EvaluateAllAsync<string[]>("els => els.map(e => e.getAttribute('href'))"))
            .Distinct(StringComparer.Ordinal).ToList();
        Assert.True(links.Count >= 15, $"the navigation lists every page: {string.Join(", ", links)}");
        var problems = new List<string>();
        foreach (var href in links)
        {
            await page.GotoAsync("/" + href.TrimStart('/'), new PageGotoOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
            var text = await Settled(page);
            problems.AddRange(Problems(text).Select(p => $"{href}: {p}"));
            if (href.EndsWith("/conversations", StringComparison.Ordinal))
            {
                // One conversation, with each message explained.
                await page.Locator("#conversations tbody tr a").First.ClickAsync();
                await page.Locator("#explain").WaitForAsync();
                problems.AddRange(Problems(await Settled(page)).Select(p => $"{page.Url}: {p}"));
            }
        }
        Assert.True(problems.Count == 0, "Chinese pages show:\n" + string.Join("\n", problems));
    }

    /// <summary>The page's visible text once it has stopped changing (data arrive after the first render).</summary>
    private static async Task<string> Settled(IPage page)
    {
        await page.Locator("h1").First.WaitForAsync();
        var last = "";
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(500);
            var text = await page.EvaluateAsync<string>(VisibleText);
            if (text == last) return text;
            last = text;
        }
        return last;
    }

    /// <summary>What a Chinese reader should not meet, each with the line it was found in.</summary>
    internal static IEnumerable<string> Problems(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            if (SnakeCase().Match(line) is { Success: true } s) yield return $"identifier '{s.Value}' in «{line}»";
            if (KnownId().Match(line) is { Success: true } k) yield return $"identifier '{k.Value}' in «{line}»";
            if (DeveloperReference().Match(line) is { Success: true } d) yield return $"developer reference '{d.Value}' in «{line}»";
            if (EnglishSentence().Match(line) is { Success: true } e) yield return $"English '{e.Value}' in «{line}»";
            if (RawFigure().Match(line) is { Success: true } f) yield return $"engine figure '{f.Value}' in «{line}»";
            foreach (Match m in RawSeconds().Matches(line))
                if (long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) > 600) yield return $"raw seconds '{m.Value}' in «{line}»";
        }
    }

    [Fact]
    public void The_checks_catch_each_defect_the_issue_quotes()
    {
        Assert.NotEmpty(Problems("reply_rate_3min 0.9373 < 0.97"));
        Assert.NotEmpty(Problems("3分钟人工回复率 0.9 not < 0.5"));
        Assert.NotEmpty(Problems("waited 383 s for a reply (limit 300 s)"));
        Assert.NotEmpty(Problems("'23点到8点' is not a window like \"09:00-19:00\""));
        Assert.NotEmpty(Problems("service=120 is outside 0–100"));
        Assert.NotEmpty(Problems("评定 bronze"));
        Assert.NotEmpty(Problems("规则 (none)"));
        Assert.NotEmpty(Problems("格式见 SPEC §3"));
        Assert.NotEmpty(Problems("可用于 kefu report --profile 文件"));
        Assert.NotEmpty(Problems("等待 81806 秒"));
        Assert.Empty(Problems("3分钟人工回复率 93.7%，低于 97.0%；等了 6分23秒；Webhook 与失败投递；CSV、JSONL 或 XLSX；English；300 秒"));
    }

    [GeneratedRegex(@"\b[a-z]+(?:_[a-z0-9]+)+\b")]
    private static partial Regex SnakeCase();

    [GeneratedRegex(@"\((?:none)\)|\b(?:bronze|silver|gold|improve|part|default|projection_below|pass|fail|none)\b")]
    private static partial Regex KnownId();

    [GeneratedRegex(@"docs/|SPEC|\bkefu [a-z]+|--[a-z]+|\b[a-z_]+=")]
    private static partial Regex DeveloperReference();

    /// <summary>Three ASCII words in a row; hyphenated names (X-Kefu-Signature) are one word.</summary>
    [GeneratedRegex(@"[A-Za-z]+(?:[ ,:;'()]+[A-Za-z]+){2,}")]
    private static partial Regex EnglishSentence();

    /// <summary>A share as the engine writes it (0.9373) or a condition that did not hold ("not &lt; 0.5").</summary>
    [GeneratedRegex(@"\b0\.\d{3,}\b|\bnot [<>≤≥]")]
    private static partial Regex RawFigure();

    [GeneratedRegex(@"(\d{3,})\s*秒")]
    private static partial Regex RawSeconds();
}
