using Microsoft.Playwright;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Web.BrowserTests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright (no browser download: the registries here cannot give one). One browser
/// for the whole run, started on first use; every test gets its own context (cookies, storage).
/// </summary>
public sealed class ChromiumBrowser : IAsyncDisposable
{
    public const string Variable = "VPNPORTAL_TEST_CHROMIUM";
    public const string DebianChromium = "/usr/bin/chromium";

    private static readonly string[] Args =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>VPNPORTAL_TEST_CHROMIUM if set, else Debian's /usr/bin/chromium if present, else null.</summary>
    public static string? FindExecutable()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            // Named explicitly: a wrong path is a mistake to report, not a reason to skip.
            return File.Exists(configured) ? configured : throw new FileNotFoundException($"{Variable} names {configured}, which does not exist.");
        }

        return File.Exists(DebianChromium) ? DebianChromium : null;
    }

    /// <summary>
    /// A fresh context and page on <paramref name="baseUrl"/>; skips (fails on CI) without Chromium. With
    /// <paramref name="ignoreHttpsErrors"/> the page accepts a certificate made for the run (a proxy's on loopback).
    /// </summary>
    public async Task<PortalPage> NewPageAsync(Uri baseUrl, string testName, ViewportSize? viewport = null, ColorScheme colorScheme = ColorScheme.Light, bool ignoreHttpsErrors = false)
    {
        var browser = await BrowserAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl.ToString(),
            ViewportSize = viewport ?? new ViewportSize { Width = 1366, Height = 900 },
            Locale = "en-GB",
            // The operating system's light or dark setting, as the page's prefers-color-scheme sees it.
            ColorScheme = colorScheme,
            IgnoreHTTPSErrors = ignoreHttpsErrors,
        });
        context.SetDefaultTimeout(20_000);
        return await PortalPage.OpenAsync(context, testName);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        _gate.Dispose();
    }

    private async Task<IBrowser> BrowserAsync()
    {
        await _gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (_browser is not null)
            {
                return _browser;
            }

            var executable = FindExecutable();
            if (executable is null)
            {
                const string reason = $"Browser tests need Chromium: apt-get install chromium, or set {Variable} to a Chromium binary.";
                if (TestEnvironment.IsCi)
                {
                    throw new InvalidOperationException("On CI the browser tests must run. " + reason);
                }

                Assert.Skip(reason);
            }

            // Belt and braces: nothing in this run may try to fetch Playwright's own browser builds.
            Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
            Assertions.SetDefaultExpectTimeout(15_000);
            _playwright = await Playwright.CreateAsync();
            // Playwright gives every launch a fresh temporary profile (user data dir) and deletes it on close.
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executable,
                Headless = true,
                Args = Args,
                Timeout = 60_000,
            });
            return _browser;
        }
        finally
        {
            _gate.Release();
        }
    }
}
