using System.Net;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Security;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Security.SessionChanges;

namespace VpnPortal.Web.Tests.Account;

/// <summary>
/// The authenticator app page: showing it changes nothing (no key stored, no new security stamp, so no session of the
/// account ends); a code from the app for the key shown turns it on; turning it off needs a recent sign-in.
/// </summary>
public sealed class TwoFactorPageTests
{
    private const string Page = "/account/two-factor";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task ShowingThePage_ChangesNothing_AndTheAccountsOtherSessionsGoOn(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var user = await portal.CreateUserAsync(Roles.User);
        using var otherTab = await portal.SignInAsync(user);
        using var browser = await portal.SignInAsync(user);
        var before = await AccountAsync(portal, user.Id);

        for (var i = 0; i < 2; i++)
        {
            using var page = await browser.GetAsync(Page);
            page.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await page.BodyAsync()).ShouldContain("id=\"shared-key\"");
        }

        (await AccountAsync(portal, user.Id)).ShouldBe(before, "no key stored, no new security stamp");
        var check = await portal.InScopeAsync(sp =>
            SessionCheck.CheckAsync(sp.GetRequiredService<SignInManager<PortalUser>>(), CookiePrincipal(portal, otherTab)));
        check.Standing.ShouldBe(SessionStanding.Valid, "the check every cookie and open page goes through keeps the other session");
        (await otherTab.GetAsync("/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task TheAppsCodeForTheKeyShown_TurnsItOn_AndStoresThatKey(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var user = await portal.CreateUserAsync(Roles.User);
        using var browser = await portal.SignInAsync(user);
        var (form, key) = await SetupAsync(browser);

        using var response = await browser.SubmitAsync(form, new Dictionary<string, string> { ["Input.Code"] = Totp.Code(key, DateTimeOffset.UtcNow) });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.BodyAsync();
        html.ShouldContain("Two-factor sign-in is on.");
        new HtmlParser().ParseDocument(html).QuerySelectorAll("ul.codes li").Length.ShouldBe(10, "the recovery codes, shown once");
        var stored = await portal.InScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<PortalUser>>();
            var account = (await users.FindByIdAsync(user.Id.ToString()))!;
            return (await users.GetTwoFactorEnabledAsync(account), await users.GetAuthenticatorKeyAsync(account));
        });
        stored.ShouldBe((true, key));
        (await browser.GetAsync("/me")).StatusCode.ShouldBe(HttpStatusCode.OK, "this session goes on");
        await using var db = portal.Database.CreateContext();
        (await db.AuditEntries.CountAsync(a => a.Action == "account.two-factor-enabled", Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task TheQrCode_HoldsTheOtpauthAddressOfTheKeyShown_AndAnAppThatScansItTurnsItOn()
    {
        await using var portal = await PortalFactory.StartAsync();
        var user = await portal.CreateUserAsync(Roles.User, "ana.lopez+vpn@corp.example");
        using var browser = await portal.SignInAsync(user);
        using var page = await browser.GetAsync(Page);
        var html = await page.BodyAsync();
        var document = new HtmlParser().ParseDocument(html);

        var svg = document.QuerySelector("#authenticator-qr svg").ShouldNotBeNull("the code is drawn in the page itself");
        svg.QuerySelectorAll("[href], image, script, foreignObject").ShouldBeEmpty("nothing is loaded from elsewhere");
        var scanned = SvgQrReader.Read(svg).ShouldNotBeNull("a QR reader finds a code in the drawing");
        scanned.ShouldBe(document.QuerySelector("#authenticator-uri")!.TextContent, "the code holds the address the page shows");

        var uri = new Uri(scanned);
        (uri.Scheme, uri.Host).ShouldBe(("otpauth", "totp"));
        Uri.UnescapeDataString(uri.AbsolutePath).ShouldBe("/VpnPortal:ana.lopez+vpn@corp.example");
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        query["issuer"].ShouldBe("VpnPortal");
        query["digits"].ShouldBe("6");
        var key = query["secret"].ShouldNotBeNull();
        FormatKey(key).ToLowerInvariant().ShouldBe(document.QuerySelector("#shared-key")!.TextContent, "the key typed by hand is the same");

        // An app that scanned the code sends codes for its secret: that turns the app on.
        var form = HtmlForm.Find(html, "enable-2fa", Page);
        using var response = await browser.SubmitAsync(form, new Dictionary<string, string> { ["Input.Code"] = Totp.Code(key, DateTimeOffset.UtcNow) });
        (await response.BodyAsync()).ShouldContain("Two-factor sign-in is on.");
    }

    [Fact]
    public async Task AWrongCode_OrAKeyTheFormWasAlteredTo_StoresNothing()
    {
        await using var portal = await PortalFactory.StartAsync();
        var user = await portal.CreateUserAsync(Roles.User);
        using var browser = await portal.SignInAsync(user);
        var before = await AccountAsync(portal, user.Id);
        var (form, key) = await SetupAsync(browser);
        var right = Totp.Code(key, DateTimeOffset.UtcNow);

        using (var wrong = await browser.SubmitAsync(form, new Dictionary<string, string> { ["Input.Code"] = right == "000000" ? "111111" : "000000" }))
        {
            wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await wrong.BodyAsync()).ShouldContain("That code is not valid.");
            (await wrong.BodyAsync()).ShouldContain(FormatKey(key), Case.Insensitive, "the same key is offered again: nothing to scan anew");
        }

        using (var altered = await browser.SubmitAsync(form, new Dictionary<string, string> { ["Input.Code"] = right, ["Input.Offer"] = "CfDJ8-not-what-the-portal-wrote" }))
        {
            altered.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        (await AccountAsync(portal, user.Id)).ShouldBe(before);
    }

    [Fact]
    public async Task TurningItOff_NeedsASignInWithinFiveMinutes_AndOtherwiseChangesNothing()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var portal = await PortalFactory.StartAsync(time: time);
        var user = await portal.CreateUserAsync(Roles.User);
        using var browser = await portal.SignInAsync(user);
        await TurnOnWithoutANewStampAsync(portal, user);

        var fresh = await (await browser.GetAsync(Page)).BodyAsync();
        TurnOffButton(fresh).ShouldNotContain(" disabled", customMessage: "signed in just now: the button works");
        fresh.ShouldNotContain("id=\"reauthenticate\"");
        var turnOff = HtmlForm.Find(fresh, "disable-2fa", Page);

        time.Advance(TimeSpan.FromMinutes(6));
        var later = await (await browser.GetAsync(Page)).BodyAsync();
        later.ShouldContain("id=\"reauthenticate\"", customMessage: "a way to sign in again");
        HtmlForm.Find(later, "disable-2fa", Page); // still there, its button disabled: a post from an older page is answered
        TurnOffButton(later).ShouldContain(" disabled");
        var before = await AccountAsync(portal, user.Id);

        using var refused = await browser.SubmitAsync(turnOff, new Dictionary<string, string>());

        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var html = await refused.BodyAsync();
        html.ShouldContain("sign in again before turning off two-factor sign-in");
        html.ShouldContain("id=\"sign-in-again\"");
        (await AccountAsync(portal, user.Id)).ShouldBe(before, "still on, same stamp");
    }

    [Fact]
    public async Task TurningItOff_WithinFiveMinutesOfSigningIn_TurnsItOff()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var portal = await PortalFactory.StartAsync(time: time);
        var user = await portal.CreateUserAsync(Roles.User);
        using var browser = await portal.SignInAsync(user);
        await TurnOnWithoutANewStampAsync(portal, user);

        time.Advance(TimeSpan.FromMinutes(4));
        var form = await browser.GetFormAsync(Page, "disable-2fa");
        using var response = await browser.SubmitAsync(form, new Dictionary<string, string>());

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.BodyAsync()).ShouldContain("Two-factor sign-in is off.");
        (await AccountAsync(portal, user.Id)).TwoFactorEnabled.ShouldBeFalse();
    }

    /// <summary>The app on, without a new security stamp: the session stays valid, as after signing in with the app.</summary>
    private static async Task TurnOnWithoutANewStampAsync(PortalFactory portal, TestUser user)
    {
        await using var db = portal.Database.CreateContext();
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.TwoFactorEnabled, true), Ct);
    }

    /// <summary>The page's setup form and the key it shows (as the person types it into the app).</summary>
    private static async Task<(HtmlForm Form, string Key)> SetupAsync(PortalBrowser browser)
    {
        using var page = await browser.GetAsync(Page);
        var html = await page.BodyAsync();
        var shown = new HtmlParser().ParseDocument(html).QuerySelector("#shared-key")!.TextContent;
        return (HtmlForm.Find(html, "enable-2fa", Page), shown.Replace(" ", "").ToUpperInvariant());
    }

    private static string FormatKey(string key) => string.Join(" ", key.Chunk(4).Select(c => new string(c)));

    /// <summary>What showing the page must not change: the security stamp, the switch, and the stored tokens (the key).</summary>
    private static async Task<(string? Stamp, bool TwoFactorEnabled, int Tokens)> AccountAsync(PortalFactory portal, Guid userId)
    {
        await using var db = portal.Database.CreateContext();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, Ct);
        return (user.SecurityStamp, user.TwoFactorEnabled, await db.UserTokens.CountAsync(t => t.UserId == userId, Ct));
    }

    /// <summary>The opening tag of the "turn off" button, whatever order its attributes come in.</summary>
    private static string TurnOffButton(string html)
    {
        var tag = System.Text.RegularExpressions.Regex.Match(html, "<button[^>]*id=\"disable-2fa\"[^>]*>").Value;
        tag.ShouldNotBeEmpty("the page has the button");
        return tag;
    }
}
