using Microsoft.Playwright;

namespace KefuScore.Browser.Tests;

/// <summary>
/// A browser test: skipped, saying why, when Debian's chromium is missing on a developer's machine; under CI=true it
/// runs regardless and fails, so CI can never pass without running the browser tests (<c>.ci/run</c> installs chromium).
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>Debian's chromium, headless: Playwright's own browser download cannot work here.</summary>
    public static Task<IBrowser> Launch(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"],
    });

    public BrowserFactAttribute()
    {
        if (!File.Exists(Chromium) && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Skip = $"{Chromium} is missing: install the Debian packages chromium and fonts-noto-cjk (.ci/run does) to run the browser tests";
    }
}
