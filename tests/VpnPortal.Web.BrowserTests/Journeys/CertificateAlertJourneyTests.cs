using Microsoft.Playwright;
using Shouldly;
using VpnPortal.Agent.Simulation;
using VpnPortal.Web.BrowserTests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace VpnPortal.Web.BrowserTests.Journeys;

/// <summary>
/// A simulated RRAS server reports the SSTP certificate it is set to use, 165 days from expiry, and SSTP certificates
/// are watched from 180 days: the scheduled scan opens a firing alert, the on-call person finds it in the browser,
/// acknowledges it with a note, and it shows as acknowledged by them.
/// </summary>
public sealed class CertificateAlertJourneyTests(ChromiumBrowser chromium)
{
    private const string OnCallEmail = "oscar@corp.example";
    private const string OnCallPassword = "on call all night long 42";
    private const string Note = "Renewal ordered, CHG-4711";

    [Fact]
    public async Task AnExpiringCertificateFromAServer_BecomesAFiringAlert_AndTheOnCallPersonAcknowledgesIt()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = new Dictionary<string, string>
        {
            ["Alerts:PurposeThresholdDays:Sstp:0"] = "180",
            ["Alerts:ScanInterval"] = "00:00:02",
        };
        await using var env = await SimulatedFleetPortal.StartAsync(1, 0, new SimulationOptions { Seed = 11, TargetSessions = 2 }, ct, settings);
        var server = env.Fleet.RrasServers[0];
        var sha1 = SimulatedCertificates.Sha1(server.Certificates.SstpCertificate);
        var created = await AdminCommands.RunAsync(env.Database, "create-user", "--email", OnCallEmail, "--password", OnCallPassword, "--role", "OnCall");
        created.Exit.ShouldBe(0, created.Err);

        await using var tab = await chromium.NewPageAsync(env.Portal.BaseUrl, "certificate-alert");
        await tab.Page.GotoAsync("account/sign-in");
        await tab.SignInAsync(OnCallEmail, OnCallPassword);

        // The list is read when the page opens: look again until the scan, every 2 s, has opened the alert.
        var row = tab.Page.Locator($".alert-row:has([data-state='firing']):has(code[title='{sha1}'])");
        var deadline = DateTime.UtcNow.AddSeconds(45);
        do
        {
            await tab.GotoInteractiveAsync("alerts");
            if (await row.CountAsync() > 0 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(1000, ct);
        }
        while (true);

        await Expect(row).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync(server.MachineName);
        await Expect(row).ToContainTextAsync("180 days before expiry");
        await tab.ScreenshotAsync("alerts");

        await row.Locator("a.strong").ClickAsync();
        await Expect(tab.Page.Locator("#alert-state")).ToHaveTextAsync("firing");
        await Expect(tab.Page.Locator("#alert-installed-on")).ToContainTextAsync(server.MachineName);
        await Expect(tab.Page.Locator("#alert-facts")).ToContainTextAsync(sha1);
        await Expect(tab.Page.Locator("#alert-timeline")).ToContainTextAsync("opened");

        await tab.Page.Locator("#ack-note").FillAsync(Note);
        await tab.Page.Locator("#ack-button").ClickAsync();

        await Expect(tab.Page.Locator("#alert-state")).ToHaveTextAsync("acknowledged");
        await Expect(tab.Page.Locator("#alert-acknowledged")).ToContainTextAsync(OnCallEmail);
        await Expect(tab.Page.Locator("#alert-acknowledged")).ToContainTextAsync(Note);
        await Expect(tab.Page.Locator("#ack-button")).ToHaveCountAsync(0);
        await tab.ScreenshotAsync("acknowledged");

        await tab.GotoInteractiveAsync("alerts");
        await tab.ChooseAsync(tab.Page.GetByLabel("State"), tab.Page.GetByRole(AriaRole.Option, new() { Name = "Acknowledged", Exact = true }));
        var acknowledged = tab.Page.Locator($".alert-row:has([data-state='acknowledged']):has(code[title='{sha1}'])");
        await Expect(acknowledged).ToBeVisibleAsync();
        await Expect(acknowledged).ToContainTextAsync($"by {OnCallEmail}");
        await tab.ShouldHaveNoScriptErrorsAsync();
    }
}
