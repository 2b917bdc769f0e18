using Shouldly;
using VpnPortal.Testing;
using VpnPortal.Web.BrowserTests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace VpnPortal.Web.BrowserTests.Journeys;

public sealed class SignInMethodsJourneyTests(ChromiumBrowser chromium)
{
    [Fact]
    public async Task AUser_ChangesTheirMobileNumber_WithTheCodeSentToIt_AndSeesItSaved()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await LoopbackSmsGateway.StartAsync();
        await using var db = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);
        await using var portal = await PortalProcess.StartAsync(db, ct, gateway.Settings);
        await using var tab = await chromium.NewPageAsync(portal.BaseUrl, "sign-in-methods");
        var page = tab.Page;
        await tab.CreateFirstAdminAsync(await portal.SetupLinkAsync(), "ada@corp.example", "correct horse battery");

        await tab.GotoInteractiveAsync("me/sign-in-methods");
        await Expect(page.Locator("h1")).ToHaveTextAsync("My sign-in methods");
        await Expect(page.Locator("tr[data-kind=Mobile]")).ToContainTextAsync("none");

        // A number written the way it is dialled at home is explained before anything is sent.
        await page.Locator("#edit-Mobile").ClickAsync();
        await page.Locator("#phone-number").FillAsync("+44 07700 900123");
        await Expect(page.Locator("#number-hint")).ToContainTextAsync("Leave out the 0 after +44");
        await page.Locator("#use-suggestion").ClickAsync();
        await Expect(page.Locator("#phone-number")).ToHaveValueAsync("+44 7700900123");
        await page.Locator("#send-code").ClickAsync();
        await Expect(page.Locator("#code")).ToBeVisibleAsync();
        gateway.Sent.ShouldHaveSingleItem().To.ShouldBe("+447700900123");
        await page.Locator("#code").FillAsync(gateway.LastCodeTo("+447700900123"));
        await tab.ScreenshotAsync("code");
        await page.Locator("#confirm-code").ClickAsync();
        await Expect(page.Locator("#methods-status")).ToContainTextAsync("saved");
        await Expect(page.Locator("tr[data-kind=Mobile]")).ToContainTextAsync("+44 ••••••••23");

        // Changing it: the owner sees their own number while editing, and the new one is saved only with its code.
        await page.Locator("#edit-Mobile").ClickAsync();
        await Expect(page.Locator("#phone-number")).ToHaveValueAsync("+44 7700900123");
        await page.Locator("#phone-number").FillAsync("+44 7700 900456");
        await page.Locator("#send-code").ClickAsync();
        await Expect(page.Locator("#code")).ToBeVisibleAsync();
        await page.Locator("#code").FillAsync("000000" == gateway.LastCodeTo("+447700900456") ? "111111" : "000000");
        await page.Locator("#confirm-code").ClickAsync();
        await Expect(page.Locator("#edit-error")).ToContainTextAsync("not right");
        await Expect(page.Locator("tr[data-kind=Mobile]")).ToContainTextAsync("+44 ••••••••23");
        await page.Locator("#code").FillAsync(gateway.LastCodeTo("+447700900456"));
        await page.Locator("#confirm-code").ClickAsync();
        await Expect(page.Locator("tr[data-kind=Mobile]")).ToContainTextAsync("+44 ••••••••56");
        await tab.ScreenshotAsync("saved");

        (await page.ContentAsync()).ShouldNotContain("7700900456");
        await tab.ShouldHaveNoScriptErrorsAsync();
    }
}
