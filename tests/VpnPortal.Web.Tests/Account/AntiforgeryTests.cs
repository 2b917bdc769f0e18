using System.Net;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Account;

/// <summary>
/// A form another site makes the browser post carries the portal's cookies but not its antiforgery token: such
/// posts to sign-in and sign-out are refused with 400 and change nothing. Each test also does the real thing once,
/// as the control that shows the forged request differed only in the token.
/// </summary>
public sealed class AntiforgeryTests
{
    [Fact]
    public async Task SignIn_PostWithoutAntiforgeryToken_RefusedAndNothingWritten()
    {
        await using var portal = await PortalFactory.StartAsync();
        var user = await portal.CreateUserAsync(Roles.Admin);
        using var browser = portal.CreateBrowser();
        var form = await browser.GetFormAsync(PortalBrowser.SignInPath, "sign-in"); // the victim's browser has the antiforgery cookie
        var fields = new Dictionary<string, string> { ["Input.Email"] = user.Email, ["Input.Password"] = user.Password };
        var before = await portal.CountRowsWhenSettledAsync();

        using var forged = await browser.PostFormAsync(PortalBrowser.SignInPath, form.WithoutAntiforgeryToken(fields));

        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        browser.HasCookie(PortalBrowser.AuthCookie).ShouldBeFalse();
        (await portal.CountRowsAsync()).ShouldEqual(before, "a forged sign-in writes no audit entry");
        await using (var db = portal.Database.CreateContext())
        {
            (await db.Users.SingleAsync(TestContext.Current.CancellationToken)).LastSignInAt.ShouldBeNull();
        }

        using var genuine = await browser.SubmitAsync(form, fields);
        genuine.StatusCode.ShouldBe(HttpStatusCode.Redirect, "the same fields with the token sign in (control)");
    }

    [Fact]
    public async Task SignIn_PostWithAnotherBrowsersToken_Refused()
    {
        await using var portal = await PortalFactory.StartAsync();
        var user = await portal.CreateUserAsync(Roles.User);
        using var attacker = portal.CreateBrowser();
        using var victim = portal.CreateBrowser();
        var attackersForm = await attacker.GetFormAsync(PortalBrowser.SignInPath, "sign-in");
        await victim.GetFormAsync(PortalBrowser.SignInPath, "sign-in");
        var fields = new Dictionary<string, string> { ["Input.Email"] = user.Email, ["Input.Password"] = user.Password };

        using var forged = await victim.PostFormAsync(PortalBrowser.SignInPath, attackersForm.With(fields));

        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest, "a token is bound to the browser's own antiforgery cookie");
        victim.HasCookie(PortalBrowser.AuthCookie).ShouldBeFalse();
    }

    [Fact]
    public async Task SignOut_PostWithoutAntiforgeryToken_RefusedAndStillSignedIn()
    {
        await using var portal = await PortalFactory.StartAsync();
        var user = await portal.CreateUserAsync(Roles.User);
        using var browser = await portal.SignInAsync(user);
        var before = await portal.CountRowsWhenSettledAsync();

        using var forged = await browser.PostFormAsync("/account/sign-out", new Dictionary<string, string>());
        using var me = await browser.GetAsync("/me");

        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await forged.BodyAsync()).ShouldContain("antiforgery token");
        me.StatusCode.ShouldBe(HttpStatusCode.OK, "still signed in");
        (await portal.CountRowsAsync()).ShouldEqual(before, "a forged sign-out writes no audit entry");
    }

    [Fact]
    public async Task SignOut_WithTheLayoutsForm_SignsOutAndRecordsIt()
    {
        await using var portal = await PortalFactory.StartAsync();
        var user = await portal.CreateUserAsync(Roles.User);
        using var browser = await portal.SignInAsync(user);
        using var me = await browser.GetAsync("/me");
        var form = HtmlForm.FindByAction(await me.BodyAsync(), "account/sign-out", "/me");

        using var signedOut = await browser.SubmitAsync(form, new Dictionary<string, string>());
        using var meAgain = await browser.GetAsync("/me");

        signedOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signedOut.RedirectPath().ShouldBe(PortalBrowser.SignInPath);
        meAgain.RedirectPath().ShouldBe(PortalBrowser.SignInPath, "the browser is signed out");
        await using var db = portal.Database.CreateContext();
        var entry = await db.AuditEntries.SingleAsync(a => a.Action == "account.signed-out", TestContext.Current.CancellationToken);
        entry.ActorUserId.ShouldBe(user.Id);
        entry.Actor.ShouldBe(user.Email);
    }
}
