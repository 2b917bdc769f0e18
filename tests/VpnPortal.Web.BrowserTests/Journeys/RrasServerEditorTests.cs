using Microsoft.EntityFrameworkCore;
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
        await page.Locator("#srv-name").FillAsync("VPN01");
        await page.Locator("#srv-fqdn").FillAsync("vpn01..corp.example");
        await page.Locator("#srv-public").FillAsync("vpn.corp.example");
        await page.Locator("#save-server").ClickAsync();

        await Expect(page.Locator(".field-error")).ToHaveCountAsync(1);
        await Expect(page.Locator(".field-error")).ToContainTextAsync("two dots in a row");
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
