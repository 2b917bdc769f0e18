using System.Net;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Account;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Account;

/// <summary>
/// A refused password sign-in tells nothing about the account: an unknown e-mail, a wrong password, a disabled and a
/// locked-out account get the same answer, and each costs one password hash comparison, so the time does not tell either.
/// </summary>
public sealed class SignInAnswerTests
{
    private const string WrongPassword = "not the password at all";

    [Fact]
    public async Task UnknownAccount_WrongPassword_Disabled_AndLockedOut_GetTheSameAnswer()
    {
        await using var portal = await PortalFactory.StartAsync();
        var (wrong, disabled, locked) = await ArrangeAsync(portal);

        var answers = new[]
        {
            await AnswerAsync(portal, "nobody@corp.example", PortalFactory.Password),
            await AnswerAsync(portal, wrong.Email, WrongPassword),
            await AnswerAsync(portal, disabled.Email, disabled.Password),
            await AnswerAsync(portal, locked.Email, locked.Password),
        };

        answers.Distinct().ShouldHaveSingleItem().ShouldBe((HttpStatusCode.BadRequest, SignIn.RefusedMessage, false), string.Join(Environment.NewLine, answers));
    }

    [Fact]
    public async Task EveryRefusal_ComparesOnePasswordHash_TheUnknownAccountsToo()
    {
        var hasher = new CountingPasswordHasher();
        await using var portal = await PortalFactory.StartAsync(services: s =>
        {
            s.RemoveAll<IPasswordHasher<PortalUser>>();
            s.AddSingleton<IPasswordHasher<PortalUser>>(hasher);
        });
        var (wrong, disabled, locked) = await ArrangeAsync(portal);

        async Task<int> ComparisonsAsync(string email, string password)
        {
            var before = hasher.Comparisons;
            (await AnswerAsync(portal, email, password)).Status.ShouldBe(HttpStatusCode.BadRequest);
            return hasher.Comparisons - before;
        }

        (await ComparisonsAsync("nobody@corp.example", PortalFactory.Password)).ShouldBe(1, "an unknown account is compared with a decoy hash");
        (await ComparisonsAsync(disabled.Email, disabled.Password)).ShouldBe(1, "a disabled account is compared before it is refused");
        (await ComparisonsAsync(locked.Email, locked.Password)).ShouldBe(1, "a locked-out account is compared before it is refused");
        (await ComparisonsAsync(wrong.Email, WrongPassword)).ShouldBe(1, "a wrong password (the control)");
    }

    [Fact]
    public async Task TheAuditLog_StillSaysWhy()
    {
        await using var portal = await PortalFactory.StartAsync();
        var (wrong, disabled, locked) = await ArrangeAsync(portal);

        await AnswerAsync(portal, "nobody@corp.example", PortalFactory.Password);
        await AnswerAsync(portal, wrong.Email, WrongPassword);
        await AnswerAsync(portal, disabled.Email, disabled.Password);
        await AnswerAsync(portal, locked.Email, locked.Password);

        await using var db = portal.Database.CreateContext();
        var reasons = await db.AuditEntries.Where(a => a.Action == "account.sign-in-failed").OrderBy(a => a.Id).Select(a => a.Summary).ToListAsync(TestContext.Current.CancellationToken);
        reasons.ShouldBe([
            "Failed sign-in for 'nobody@corp.example': unknown account",
            $"Failed sign-in for '{wrong.Email}': wrong password",
            $"Failed sign-in for '{disabled.Email}': account disabled",
            $"Failed sign-in for '{locked.Email}': locked out",
        ]);
    }

    private static async Task<(TestUser Wrong, TestUser Disabled, TestUser Locked)> ArrangeAsync(PortalFactory portal)
    {
        var wrong = await portal.CreateUserAsync(Roles.OnCall);
        var disabled = await portal.CreateUserAsync(Roles.OnCall);
        var locked = await portal.CreateUserAsync(Roles.OnCall);
        await using var db = portal.Database.CreateContext();
        await db.Users.Where(u => u.Id == disabled.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsDisabled, true), TestContext.Current.CancellationToken);
        var lockedUntil = DateTimeOffset.UtcNow.AddDays(1);
        await db.Users.Where(u => u.Id == locked.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.LockoutEnd, lockedUntil), TestContext.Current.CancellationToken);
        return (wrong, disabled, locked);
    }

    /// <summary>What the person sees: the status, the message in the page's alert, and whether they were signed in.</summary>
    private static async Task<(HttpStatusCode Status, string? Message, bool SignedIn)> AnswerAsync(PortalFactory portal, string email, string password)
    {
        using var browser = portal.CreateBrowser();
        using var response = await browser.SignInAsync(email, password);
        var html = await response.BodyAsync();
        var alert = new HtmlParser().ParseDocument(html).QuerySelector("[role=alert]")?.TextContent.Trim();
        return (response.StatusCode, alert, browser.HasCookie(PortalBrowser.AuthCookie));
    }

    /// <summary>Identity's own hasher, counting the hashes it compares.</summary>
    private sealed class CountingPasswordHasher : IPasswordHasher<PortalUser>
    {
        private readonly PasswordHasher<PortalUser> _inner = new();
        private int _comparisons;

        public int Comparisons => Volatile.Read(ref _comparisons);

        public string HashPassword(PortalUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(PortalUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _comparisons);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
