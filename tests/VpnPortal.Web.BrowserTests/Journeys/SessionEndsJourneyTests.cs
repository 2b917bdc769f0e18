using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.BrowserTests.Infrastructure;
using VpnPortal.Web.Features.Users;
using VpnPortal.Web.Security;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace VpnPortal.Web.BrowserTests.Journeys;

/// <summary>
/// An admin has the users page open when their account is signed out everywhere (from another session): without a
/// click, the open tab goes to the sign-in page, and the admin pages ask for sign-in again.
/// </summary>
public sealed class SessionEndsJourneyTests(ChromiumBrowser chromium)
{
    private const string Email = "ada@corp.example";
    private const string Password = "correct horse battery";

    [Fact]
    public async Task SignedOutEverywhere_TheOpenTabLandsOnSignIn_AndAdminPagesAskForSignInAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);
        await using var portal = await PortalProcess.StartAsync(db, ct, new Dictionary<string, string> { ["Security:SessionCheckInterval"] = "00:00:01.500" });
        await using var tab = await chromium.NewPageAsync(portal.BaseUrl, "session-ends");
        var page = tab.Page;
        await tab.CreateFirstAdminAsync(await portal.SetupLinkAsync(), Email, Password);
        await tab.GotoInteractiveAsync("users");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Users");
        await Expect(page.Locator(".user-grid tbody tr")).ToContainTextAsync(Email);

        await SignOutEverywhereAsync(db, Email);

        // Nothing is clicked: the circuit's own check ends the page.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/sign-in", new() { Timeout = 30_000 });
        new Uri(page.Url).Query.ShouldContain("ReturnUrl=/users");
        await Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        await Expect(page.Locator("#sign-out")).ToHaveCountAsync(0);
        await tab.ScreenshotAsync("signed-out");

        await page.GotoAsync("users");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/sign-in");
        await Expect(page.Locator("#sign-in")).ToBeVisibleAsync();

        // Signing in again opens the page that was left.
        await tab.SignInAsync(Email, Password);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/users");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Users");
        await tab.ShouldHaveNoScriptErrorsAsync();
    }

    /// <summary>The admin page's "Sign out everywhere", run by its handler on the portal's database.</summary>
    private static async Task SignOutEverywhereAsync(TestDatabase db, string email)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddIdentityCore<PortalUser>(PortalIdentity.AccountRules).AddRoles<PortalRole>().AddEntityFrameworkStores<PortalDbContext>();
        await using var provider = services.BuildServiceProvider();
        await using var context = db.CreateContext(new AuditActor(AuditActorKind.Cli, null, "another admin"));
        using var users = PortalIdentity.UserManagerFor(provider, context);
        var id = await context.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync(TestContext.Current.CancellationToken);

        (await new SignOutEverywhere(context, users, TimeProvider.System).RunAsync(id, revokeApiKeys: false, TestContext.Current.CancellationToken)).Succeeded.ShouldBeTrue();
    }
}
