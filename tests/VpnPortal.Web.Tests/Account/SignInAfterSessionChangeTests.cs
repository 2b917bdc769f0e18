using System.Net;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Security.SessionChanges;

namespace VpnPortal.Web.Tests.Account;

/// <summary>
/// An open page whose session ended or changed sends the browser to the sign-in page with the cookie it still has,
/// which the cookie's own check (every Security:SessionCheckInterval) may not have looked at again yet.
/// </summary>
public sealed class SignInAfterSessionChangeTests
{
    private const string SentFromUsers = "/account/sign-in?ReturnUrl=%2Fusers";

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task AfterSignOutEverywhere_TheSignInPageEndsTheStaleCookie_AndAdminPagesAskForSignIn(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var admin = await portal.CreateUserAsync(Roles.Admin);
        using var browser = await portal.SignInAsync(admin);
        await SignOutEverywhereAsync(portal, admin.Id);

        using (var signIn = await browser.GetAsync(SentFromUsers))
        {
            signIn.StatusCode.ShouldBe(HttpStatusCode.OK, "the sign-in form, not the page the session had");
            (await signIn.BodyAsync()).ShouldContain("id=\"sign-in\"");
        }

        browser.HasCookie(PortalBrowser.AuthCookie).ShouldBeFalse();
        using var users = await browser.GetAsync("/users");
        users.IsRedirectTo(PortalBrowser.SignInPath).ShouldBeTrue($"got {(int)users.StatusCode}");
    }

    [Fact]
    public async Task AfterTheAccountIsDisabled_TheSignInPageEndsTheStaleCookie()
    {
        await using var portal = await PortalFactory.StartAsync();
        var person = await portal.CreateUserAsync(Roles.OnCall);
        using var browser = await portal.SignInAsync(person);
        await DisableAsync(portal, person.Id);

        using (var signIn = await browser.GetAsync("/account/sign-in?ReturnUrl=%2Fservers%2Frras"))
        {
            signIn.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var servers = await browser.GetAsync("/servers/rras");
        servers.IsRedirectTo(PortalBrowser.SignInPath).ShouldBeTrue($"got {(int)servers.StatusCode}");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task AfterTheAdminRoleIsRevoked_TheSignInPageSendsThePersonBack_WithTheirCurrentRoles(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        await portal.CreateUserAsync(Roles.Admin);
        var person = await portal.CreateUserAsync(Roles.Admin);
        using var browser = await portal.SignInAsync(person);
        await SetRolesAsync(portal, person.Id, Roles.OnCall);

        using (var signIn = await browser.GetAsync(SentFromUsers))
        {
            signIn.IsRedirectTo("/users").ShouldBeTrue($"still signed in, back to the page; got {(int)signIn.StatusCode}");
        }

        using var users = await browser.GetAsync("/users");
        users.IsRedirectTo("/account/access-denied").ShouldBeTrue($"the cookie now carries OnCall only; got {(int)users.StatusCode}");
        using var servers = await browser.GetAsync("/servers/rras");
        servers.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AValidSession_SentToSignIn_GoesBackToThePage_AndStaysSignedIn()
    {
        await using var portal = await PortalFactory.StartAsync();
        var admin = await portal.CreateUserAsync(Roles.Admin);
        using var browser = await portal.SignInAsync(admin);

        using (var signIn = await browser.GetAsync(SentFromUsers))
        {
            signIn.IsRedirectTo("/users").ShouldBeTrue($"got {(int)signIn.StatusCode}");
        }

        using var users = await browser.GetAsync("/users");
        users.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AValidSession_OpeningTheSignInPage_KeepsTheFormAndTheSession()
    {
        await using var portal = await PortalFactory.StartAsync();
        var admin = await portal.CreateUserAsync(Roles.Admin);
        using var browser = await portal.SignInAsync(admin);

        // Also what a forged link to the page does: it can end only a session that is already over.
        using (var signIn = await browser.GetAsync(PortalBrowser.SignInPath))
        {
            signIn.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var offSite = await browser.GetAsync("/account/sign-in?ReturnUrl=https%3A%2F%2Fevil.example%2F"))
        {
            offSite.StatusCode.ShouldBe(HttpStatusCode.OK, "only local return addresses are followed");
        }

        using var users = await browser.GetAsync("/users");
        users.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
