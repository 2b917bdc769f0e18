using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Notifications;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Notifications.NotificationSeed;

namespace VpnPortal.Web.Tests.Notifications;

/// <summary>A user's own notifications: the list and bell, marking read (only their own), and their preferences.</summary>
public sealed class MyNotificationsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bell_CountsUnread_ThePageListsThem_AndMarkingReadTouchesOnlyTheOwnersRows()
    {
        await using var portal = await PortalFactory.StartAsync(TestDatabase.Sqlite, new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero)), NoJobs);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        var ben = await portal.CreateUserAsync(Roles.OnCall);
        await EnqueueAsync(portal, new Notification("alert:1:threshold:14", null, ana.Id, Content("first")), new Notification("alert:2:threshold:14", null, ana.Id, Content("second")), new Notification("alert:2:threshold:14", null, ben.Id, Content("second")));
        await DeliverAsync(portal);
        using var browser = await portal.SignInAsync(ana);

        var html = await browser.Client.GetStringAsync("/me/notifications", Ct);
        html.ShouldContain("aria-label=\"2 unread notifications\"");
        html.ShouldContain("2 unread");
        html.ShouldContain("https://vpnportal.corp.example/certificates/7d0c1d2e-0000-4000-8000-000000000001");

        Guid bensItem;
        await using (var db = portal.Database.CreateContext())
        {
            bensItem = (await db.PortalNotifications.SingleAsync(n => n.UserId == ben.Id, Ct)).Id;
        }

        (await portal.InScopeAsync(sp => sp.GetRequiredService<MyNotifications>().MarkReadAsync(ana.Id, bensItem, Ct))).ShouldBe(0, "nobody marks someone else's notification");
        (await portal.InScopeAsync(sp => sp.GetRequiredService<MyNotifications>().MarkReadAsync(ana.Id, null, Ct))).ShouldBe(2);
        (await portal.InScopeAsync(sp => sp.GetRequiredService<MyNotifications>().UnreadCountAsync(ben.Id, Ct))).ShouldBe(1);
        (await browser.Client.GetStringAsync("/me/notifications", Ct)).ShouldContain("aria-label=\"0 unread notifications\"");
    }

    [Fact]
    public async Task Preferences_AreSavedAudited_AndBadOnesRefusedWritingNothing()
    {
        await using var portal = await PortalFactory.StartAsync(settings: NoJobs);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        var actor = new AuditActor(AuditActorKind.User, ana.Id, ana.Email);
        var before = await portal.CountRowsWhenSettledAsync();

        var bad = await portal.InScopeAsync(sp => sp.GetRequiredService<MyNotifications>().SavePreferencesAsync(ana.Id, DateTimeOffset.UtcNow, new MyNotifications.Preferences(true, true, "ana at corp", "Atlantis/Capital", null, null), Ct), actor);
        bad.Errors.Keys.ShouldBe(["EmailAddress", "TimeZoneId"], ignoreOrder: true);
        (await portal.CountRowsAsync()).ShouldEqual(before, "refused preferences change nothing");

        var ok = await portal.InScopeAsync(sp => sp.GetRequiredService<MyNotifications>().SavePreferencesAsync(ana.Id, DateTimeOffset.UtcNow, new MyNotifications.Preferences(false, true, "ana.pager@corp.example", "Europe/Paris", null, null), Ct), actor);
        ok.Succeeded.ShouldBeTrue();
        var stale = await portal.InScopeAsync(sp => sp.GetRequiredService<MyNotifications>().SavePreferencesAsync(ana.Id, DateTimeOffset.UtcNow, new MyNotifications.Preferences(true, true, null, "UTC", null, null), Ct), actor);
        stale.Status.ShouldBe(Web.Features.CommandStatus.Conflict);

        await using var db = portal.Database.CreateContext();
        var audit = await db.AuditEntries.SingleAsync(a => a.EntityType == "notification-preference", Ct);
        audit.Actor.ShouldBe(ana.Email);
        audit.AfterJson!.ShouldContain("Europe/Paris");
    }
}
