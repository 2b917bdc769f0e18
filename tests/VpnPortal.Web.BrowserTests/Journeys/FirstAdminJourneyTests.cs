using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Shouldly;
using VpnPortal.Testing;
using VpnPortal.Web.BrowserTests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace VpnPortal.Web.BrowserTests.Journeys;

public sealed partial class FirstAdminJourneyTests(ChromiumBrowser chromium)
{
    private const string Email = "ada@corp.example";
    private const string Password = "correct horse battery";

    [Fact]
    public async Task FirstAdmin_SetsUpThroughTheLink_SignsOutAndIn_AddsAServerThatTheListShows()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);
        await using var portal = await PortalProcess.StartAsync(db, ct);
        await using var tab = await chromium.NewPageAsync(portal.BaseUrl, "first-admin");
        var page = tab.Page;

        // The printed link creates the admin and lands them signed in on the start page.
        await tab.CreateFirstAdminAsync(await portal.SetupLinkAsync(), Email, Password);
        await Expect(page.Locator(".whoami")).ToContainTextAsync(Email);
        await tab.ScreenshotAsync("after-setup");

        await tab.SignOutAsync();
        await tab.ScreenshotAsync("sign-in");
        await tab.SignInAsync(Email, Password);
        new Uri(page.Url).AbsolutePath.ShouldBe("/");

        await tab.GotoInteractiveAsync("servers/rras/new");
        // The first render batch may be the layout's; the editor enables Save once it renders interactively, and
        // anything typed before that render would be reset to the component's empty values.
        await Expect(page.Locator("#save-server")).ToBeEnabledAsync();
        await page.Locator("#srv-name").FillAsync("VPN01");
        await page.Locator("#srv-fqdn").FillAsync("vpn01.corp.example");
        await page.Locator("#srv-public").FillAsync("vpn.corp.example");
        await page.Locator("#srv-site").FillAsync("London");
        await tab.ScreenshotAsync("server-form");
        await page.Locator("#save-server").ClickAsync();

        // Saving opens the new server's page.
        await page.WaitForURLAsync(ServerPage());
        await Expect(page.Locator("h1")).ToHaveTextAsync("VPN01");

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).Locator("a[href='servers/rras']").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/servers/rras");
        await Expect(page.Locator("#server-count")).ToHaveTextAsync("1 server");
        await Expect(page.Locator("tr.server-row")).ToHaveCountAsync(1);
        await Expect(page.Locator("tr.server-row").First).ToContainTextAsync("vpn.corp.example");
        await Expect(page.Locator("tr.server-row a").First).ToHaveTextAsync("VPN01");
        await tab.ScreenshotAsync("server-list");

        await tab.ShouldHaveNoScriptErrorsAsync();
        await tab.SignOutAsync();
    }

    [GeneratedRegex("/servers/rras/[0-9a-f-]{36}$")]
    private static partial Regex ServerPage();
}
