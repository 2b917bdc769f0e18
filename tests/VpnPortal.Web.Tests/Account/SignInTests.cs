using System.Net;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Account;

/// <summary>Signing in through the real form: lockout after repeated failures, disabled accounts, the authenticator code.</summary>
public sealed class SignInTests
{
    [Fact]
    public async Task SignIn_FiveWrongPasswords_LocksTheAccountEvenAgainstTheRightPassword()
    {
        await using var portal = await PortalFactory.StartAsync();
        var user = await portal.CreateUserAsync(Roles.OnCall);
        using var browser = portal.CreateBrowser();

        for (var i = 0; i < 5; i++)
        {
            using var wrong = await browser.SignInAsync(user.Email, "not the password at all");
            wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        using var right = await browser.SignInAsync(user.Email, user.Password);

        right.StatusCode.ShouldBe(HttpStatusCode.BadRequest, "a locked account is refused even with the right password");
        (await right.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("locked");
        browser.HasCookie(PortalBrowser.AuthCookie).ShouldBeFalse();
        await using var db = portal.Database.CreateContext();
        var stored = await db.Users.SingleAsync(u => u.Id == user.Id, TestContext.Current.CancellationToken);
        stored.LockoutEnd.ShouldNotBeNull().ShouldBeGreaterThan(DateTimeOffset.UtcNow);
        (await db.AuditEntries.CountAsync(a => a.Action == "account.sign-in-failed", TestContext.Current.CancellationToken)).ShouldBe(6);
    }

    [Fact]
    public async Task SignIn_FourWrongPasswordsThenTheRightOne_SignsIn()
    {
        await using var portal = await PortalFactory.StartAsync();
        var user = await portal.CreateUserAsync(Roles.OnCall);
        using var browser = portal.CreateBrowser();
        for (var i = 0; i < 4; i++)
        {
            using var wrong = await browser.SignInAsync(user.Email, "not the password at all");
        }

        using var right = await browser.SignInAsync(user.Email, user.Password);

        right.StatusCode.ShouldBe(HttpStatusCode.Redirect, "the limit is five failures, not four");
        browser.HasCookie(PortalBrowser.AuthCookie).ShouldBeTrue();
    }

    [Fact]
    public async Task SignIn_DisabledAccount_RefusedWithTheRightPassword()
    {
        await using var portal = await PortalFactory.StartAsync();
        var user = await portal.CreateUserAsync(Roles.Admin);
        await using (var db = portal.Database.CreateContext())
        {
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsDisabled, true), TestContext.Current.CancellationToken);
        }

        using var browser = portal.CreateBrowser();
        using var response = await browser.SignInAsync(user.Email, user.Password);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("disabled");
        browser.HasCookie(PortalBrowser.AuthCookie).ShouldBeFalse();
    }

    [Fact]
    public async Task SignIn_WithAuthenticatorOn_AsksForTheCodeAndAcceptsOnlyAValidOne()
    {
        await using var portal = await PortalFactory.StartAsync();
        var user = await portal.CreateUserAsync(Roles.Admin);
        var (key, _) = await portal.TurnOnAuthenticatorAsync(user);
        using var browser = portal.CreateBrowser();

        using var password = await browser.SignInAsync(user.Email, user.Password);
        password.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        password.RedirectPath().ShouldBe("/account/sign-in-2fa");
        browser.HasCookie(PortalBrowser.AuthCookie).ShouldBeFalse("the password alone does not sign in");
        (await browser.GetAsync("/me")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var form = await browser.GetFormAsync("/account/sign-in-2fa?ReturnUrl=%2Fme", "sign-in-2fa");
        var valid = Totp.Code(key, DateTimeOffset.UtcNow);
        var wrongCode = ((int.Parse(valid) + 1) % 1_000_000).ToString("D6");
        using (var wrong = await browser.SubmitAsync(form, new Dictionary<string, string> { ["Input.Code"] = wrongCode }))
        {
            wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            browser.HasCookie(PortalBrowser.AuthCookie).ShouldBeFalse();
        }

        form = await browser.GetFormAsync("/account/sign-in-2fa?ReturnUrl=%2Fme", "sign-in-2fa");
        using var code = await browser.SubmitAsync(form, new Dictionary<string, string> { ["Input.Code"] = valid });

        code.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        code.RedirectPath().ShouldBe("/me");
        browser.HasCookie(PortalBrowser.AuthCookie).ShouldBeTrue();
        (await browser.GetAsync("/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SignIn_WrongRecoveryCodes_CountTowardLockout_SoTheRightOneIsRefusedAfterFive()
    {
        await using var portal = await PortalFactory.StartAsync();
        var user = await portal.CreateUserAsync(Roles.Admin);
        var recoveryCode = (await portal.TurnOnAuthenticatorAsync(user)).RecoveryCodes[0];
        using var browser = portal.CreateBrowser();
        (await browser.SignInAsync(user.Email, user.Password)).RedirectPath().ShouldBe("/account/sign-in-2fa");

        for (var i = 0; i < 5; i++)
        {
            var form = await browser.GetFormAsync("/account/sign-in-2fa", "sign-in-2fa");
            using var wrong = await browser.SubmitAsync(form, new Dictionary<string, string> { ["Input.Code"] = $"WRONG{i}XYZ", ["Input.UseRecoveryCode"] = "true" });
            wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        var last = await browser.GetFormAsync("/account/sign-in-2fa", "sign-in-2fa");
        using var right = await browser.SubmitAsync(last, new Dictionary<string, string> { ["Input.Code"] = recoveryCode, ["Input.UseRecoveryCode"] = "true" });

        right.StatusCode.ShouldBe(HttpStatusCode.BadRequest, "five wrong recovery codes lock the account, like five wrong authenticator codes");
        (await right.BodyAsync()).ShouldContain("locked");
        browser.HasCookie(PortalBrowser.AuthCookie).ShouldBeFalse();
        await using var db = portal.Database.CreateContext();
        (await db.Users.SingleAsync(u => u.Id == user.Id, TestContext.Current.CancellationToken)).LockoutEnd.ShouldNotBeNull().ShouldBeGreaterThan(DateTimeOffset.UtcNow);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SignIn_WithARecoveryCode_AsShownOrTypedWithoutItsDash_SignsInOnce(bool typedLoosely)
    {
        await using var portal = await PortalFactory.StartAsync();
        var user = await portal.CreateUserAsync(Roles.Admin);
        var recoveryCode = (await portal.TurnOnAuthenticatorAsync(user)).RecoveryCodes[0];
        recoveryCode.ShouldContain("-", customMessage: "Identity's recovery codes are shown as XXXXX-XXXXX");
        var typed = typedLoosely ? recoveryCode.Replace("-", "").ToLowerInvariant() : recoveryCode;

        using (var browser = portal.CreateBrowser())
        {
            (await browser.SignInAsync(user.Email, user.Password)).RedirectPath().ShouldBe("/account/sign-in-2fa");
            var form = await browser.GetFormAsync("/account/sign-in-2fa?ReturnUrl=%2Fme", "sign-in-2fa");
            using var signedIn = await browser.SubmitAsync(form, new Dictionary<string, string> { ["Input.Code"] = typed, ["Input.UseRecoveryCode"] = "true" });
            signedIn.RedirectPath().ShouldBe("/me");
            browser.HasCookie(PortalBrowser.AuthCookie).ShouldBeTrue();
        }

        using var again = portal.CreateBrowser();
        (await again.SignInAsync(user.Email, user.Password)).RedirectPath().ShouldBe("/account/sign-in-2fa");
        var second = await again.GetFormAsync("/account/sign-in-2fa", "sign-in-2fa");
        using var used = await again.SubmitAsync(second, new Dictionary<string, string> { ["Input.Code"] = typed, ["Input.UseRecoveryCode"] = "true" });
        used.StatusCode.ShouldBe(HttpStatusCode.BadRequest, "each recovery code works once");
    }
}
