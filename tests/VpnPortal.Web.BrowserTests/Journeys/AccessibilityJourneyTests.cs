using Microsoft.Playwright;
using Shouldly;
using VpnPortal.Agent.Simulation;
using VpnPortal.Web.BrowserTests.Infrastructure;
using Xunit;

namespace VpnPortal.Web.BrowserTests.Journeys;

/// <summary>
/// Every main page, and the sign-in page, passes axe-core's WCAG 2.1 AA rules (no serious or critical violation) in
/// both themes. Each page is opened once and checked as the system's light theme, then again once the system turns
/// dark (the portal follows it live, as it does for a person whose laptop switches at dusk). The pages are shared
/// between two classes: xunit runs a class's tests one after another, and these are the longest journeys of the suite,
/// so the two halves run beside each other.
/// </summary>
public abstract class AccessibilityJourneyTests(ChromiumBrowser chromium, int half)
{
    [Fact]
    public async Task EveryMainPage_PassesAxe_InBothThemes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SimulatedFleetPortal.StartAsync(1, 1, new SimulationOptions { Seed = 9, TargetSessions = 6 }, ct);
        var (rras, nps) = await AppearanceJourneyTests.ServerIdsAsync(env, ct);
        var pages = AppearanceJourneyTests.MainPages(rras, nps);
        var mine = pages.Where((_, i) => i % 2 == half).ToList();

        var failures = new List<string>();
        await using var tab = await chromium.NewPageAsync(env.Portal.BaseUrl, $"axe-{half}");
        await tab.Page.GotoAsync("account/sign-in");
        if (half == 0)
        {
            failures.AddRange(await InBothThemesAsync(tab, "account/sign-in", interactive: false));
        }

        await tab.SignInAsync(SimulatedFleetPortal.Email, SimulatedFleetPortal.Password);
        foreach (var page in mine)
        {
            await tab.GotoInteractiveAsync(page);
            failures.AddRange(await InBothThemesAsync(tab, $"/{page}", interactive: true));
        }

        await tab.ShouldHaveNoScriptErrorsAsync();
        failures.ShouldBeEmpty();
    }

    /// <summary>
    /// Axe's serious findings on the page as it is, in the system's light theme and then in its dark theme (each pass
    /// sets the system's theme itself, so the next page may open in either).
    /// </summary>
    private static async Task<List<string>> InBothThemesAsync(PortalPage tab, string page, bool interactive)
    {
        var failures = new List<string>();
        foreach (var (scheme, background) in new[] { (ColorScheme.Light, AppearanceJourneyTests.LightBackground), (ColorScheme.Dark, AppearanceJourneyTests.DarkBackground) })
        {
            await tab.Page.EmulateMediaAsync(new() { ColorScheme = scheme });
            if (interactive)
            {
                // The theme follows the system once the page is interactive; MudBlazor's inputs then fade to the new
                // palette over 200 ms, and a label measured half-way would be a false finding.
                await AppearanceJourneyTests.ExpectBackgroundAsync(tab, background);
                await tab.Page.WaitForTimeoutAsync(400);
            }

            failures.AddRange((await tab.SeriousAccessibilityViolationsAsync()).Select(v => $"[{scheme}] {page}: {v}"));
        }

        return failures;
    }
}

public sealed class AccessibilityFirstHalfTests(ChromiumBrowser chromium) : AccessibilityJourneyTests(chromium, 0);

public sealed class AccessibilitySecondHalfTests(ChromiumBrowser chromium) : AccessibilityJourneyTests(chromium, 1);

/// <summary>The check finds what axe calls serious, on its first run on a page and on the next (axe already loaded).</summary>
public sealed class AccessibilityCheckTests(ChromiumBrowser chromium)
{
    [Fact]
    public async Task TheCheck_FindsAnImageWithoutText_AndTextTooFaintToRead_EachTimeItRuns()
    {
        await using var tab = await chromium.NewPageAsync(new Uri("http://127.0.0.1/"), "axe-planted");
        await tab.Page.SetContentAsync(
            """
            <!doctype html>
            <html lang="en">
            <head><title>Two planted violations</title></head>
            <body><main>
              <h1>Two planted violations</h1>
              <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
              <p style="color: #c8c8c8; background: #ffffff">Too faint to read</p>
            </main></body>
            </html>
            """);

        var first = await tab.SeriousAccessibilityViolationsAsync();
        var second = await tab.SeriousAccessibilityViolationsAsync();

        first.Select(v => v[..v.IndexOf(':', StringComparison.Ordinal)]).ShouldBe(["color-contrast (serious)", "image-alt (critical)"], ignoreOrder: true);
        second.ShouldBe(first);
    }
}
