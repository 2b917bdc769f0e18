using Microsoft.Playwright;
using Shouldly;
using VpnPortal.Agent.Simulation;
using VpnPortal.Web.BrowserTests.Infrastructure;
using Xunit;

namespace VpnPortal.Web.BrowserTests.Journeys;

/// <summary>
/// Every main page, and the sign-in page, passes axe-core's WCAG 2.1 AA rules (no serious or critical violation) in a
/// theme. One class per theme: xunit runs a class's tests one after another, and the two themes are the longest
/// journey of the suite, so they run beside each other.
/// </summary>
public abstract class AccessibilityJourneyTests(ChromiumBrowser chromium, ColorScheme scheme)
{
    [Fact]
    public async Task EveryMainPage_PassesAxe()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SimulatedFleetPortal.StartAsync(1, 1, new SimulationOptions { Seed = 9, TargetSessions = 6 }, ct);
        var (rras, nps) = await AppearanceJourneyTests.ServerIdsAsync(env, ct);

        var failures = new List<string>();
        await using var tab = await chromium.NewPageAsync(env.Portal.BaseUrl, $"axe-{scheme}", colorScheme: scheme);
        await tab.Page.GotoAsync("account/sign-in");
        failures.AddRange((await tab.SeriousAccessibilityViolationsAsync()).Select(v => $"[{scheme}] account/sign-in: {v}"));
        await tab.SignInAsync(SimulatedFleetPortal.Email, SimulatedFleetPortal.Password);
        foreach (var page in AppearanceJourneyTests.MainPages(rras, nps))
        {
            await tab.GotoInteractiveAsync(page);
            await AppearanceJourneyTests.ExpectBackgroundAsync(
                tab, scheme == ColorScheme.Dark ? AppearanceJourneyTests.DarkBackground : AppearanceJourneyTests.LightBackground);
            // "As the system" is known once the page is interactive; MudBlazor's inputs then fade to the dark
            // palette over 200 ms, and a label measured half-way would be a false finding.
            await tab.Page.WaitForTimeoutAsync(400);
            failures.AddRange((await tab.SeriousAccessibilityViolationsAsync()).Select(v => $"[{scheme}] /{page}: {v}"));
        }

        await tab.ShouldHaveNoScriptErrorsAsync();
        failures.ShouldBeEmpty();
    }
}

public sealed class LightThemeAccessibilityTests(ChromiumBrowser chromium) : AccessibilityJourneyTests(chromium, ColorScheme.Light);

public sealed class DarkThemeAccessibilityTests(ChromiumBrowser chromium) : AccessibilityJourneyTests(chromium, ColorScheme.Dark);
