using Microsoft.Playwright;
using Shouldly;
using VpnPortal.Testing;
using VpnPortal.Web.BrowserTests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace VpnPortal.Web.BrowserTests.Journeys;

public sealed class AgentEnrollmentTests(ChromiumBrowser chromium)
{
    [Fact]
    public async Task Admin_CreatesAnEnrollmentToken_SeesItOnceWithTheCommands_AndThenOnlyAsUsableInTheList()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateMigratedAsync(TestDatabase.Sqlite);
        await using var portal = await PortalProcess.StartAsync(db, ct);
        await using var tab = await chromium.NewPageAsync(portal.BaseUrl, "enroll");
        var page = tab.Page;
        await tab.CreateFirstAdminAsync(await portal.SetupLinkAsync(), "ada@corp.example", "correct horse battery");

        await page.Locator("#nav-agents").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/agents");
        await tab.GotoInteractiveAsync("agents");
        await Expect(page.Locator("#no-tokens")).ToBeVisibleAsync();
        await Expect(page.Locator("#create-token")).ToBeEnabledAsync();
        await tab.ChooseAsync(page.Locator("#token-role"), page.GetByRole(AriaRole.Option, new() { Name = "RRAS (VPN) server" }));
        await page.Locator("#create-token").ClickAsync();

        await Expect(page.Locator("#new-token")).ToBeVisibleAsync();
        var token = (await page.Locator("#new-token").TextContentAsync())!.Trim();
        token.Length.ShouldBeGreaterThanOrEqualTo(40);
        var portalUrl = portal.BaseUrl.ToString().TrimEnd('/');
        await Expect(page.Locator("#enroll-command")).ToHaveTextAsync($"VpnPortal.Agent.exe enroll --portal {portalUrl} --token-stdin");
        await Expect(page.Locator("#install-command")).ToHaveTextAsync($@".\Install-VpnPortalAgent.ps1 -PortalUrl {portalUrl}");
        await Expect(page.Locator("#token-list tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#token-list .token-state")).ToHaveTextAsync("usable");
        (await page.Locator("#token-list").TextContentAsync())!.ShouldNotContain(token);
        await tab.ScreenshotAsync("token-created");

        // Opened again, the page lists the token as usable but has no way to show it.
        await tab.GotoInteractiveAsync("agents");
        await Expect(page.Locator("#token-list .token-state")).ToHaveTextAsync("usable");
        await Expect(page.Locator("#token-list tbody tr td").First).ToHaveTextAsync("RRAS");
        await Expect(page.Locator("#new-token")).ToHaveCountAsync(0);
        (await page.ContentAsync()).ShouldNotContain(token);
        await tab.ShouldHaveNoScriptErrorsAsync();
    }
}
