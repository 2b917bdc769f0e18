using System.Text.RegularExpressions;
using VpnPortal.Agent.Simulation;
using VpnPortal.Web.BrowserTests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace VpnPortal.Web.BrowserTests.Journeys;

/// <summary>
/// Someone binds another certificate to a simulated server's IPv6 SSTP listener: the dashboard shows the finding live, the
/// server page shows both hashes and the netsh fix for that server, and the admin acknowledges it with a reason and sees
/// it muted and counted apart.
/// </summary>
public sealed partial class DiagnosticsJourneyTests(ChromiumBrowser chromium)
{
    private const string Rule = "sstp.binding-mismatch";

    [GeneratedRegex("muted-finding")]
    private static partial Regex Muted();

    [Fact]
    public async Task ABindingMismatch_ShowsOnTheDashboardAndServerPageWithItsFix_AndTheAdminAcknowledgesIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SimulatedFleetPortal.StartAsync(1, 0, new SimulationOptions { Seed = 11, TargetSessions = 2 }, ct);
        var server = env.Fleet.RrasServers[0];

        await using var tab = await chromium.NewPageAsync(env.Portal.BaseUrl, "diagnostics");
        await tab.Page.GotoAsync("account/sign-in");
        await tab.SignInAsync(SimulatedFleetPortal.Email, SimulatedFleetPortal.Password);
        await tab.GotoInteractiveAsync("");
        await Expect(tab.Page.Locator("#dashboard-findings")).ToBeVisibleAsync();
        await Expect(tab.Page.Locator($".worst-finding[data-rule='{Rule}']")).ToHaveCountAsync(0);

        server.DriftSstpBinding();

        var worst = tab.Page.Locator($".worst-finding[data-rule='{Rule}']");
        await Expect(worst).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(worst).ToContainTextAsync(server.MachineName);
        await tab.ScreenshotAsync("dashboard");

        await worst.Locator("td:nth-child(2) a").ClickAsync();
        var card = tab.Page.Locator($".finding[data-rule='{Rule}']");
        await Expect(card).ToBeVisibleAsync();
        await Expect(card.Locator("dl.evidence dd.differs")).ToHaveCountAsync(1, new() { Timeout = 5_000 });
        await Expect(card.Locator("dl.evidence dd.differs mark").First).ToBeVisibleAsync();
        await Expect(card.Locator(".command-block pre").First).ToHaveTextAsync("netsh http delete sslcert ipport=0.0.0.0:443");
        await Expect(card.Locator(".command-block pre").Nth(2)).ToContainTextAsync("certhash=");
        await Expect(card.Locator(".copy-command").First).ToBeEnabledAsync();
        await card.ScrollIntoViewIfNeededAsync();
        await tab.ScreenshotAsync("findings");
        if (Environment.GetEnvironmentVariable(PortalPage.ScreenshotsVariable) is { Length: > 0 } folder)
        {
            // The README's picture of a finding: the panel alone, not the whole page.
            await tab.Page.Locator("#server-findings").ScreenshotAsync(new() { Path = Path.Combine(folder, "findings.png"), Style = ".mud-appbar { display: none !important; }" });
        }

        await card.Locator(".acknowledge").ClickAsync();
        await card.GetByLabel("Why is this acceptable for now?").FillAsync("IIS test binding, removed in tonight's change CHG-1234");
        await card.Locator(".confirm").ClickAsync();

        await Expect(card).ToHaveClassAsync(Muted());
        await Expect(card.Locator(".ack-note")).ToContainTextAsync("IIS test binding, removed in tonight's change CHG-1234");
        await Expect(card.Locator(".ack-note")).ToContainTextAsync(SimulatedFleetPortal.Email);
        await tab.ScreenshotAsync("acknowledged");

        await tab.GotoInteractiveAsync("");
        await Expect(tab.Page.Locator("#findings-acknowledged .count")).ToHaveTextAsync("1");
        await Expect(tab.Page.Locator($".worst-finding[data-rule='{Rule}']")).ToHaveCountAsync(0);
        await tab.ShouldHaveNoScriptErrorsAsync();
    }
}
