using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Testing;
using VpnPortal.Web.Features;
using VpnPortal.Web.Features.Notifications;
using VpnPortal.Web.Security;
using VpnPortal.Web.Tests.Security;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Notifications.NotificationSeed;

namespace VpnPortal.Web.Tests.Notifications;

/// <summary>
/// Where a person's notifications go changes only after a recent sign-in, as a sign-in method does, and the address being
/// replaced is told. Signed in through the real form; the save is made with the sign-in time the session's cookie carries,
/// which is what the open page passes.
/// </summary>
[Trait(TestCategories.Trait, TestCategories.Process)]
public sealed class NotificationAddressChangeTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task WithAnOldSignIn_TheAddressAndChannelsAreRefused_AfterSigningInAgain_TheChangeIsSavedAudited_AndTheOldAddressIsTold(string provider)
    {
        var time = new FakeTimeProvider(Start);
        await using var smtp = await SmtpSink.StartAsync();
        await using var portal = await PortalFactory.StartAsync(provider, time, NoJobs, ReachListenersOnLoopback);
        var ana = await portal.CreateUserAsync(Roles.OnCall, "ana@corp.example");
        await SetSmtpAsync(portal, "127.0.0.1", smtp.Port);
        using var browser = await portal.SignInAsync(ana);
        time.Advance(TimeSpan.FromMinutes(6));

        var page = await browser.Client.GetStringAsync(MyNotifications.PagePath, Ct);
        page.ShouldContain("id=\"reauthenticate\"");
        var before = await portal.CountRowsWhenSettledAsync();
        var newAddress = await SaveAsync(portal, ana, browser, new(true, true, "ana.pager@elsewhere.example", "UTC", null, null));
        var emailOff = await SaveAsync(portal, ana, browser, new(false, true, null, "UTC", null, null));
        newAddress.Messages.ShouldBe([MyNotifications.ReauthenticateMessage]);
        emailOff.Messages.ShouldBe([MyNotifications.ReauthenticateMessage]);
        (await portal.CountRowsAsync()).ShouldEqual(before, "a refused change writes nothing and tells no one");

        // "Sign in again" on the page: out, through the sign-in form, and back.
        using var reauthenticate = await browser.SubmitAsync(HtmlForm.FindByAction(page, "account/reauthenticate", MyNotifications.PagePath), new Dictionary<string, string>());
        reauthenticate.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using var signIn = await browser.SignInAsync(ana.Email, ana.Password, reauthenticate.Headers.Location!.OriginalString);
        signIn.RedirectPath().ShouldBe(MyNotifications.PagePath);
        (await browser.Client.GetStringAsync(MyNotifications.PagePath, Ct)).ShouldNotContain("id=\"reauthenticate\"");

        var saved = await SaveAsync(portal, ana, browser, new(true, true, "ana.pager@elsewhere.example", "UTC", null, null));
        saved.Succeeded.ShouldBeTrue(string.Join(" ", saved.Messages));
        await DeliverAsync(portal);

        await using var db = portal.Database.CreateContext();
        (await db.NotificationPreferences.SingleAsync(p => p.UserId == ana.Id, Ct)).EmailAddress.ShouldBe("ana.pager@elsewhere.example");
        var audit = await db.AuditEntries.SingleAsync(a => a.EntityType == "notification-preference", Ct);
        audit.Actor.ShouldBe(ana.Email);
        audit.AfterJson!.ShouldContain("ana.pager@elsewhere.example");
        var notice = smtp.Received().ShouldHaveSingleItem();
        notice.RcptTos.ShouldBe(["ana@corp.example"], "the address being replaced is told");
        notice.Subject.ShouldBe("Your VpnPortal notifications go to another address now");
        notice.Text.ShouldNotBeNull().ShouldContain("On 24 Nov 2026 09:06 UTC the e-mail address your VpnPortal notifications go to was changed from this address to a•••@elsewhere.example.");
        notice.Text.ShouldContain("If this was not you");
        (notice.Text + notice.Html).ShouldNotContain("ana.pager", customMessage: "the new address is not handed whole to whoever reads the old mailbox");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task WithAnOldSignIn_TheTimeZoneAloneMayChange_AndNoOneIsTold(string provider)
    {
        var time = new FakeTimeProvider(Start);
        await using var portal = await PortalFactory.StartAsync(provider, time, NoJobs);
        var ana = await portal.CreateUserAsync(Roles.OnCall, "ana@corp.example");
        await SetPreferenceAsync(portal, ana.Id, address: "ana.pager@corp.example");
        using var browser = await portal.SignInAsync(ana);
        time.Advance(TimeSpan.FromHours(1));
        var loaded = await portal.InScopeAsync(sp => sp.GetRequiredService<MyNotifications>().GetPreferencesAsync(ana.Id, Ct));

        // The address differs only in case: the same mailbox, not a change.
        var saved = await SaveAsync(portal, ana, browser, loaded with { TimeZoneId = "Europe/Paris", EmailAddress = "Ana.Pager@corp.example" });

        saved.Succeeded.ShouldBeTrue(string.Join(" ", saved.Messages));
        await using var db = portal.Database.CreateContext();
        (await db.NotificationPreferences.SingleAsync(Ct)).TimeZoneId.ShouldBe("Europe/Paris");
        (await db.NotificationOutbox.CountAsync(Ct)).ShouldBe(0);
    }

    /// <summary>What the open page does when Save is pressed: the handler, as the person, with the sign-in time their session carries.</summary>
    private static Task<CommandResult> SaveAsync(PortalFactory portal, TestUser user, PortalBrowser browser, MyNotifications.Preferences input)
    {
        var signedInAt = PortalClaims.SignedInAt(SessionChanges.CookiePrincipal(portal, browser));
        return portal.InScopeAsync(
            sp => sp.GetRequiredService<MyNotifications>().SavePreferencesAsync(user.Id, signedInAt, input, Ct),
            new AuditActor(AuditActorKind.User, user.Id, user.Email));
    }
}
