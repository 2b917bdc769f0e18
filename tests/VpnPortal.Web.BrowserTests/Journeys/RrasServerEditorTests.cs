using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Shouldly;
using VpnPortal.Testing;
using VpnPortal.Web.BrowserTests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace VpnPortal.Web.BrowserTests.Journeys;

public sealed class RrasServerEditorTests(ChromiumBrowser chromium)
{
    [Fact]
    public async Task NewServer_InvalidDnsName_ShowsTheFieldErrorInPlaceAndSavesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateMigratedAsync(TestDatabase.Sqlite);
        await using var portal = await PortalProcess.StartAsync(db, ct);
        await using var tab = await chromium.NewPageAsync(portal.BaseUrl, "editor");
        var page = tab.Page;
        await tab.CreateFirstAdminAsync(await portal.SetupLinkAsync(), "ada@corp.example", "correct horse battery");

        await tab.GotoInteractiveAsync("servers/rras/new");
        // The first render batch may be the layout's; the editor enables Save once it renders interactively, and
        // anything typed before that render would be reset to the component's empty values.
        await Expect(page.Locator("#save-server")).ToBeEnabledAsync();
        await page.EvaluateAsync("() => { window.__vpnMarker = 42; }");
        // A loaded CI machine once lost two of the three typed values before Save (the form answered "Enter at least one
        // public name"); the cause is not known yet. A person would type them again, and so does this, once, saying so.
        for (var attempt = 1; ; attempt++)
        {
            await page.Locator("#srv-name").FillAsync("VPN01");
            await page.Locator("#srv-fqdn").FillAsync("vpn01..corp.example");
            await page.Locator("#srv-public").FillAsync("vpn.corp.example");
            await page.Locator("#save-server").ClickAsync();
            try
            {
                await Expect(page.Locator(".field-error")).ToContainTextAsync("two dots in a row", new() { Timeout = attempt == 1 ? 10_000 : 15_000 });
                break;
            }
            catch (PlaywrightException e) when (attempt == 1)
            {
                Console.WriteLine($"The form did not keep what was typed; typing it again. {e.Message.Split('\n')[0]}");
            }
        }

        await Expect(page.Locator(".field-error")).ToHaveCountAsync(1);
        await Expect(page.Locator("#srv-fqdn")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator(".alert.error")).ToHaveTextAsync("Please correct the highlighted fields.");
        await tab.ScreenshotAsync("server-form-invalid");

        new Uri(page.Url).AbsolutePath.ShouldBe("/servers/rras/new");
        (await page.EvaluateAsync<int?>("() => window.__vpnMarker ?? null")).ShouldBe(42, "the form was posted and the page reloaded");
        await using var context = db.CreateContext();
        (await context.Servers.CountAsync(ct)).ShouldBe(0);
        await tab.ShouldHaveNoScriptErrorsAsync();
    }
}
