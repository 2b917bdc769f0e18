using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
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
        await page.Locator("#phone-number").FillAsync("+44 07400 900123");
        await Expect(page.Locator("#number-hint")).ToContainTextAsync("Leave out the 0 after +44");
        await page.Locator("#use-suggestion").ClickAsync();
        await Expect(page.Locator("#phone-number")).ToHaveValueAsync("+44 7400 900123");
        await page.Locator("#send-code").ClickAsync();
        await Expect(page.Locator("#code")).ToBeVisibleAsync();
        gateway.Sent.ShouldHaveSingleItem().To.ShouldBe("+447400900123");
        await page.Locator("#code").FillAsync(gateway.LastCodeTo("+447400900123"));
        await tab.ScreenshotAsync("code");
        await page.Locator("#confirm-code").ClickAsync();
        await Expect(page.Locator("#methods-status")).ToContainTextAsync("saved");
        await Expect(page.Locator("tr[data-kind=Mobile]")).ToContainTextAsync("+44 ••••••••23");

        // Changing it: the owner sees their own number while editing, and the new one is saved only with its code.
        await page.Locator("#edit-Mobile").ClickAsync();
        await Expect(page.Locator("#phone-number")).ToHaveValueAsync("+44 7400 900123");
        await page.Locator("#phone-number").FillAsync("+44 7400 900456");
        await page.Locator("#send-code").ClickAsync();
        await Expect(page.Locator("#code")).ToBeVisibleAsync();
        await page.Locator("#code").FillAsync("000000" == gateway.LastCodeTo("+447400900456") ? "111111" : "000000");
        await page.Locator("#confirm-code").ClickAsync();
        await Expect(page.Locator("#edit-error")).ToContainTextAsync("not right");
        await Expect(page.Locator("tr[data-kind=Mobile]")).ToContainTextAsync("+44 ••••••••23");
        await page.Locator("#code").FillAsync(gateway.LastCodeTo("+447400900456"));
        await page.Locator("#confirm-code").ClickAsync();
        await Expect(page.Locator("tr[data-kind=Mobile]")).ToContainTextAsync("+44 ••••••••56");
        await tab.ScreenshotAsync("saved");

        var content = await page.ContentAsync();
        content.ShouldNotContain("7400900456");
        content.ShouldNotContain("7400 900456");
        await tab.ShouldHaveNoScriptErrorsAsync();

        // Done on the open page, whose circuit has no request per click: the address is the connection's, which the
        // audit log records and the per-address limit on codes counts.
        await using var context = db.CreateContext();
        var address = await context.AuditEntries.Where(a => a.Action == "mfa.phone-added").Select(a => a.RemoteAddress).SingleAsync(ct);
        System.Net.IPAddress.IsLoopback(System.Net.IPAddress.Parse(address.ShouldNotBeNull())).ShouldBeTrue(address);
    }

    [Fact]
    public async Task WithMicrosoftEntraID_AUser_ChangesTheirMobileNumber_AndEntraHasTheNewOne()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var graph = await GraphStandIn.StartAsync();
        graph.AddUser("ada@corp.example", "sms", ("mobile", "+44 7400900123"));
        var trust = Path.Combine(Path.GetTempPath(), $"graph-stand-in-{Guid.NewGuid():N}.pem");
        graph.WriteCertificatePem(trust);
        try
        {
            await using var gateway = await LoopbackSmsGateway.StartAsync();
            await using var db = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);
            // The portal process trusts the stand-in's certificate (and nothing else) through OpenSSL's trust file.
            var settings = graph.Settings.Concat(gateway.Settings).Append(new("SSL_CERT_FILE", trust)).ToDictionary();
            await using var portal = await PortalProcess.StartAsync(db, ct, settings);
            await using var tab = await chromium.NewPageAsync(portal.BaseUrl, "sign-in-methods-entra");
            var page = tab.Page;
            await tab.CreateFirstAdminAsync(await portal.SetupLinkAsync(), "ada@corp.example", "correct horse battery");

            // The number Entra has, not one of the portal's.
            await tab.GotoInteractiveAsync("me/sign-in-methods");
            await Expect(page.Locator("#phones")).ToBeVisibleAsync();
            await Expect(page.Locator("text=Kept in Microsoft Entra ID")).ToBeVisibleAsync();
            await Expect(page.Locator("tr[data-kind=Mobile]")).ToContainTextAsync("+44 ••••••••23");
            await Expect(page.Locator("#preferred")).ToHaveAttributeAsync("data-preferred", "TextMessage");

            await page.Locator("#edit-Mobile").ClickAsync();
            await Expect(page.Locator("#phone-number")).ToHaveValueAsync("+44 7400 900123");
            await page.Locator("#phone-number").FillAsync("+44 7400 900456");
            await page.Locator("#send-code").ClickAsync();
            await Expect(page.Locator("#code")).ToBeVisibleAsync();
            graph.GraphRequests.ShouldAllBe(r => r.Method == "GET", "nothing reaches Entra before the code comes back");
            await page.Locator("#code").FillAsync(gateway.LastCodeTo("+447400900456"));
            await page.Locator("#confirm-code").ClickAsync();
            await Expect(page.Locator("#methods-status")).ToContainTextAsync("saved in Microsoft Entra ID");
            await Expect(page.Locator("tr[data-kind=Mobile]")).ToContainTextAsync("+44 ••••••••56");
            await tab.ScreenshotAsync("saved");

            var change = graph.GraphRequests.Where(r => r.Method != "GET").ShouldHaveSingleItem();
            change.Method.ShouldBe("PATCH");
            change.Path.ShouldBe("/v1.0/users/ada@corp.example/authentication/phoneMethods/3179e48a-750b-4051-897c-87b9720928f7");
            var body = JsonNode.Parse(change.Body)!;
            (body["phoneNumber"]?.GetValue<string>(), body["phoneType"]?.GetValue<string>()).ShouldBe(("+44 7400900456", "mobile"));
            graph.PhonesOf("ada@corp.example")["mobile"].ShouldBe("+44 7400900456");

            // Entra stays the source of truth: a number changed there is what the page shows next.
            graph.SetPhoneDirectly("ada@corp.example", "mobile", "+44 7400900789");
            await tab.GotoInteractiveAsync("me/sign-in-methods");
            await Expect(page.Locator("tr[data-kind=Mobile]")).ToContainTextAsync("+44 ••••••••89");

            var content = await page.ContentAsync();
            content.ShouldNotContain("7400900789");
            content.ShouldNotContain("7400 900789");
            await tab.ShouldHaveNoScriptErrorsAsync();
        }
        finally
        {
            File.Delete(trust);
        }
    }
}
