using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
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
        var key = await portal.InScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<PortalUser>>();
            var account = await users.FindByIdAsync(user.Id.ToString());
            await users.ResetAuthenticatorKeyAsync(account!);
            await users.SetTwoFactorEnabledAsync(account!, true);
            return (await users.GetAuthenticatorKeyAsync(account!))!;
        });
        using var browser = portal.CreateBrowser();

        using var password = await browser.SignInAsync(user.Email, user.Password);
        password.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        password.RedirectPath().ShouldBe("/account/sign-in-2fa");
        browser.HasCookie(PortalBrowser.AuthCookie).ShouldBeFalse("the password alone does not sign in");
        (await browser.GetAsync("/me")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var form = await browser.GetFormAsync("/account/sign-in-2fa?ReturnUrl=%2Fme", "sign-in-2fa");
        var valid = Totp(key, DateTimeOffset.UtcNow);
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

    /// <summary>RFC 6238 with the authenticator-app defaults Identity uses: HMAC-SHA1, 30-second steps, 6 digits.</summary>
    private static string Totp(string base32Key, DateTimeOffset at)
    {
        var counter = at.ToUnixTimeSeconds() / 30;
        var message = BitConverter.GetBytes(counter);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(message);
        }

        var hash = HMACSHA1.HashData(Base32(base32Key), message);
        var offset = hash[^1] & 0x0F;
        var binary = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6");
    }

    private static byte[] Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = 0;
        var value = 0;
        var bytes = new List<byte>();
        foreach (var c in text.TrimEnd('=').ToUpperInvariant())
        {
            value = (value << 5) | alphabet.IndexOf(c);
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(value >> (bits - 8)));
                bits -= 8;
            }
        }

        return bytes.ToArray();
    }
}
