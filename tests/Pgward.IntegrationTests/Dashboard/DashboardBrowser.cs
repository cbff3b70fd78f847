using Microsoft.Playwright;
using Pgward.IntegrationTests.Deploy;
using Xunit;

namespace Pgward.IntegrationTests.Dashboard;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright's bundled driver (no browser download), and where its screenshots
/// go: <c>artifacts/test-results/dashboard</c> in the repository, emptied when a test starts it and emptied again with
/// the rest of the results by the next <c>scripts/test</c>; kept whether the test passed or failed.
/// </summary>
public sealed class DashboardBrowser : IAsyncDisposable
{
    /// <summary>Installed by scripts/install-deps (<c>apt-get install chromium</c>).</summary>
    public const string Chromium = "/usr/bin/chromium";

    private readonly IPlaywright playwright;
    private readonly IBrowser browser;
    private readonly List<IBrowserContext> contexts = [];

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, string screenshots)
    {
        this.playwright = playwright;
        this.browser = browser;
        Screenshots = screenshots;
    }

    public string Screenshots { get; }

    public static async Task<DashboardBrowser> LaunchAsync(string testName)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run scripts/install-deps (it installs Debian's chromium package)");
        var screenshots = Path.Combine(DeployGuide.RepositoryRoot(), "artifacts", "test-results", "dashboard", testName);
        if (Directory.Exists(screenshots))
        {
            Directory.Delete(screenshots, recursive: true);
        }
        Directory.CreateDirectory(screenshots);
        TestContext.Current.TestOutputHelper?.WriteLine($"screenshots: {screenshots}");
        var playwright = await Playwright.CreateAsync();
        try
        {
            // As root Chromium runs only without its sandbox; the test's own processes are the only content it loads.
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            });
            return new DashboardBrowser(playwright, browser, screenshots);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A new tab (in a context of its own: its own session storage) on <paramref name="url"/>; every
    /// confirmation the page asks for is accepted.</summary>
    public async Task<IPage> OpenAsync(string url)
    {
        // The sandbox's agents present certificates of its own CA, which this browser does not know.
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            IgnoreHTTPSErrors = true,
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
        contexts.Add(context);
        var page = await context.NewPageAsync();
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.GotoAsync(url);
        return page;
    }

    public async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        foreach (var context in contexts)
        {
            await context.DisposeAsync();
        }
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
