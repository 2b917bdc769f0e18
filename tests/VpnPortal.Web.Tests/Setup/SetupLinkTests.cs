using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Setup;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Setup;

/// <summary>The portal ships without a default account: the first admin comes from a one-time, expiring link.</summary>
public sealed class SetupLinkTests
{
    private const string NotValidText = "Setup link not valid";

    [Fact]
    public async Task Start_EmptyDatabase_IssuesOneLinkAndCreatesNoAccount()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var portal = await PortalFactory.StartAsync(time: clock);

        await using var db = portal.Database.CreateContext();
        (await db.Users.CountAsync(TestContext.Current.CancellationToken)).ShouldBe(0, "the portal must not create any account by itself");
        var token = await db.SetupTokens.SingleAsync(TestContext.Current.CancellationToken);
        token.UsedAt.ShouldBeNull();
        token.ExpiresAt.ShouldBe(clock.GetUtcNow() + Lifetime(portal));
    }

    [Theory]
    [InlineData("admin", "admin")]
    [InlineData("admin@localhost", "admin")]
    [InlineData("admin@corp.example", "password")]
    [InlineData("administrator@localhost", "changeme")]
    [InlineData("root@localhost", "vpnportal")]
    public async Task Start_EmptyDatabase_NoDefaultCredentialSignsIn(string email, string password)
    {
        await using var portal = await PortalFactory.StartAsync();
        using var browser = portal.CreateBrowser();

        using var response = await browser.SignInAsync(email, password);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.BodyAsync()).ShouldContain("Wrong e-mail or password.");
        browser.HasCookie(PortalBrowser.AuthCookie).ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Setup_ValidLink_CreatesTheFirstAdminAndSignsIn(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var token = await IssueTokenAsync(portal);
        using var browser = portal.CreateBrowser();

        using var response = await SubmitAsync(browser, await OpenAsync(browser, token), "first@corp.example");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.RedirectPath().ShouldBe("/");
        browser.HasCookie(PortalBrowser.AuthCookie).ShouldBeTrue("the new admin is signed in");
        var user = (await UsersAsync(portal)).ShouldHaveSingleItem();
        user.Email.ShouldBe("first@corp.example");
        (await portal.InScopeAsync(sp => sp.GetRequiredService<UserManager<PortalUser>>().IsInRoleAsync(user, Roles.Admin))).ShouldBeTrue();
        using var adminPage = await browser.GetAsync("/servers/rras/new");
        adminPage.StatusCode.ShouldBe(HttpStatusCode.OK, "the browser is signed in as that admin");
    }

    [Fact]
    public async Task Setup_LinkUsedTwice_SecondUseRefused()
    {
        await using var portal = await PortalFactory.StartAsync();
        var token = await IssueTokenAsync(portal);
        using var first = portal.CreateBrowser();
        using var second = portal.CreateBrowser();
        var firstForm = await OpenAsync(first, token);
        var secondForm = await OpenAsync(second, token); // e.g. the link opened in two tabs, or intercepted

        using var used = await SubmitAsync(first, firstForm, "first@corp.example");
        using var reused = await SubmitAsync(second, secondForm, "intruder@corp.example");
        using var reopened = await second.GetAsync(SetupUrl(token));

        used.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        reused.StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await reused.BodyAsync()).ShouldContain(NotValidText);
        second.HasCookie(PortalBrowser.AuthCookie).ShouldBeFalse();
        reopened.StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await UsersAsync(portal)).ShouldHaveSingleItem().Email.ShouldBe("first@corp.example");
    }

    [Fact]
    public async Task Setup_LinkOlderThanItsLifetime_Refused()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var portal = await PortalFactory.StartAsync(time: clock);
        var token = await IssueTokenAsync(portal);
        using var browser = portal.CreateBrowser();

        clock.Advance(Lifetime(portal) - TimeSpan.FromMinutes(1));
        var form = await OpenAsync(browser, token); // still valid a minute before it expires
        clock.Advance(TimeSpan.FromMinutes(1));
        using var expiredPage = await browser.GetAsync(SetupUrl(token));
        using var lateSubmit = await SubmitAsync(browser, form, "late@corp.example");

        expiredPage.StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await expiredPage.BodyAsync()).ShouldContain(NotValidText);
        lateSubmit.StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await UsersAsync(portal)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Setup_AccountExists_NoLinkIssuedAndEarlierLinkRefused()
    {
        await using var portal = await PortalFactory.StartAsync();
        var earlier = await IssueTokenAsync(portal);
        await portal.CreateUserAsync(Roles.Admin); // e.g. through the admin CLI
        using var browser = portal.CreateBrowser();

        var again = await portal.InScopeAsync(sp => sp.GetRequiredService<FirstAdminSetup>().IssueTokenIfNoUsersAsync(
            Lifetime(portal), TestContext.Current.CancellationToken));
        using var page = await browser.GetAsync(SetupUrl(earlier));
        var tokensBeforeRestart = (await portal.CountRowsAsync())["SetupTokens"];
        await using (await PortalFactory.StartOnAsync(portal.Database))
        {
        }

        again.ShouldBeNull();
        page.StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await portal.CountRowsAsync())["SetupTokens"].ShouldBe(tokensBeforeRestart, "a restart with an account in the database prints no link");
    }

    [Fact]
    public async Task Setup_NewLinkIssued_EarlierLinkStopsWorking()
    {
        await using var portal = await PortalFactory.StartAsync();
        var earlier = await IssueTokenAsync(portal);
        var later = await IssueTokenAsync(portal);
        using var browser = portal.CreateBrowser();

        using var earlierPage = await browser.GetAsync(SetupUrl(earlier));
        using var laterPage = await browser.GetAsync(SetupUrl(later));

        earlierPage.StatusCode.ShouldBe(HttpStatusCode.Gone);
        laterPage.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static string SetupUrl(string token) => $"{FirstAdminSetup.Path}?token={Uri.EscapeDataString(token)}";

    private static TimeSpan Lifetime(PortalFactory portal) => portal.Services.GetRequiredService<IOptions<SetupOptions>>().Value.LinkLifetime;

    /// <summary>A fresh link, as start-up prints one (start-up's own is replaced: only the newest link works).</summary>
    private static async Task<string> IssueTokenAsync(PortalFactory portal)
    {
        var token = await portal.InScopeAsync(sp => sp.GetRequiredService<FirstAdminSetup>().IssueTokenIfNoUsersAsync(
            Lifetime(portal), TestContext.Current.CancellationToken));
        return token.ShouldNotBeNull();
    }

    private static Task<HtmlForm> OpenAsync(PortalBrowser browser, string token) => browser.GetFormAsync(SetupUrl(token), "setup");

    private static Task<HttpResponseMessage> SubmitAsync(PortalBrowser browser, HtmlForm form, string email) =>
        browser.SubmitAsync(form, new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.DisplayName"] = "First Admin",
            ["Input.Password"] = PortalFactory.Password,
            ["Input.ConfirmPassword"] = PortalFactory.Password,
        });

    private static async Task<List<PortalUser>> UsersAsync(PortalFactory portal)
    {
        await using var db = portal.Database.CreateContext();
        return await db.Users.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken);
    }
}
