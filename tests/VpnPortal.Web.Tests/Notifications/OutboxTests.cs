using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Notifications;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Notifications.NotificationSeed;

namespace VpnPortal.Web.Tests.Notifications;

/// <summary>The outbox: what EnqueueAsync writes, once; and what the delivery pass does with it, retries included.</summary>
public sealed class OutboxTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Enqueue_OneRowPerEnabledChannel_WebhooksOncePerSourceKey_AndDuplicatesAreIgnored(string provider)
    {
        await using var portal = await PortalServices.StartAsync(provider, new FakeTimeProvider(Start), NoJobs);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        var ben = await portal.CreateUserAsync(Roles.OnCall);
        await SetSmtpAsync(portal, "127.0.0.1", 25);
        await SetPreferenceAsync(portal, ben.Id, email: false);
        await AddWebhookAsync(portal, "Teams ops", WebhookFormat.Teams, "https://example.invalid/teams");
        await AddWebhookAsync(portal, "Old Slack", WebhookFormat.Slack, "https://example.invalid/slack", enabled: false);

        await EnqueueAsync(portal, new Notification("alert:1:threshold:14", null, ana.Id, Content()), new Notification("alert:1:threshold:14", null, ana.Id, Content()));
        await EnqueueAsync(portal, new Notification("alert:1:threshold:14", null, ana.Id, Content()), new Notification("alert:1:threshold:14", null, ben.Id, Content()));

        await using var db = portal.Database.CreateContext();
        var rows = await db.NotificationOutbox.Select(m => new { m.RecipientUserId, m.Channel, m.State }).ToListAsync(Ct);
        var webhook = rows.Where(r => r.Channel.StartsWith("webhook:", StringComparison.Ordinal)).ToList();
        rows.Except(webhook).Select(r => (r.RecipientUserId, r.Channel)).ShouldBe([(ana.Id, "email"), (ana.Id, "in-portal"), (ben.Id, "in-portal")], ignoreOrder: true);
        webhook.ShouldHaveSingleItem("the team's webhook hears of each source key once, not per recipient, and the disabled one not at all")
            .RecipientUserId.ShouldBe(Guid.Empty);
        rows.ShouldAllBe(r => r.State == OutboxState.Pending);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Enqueue_TwoNodesRacing_BothSavesSucceed_AndTheRowIsWrittenOnce(string provider)
    {
        await using var portal = await PortalServices.StartAsync(provider, new FakeTimeProvider(Start), NoJobs);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        var outbox = portal.Services.GetRequiredService<INotificationOutbox>();
        await using var first = portal.Database.CreateContext();
        await using var second = portal.Database.CreateContext();

        // Both decide to enqueue before either has saved: what a check-then-insert cannot catch.
        await outbox.EnqueueAsync(first, new Notification("alert:7:escalation:1", null, ana.Id, Content("first")), Ct);
        await outbox.EnqueueAsync(second, new Notification("alert:7:escalation:1", null, ana.Id, Content("second")), Ct);
        first.Certificates.Add(new Certificate { Id = Guid.NewGuid(), Sha1Thumbprint = new string('A', 40), Sha256Thumbprint = new string('A', 64), Subject = "CN=first" });
        second.Certificates.Add(new Certificate { Id = Guid.NewGuid(), Sha1Thumbprint = new string('B', 40), Sha256Thumbprint = new string('B', 64), Subject = "CN=second" });
        await first.SaveChangesAsync(Ct);
        await second.SaveChangesAsync(Ct);

        await using var db = portal.Database.CreateContext();
        var rows = await db.NotificationOutbox.ToListAsync(Ct);
        rows.Count.ShouldBe(1);
        rows[0].ContentJson.ShouldContain("\"subject\":\"first\"");
        (await db.Certificates.CountAsync(Ct)).ShouldBe(2, "the second save's own changes still commit");
    }

    [Fact]
    public async Task Enqueue_TheCallersSaveFails_NothingIsEnqueued_AndARetriedSaveWritesIt()
    {
        await using var portal = await PortalServices.StartAsync(TestDatabase.Sqlite, new FakeTimeProvider(Start), NoJobs);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        var outbox = portal.Services.GetRequiredService<INotificationOutbox>();
        await using var db = portal.Database.CreateContext();
        await outbox.EnqueueAsync(db, new Notification("alert:8:threshold:7", null, ana.Id, Content()), Ct);
        var broken = new Certificate { Id = Guid.NewGuid(), Sha1Thumbprint = new string('C', 40), Sha256Thumbprint = new string('C', 64), Subject = null! };
        db.Certificates.Add(broken);

        await Should.ThrowAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
        await using (var check = portal.Database.CreateContext())
        {
            (await check.NotificationOutbox.CountAsync(Ct)).ShouldBe(0, "the outbox row commits with the caller's change or not at all");
        }

        broken.Subject = "CN=fixed";
        await db.SaveChangesAsync(Ct);
        await using var after = portal.Database.CreateContext();
        (await after.NotificationOutbox.CountAsync(Ct)).ShouldBe(1);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Deliver_InPortal_AddsItToTheRecipientsList_InTheirTimeZone_WithAbsoluteLinks(string provider)
    {
        var time = new FakeTimeProvider(Start);
        await using var portal = await PortalServices.StartAsync(provider, time, NoJobs);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        await SetPreferenceAsync(portal, ana.Id, email: false, timeZone: "Europe/London");
        await EnqueueAsync(portal, new Notification("alert:2:threshold:14", Guid.NewGuid(), ana.Id, Content()));

        (await DeliverAsync(portal)).ShouldBe(1);
        (await DeliverAsync(portal)).ShouldBe(0, "a delivered message is not sent again");

        await using var db = portal.Database.CreateContext();
        var message = await db.NotificationOutbox.Include(m => m.AttemptLog).SingleAsync(Ct);
        message.State.ShouldBe(OutboxState.Delivered);
        message.Attempts.ShouldBe(1);
        message.DeliveredAt.ShouldNotBeNull();
        message.AttemptLog.ShouldHaveSingleItem().Succeeded.ShouldBeTrue();
        var item = await db.PortalNotifications.SingleAsync(Ct);
        item.UserId.ShouldBe(ana.Id);
        item.Subject.ShouldBe("SSTP certificate vpn.corp.example expires in 14 days");
        item.Body.ShouldContain("in 14 days, on Tue 8 Dec 2026 09:00 (Europe/London)");
        item.Body.ShouldContain("VPN02 (Local Computer\\Personal)");
        item.LinksJson.ShouldContain("https://vpnportal.corp.example/certificates/7d0c1d2e-0000-4000-8000-000000000001");
        item.LinksJson.ShouldContain("https://vpnportal.corp.example/rotations/new?certificate=");
    }

    [Fact]
    public async Task AFailingWebhook_IsRetriedWithBackoff_EachAttemptRecorded_ThenDeliveredWhenItRecovers()
    {
        var time = new FakeTimeProvider(Start);
        await using var hook = await WebhookListener.StartAsync();
        hook.Respond = n => n <= 2 ? (HttpStatusCode.InternalServerError, "upstream exploded") : (HttpStatusCode.OK, "1");
        await using var portal = await PortalServices.StartAsync(TestDatabase.Sqlite, time, NoJobs, ReachListenersOnLoopback);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        await SetPreferenceAsync(portal, ana.Id, email: false, inPortal: false);
        await AddWebhookAsync(portal, "Generic", WebhookFormat.Generic, hook.Url("/hook"));
        await EnqueueAsync(portal, new Notification("alert:3:threshold:7", null, ana.Id, Content()));

        (await DeliverAsync(portal)).ShouldBe(1);
        var first = await MessageAsync(portal);
        first.State.ShouldBe(OutboxState.Failed);
        first.LastError.ShouldBe("127.0.0.1:" + new Uri(hook.BaseUrl).Port + " answered HTTP 500 Internal Server Error", "the status line, never the body");
        first.NextAttemptAt.ShouldBe(Start.AddSeconds(30), TimeSpan.FromMilliseconds(1));

        time.Advance(TimeSpan.FromSeconds(29));
        (await DeliverAsync(portal)).ShouldBe(0, "not before the backoff has passed");
        time.Advance(TimeSpan.FromSeconds(1));
        (await DeliverAsync(portal)).ShouldBe(1);
        var second = await MessageAsync(portal);
        second.State.ShouldBe(OutboxState.Failed);
        second.NextAttemptAt.ShouldBe(Start.AddSeconds(30 + 60), TimeSpan.FromMilliseconds(1), "the wait doubles");

        time.Advance(TimeSpan.FromSeconds(60));
        (await DeliverAsync(portal)).ShouldBe(1);
        var done = await MessageAsync(portal);
        done.State.ShouldBe(OutboxState.Delivered);
        done.Attempts.ShouldBe(3);
        done.LastError.ShouldBeNull();
        done.AttemptLog.OrderBy(a => a.Number).Select(a => (a.Number, a.Succeeded, a.AttemptedAt)).ShouldBe(
            [(1, false, Start), (2, false, Start.AddSeconds(30)), (3, true, Start.AddSeconds(90))]);
        done.AttemptLog.Where(a => !a.Succeeded).ShouldAllBe(a => a.Error!.Contains("HTTP 500"));
        hook.Requests.Count.ShouldBe(3);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task ARetriedWebhookMessage_CarriesTheSameIdempotencyKeyOnEveryAttempt_AndEachMessageItsOwn(string provider)
    {
        var time = new FakeTimeProvider(Start);
        await using var hook = await WebhookListener.StartAsync();
        hook.Respond = n => n <= 2 ? (HttpStatusCode.BadGateway, "") : (HttpStatusCode.OK, "ok");
        await using var portal = await PortalServices.StartAsync(provider, time, NoJobs, ReachListenersOnLoopback);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        await SetPreferenceAsync(portal, ana.Id, email: false, inPortal: false);
        await AddWebhookAsync(portal, "Generic", WebhookFormat.Generic, hook.Url("/hook"));
        await EnqueueAsync(portal, new Notification("alert:10:threshold:7", null, ana.Id, Content()));

        (await DeliverAsync(portal)).ShouldBe(1);
        time.Advance(TimeSpan.FromSeconds(30));
        (await DeliverAsync(portal)).ShouldBe(1);
        await EnqueueAsync(portal, new Notification("alert:10:threshold:3", null, ana.Id, Content()));
        time.Advance(TimeSpan.FromSeconds(60));
        (await DeliverAsync(portal)).ShouldBe(2);

        await using var db = portal.Database.CreateContext();
        var first = await db.NotificationOutbox.SingleAsync(m => m.SourceKey == "alert:10:threshold:7", Ct);
        var second = await db.NotificationOutbox.SingleAsync(m => m.SourceKey == "alert:10:threshold:3", Ct);
        first.Attempts.ShouldBe(3);
        var keys = hook.Requests.GroupBy(r => r.Json["sourceKey"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.Select(r => r.IdempotencyKey).ToList());
        keys["alert:10:threshold:7"].ShouldBe(Enumerable.Repeat($"\"{first.Id}\"", 3).ToList<string?>(), "every attempt at one message carries its row's key");
        keys["alert:10:threshold:3"].ShouldBe([$"\"{second.Id}\""]);
    }

    [Fact]
    public async Task AWebhookThatKeepsFailing_IsGivenUpAfterMaxAttempts()
    {
        var time = new FakeTimeProvider(Start);
        await using var hook = await WebhookListener.StartAsync();
        hook.Respond = _ => (HttpStatusCode.ServiceUnavailable, "down");
        var settings = new Dictionary<string, string>(NoJobs) { ["Notifications:MaxAttempts"] = "2" };
        await using var portal = await PortalServices.StartAsync(TestDatabase.Sqlite, time, settings, ReachListenersOnLoopback);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        await SetPreferenceAsync(portal, ana.Id, email: false, inPortal: false);
        await AddWebhookAsync(portal, "Generic", WebhookFormat.Generic, hook.Url("/hook"));
        await EnqueueAsync(portal, new Notification("alert:4:threshold:1", null, ana.Id, Content()));

        await DeliverAsync(portal);
        time.Advance(TimeSpan.FromMinutes(1));
        await DeliverAsync(portal);
        time.Advance(TimeSpan.FromDays(1));
        (await DeliverAsync(portal)).ShouldBe(0);

        var message = await MessageAsync(portal);
        message.State.ShouldBe(OutboxState.GaveUp);
        message.Attempts.ShouldBe(2);
        message.AttemptLog.Count.ShouldBe(2);
        hook.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task AClaimHeldByAnotherNode_IsLeftAlone_UntilItsLeaseRunsOut()
    {
        var time = new FakeTimeProvider(Start);
        await using var portal = await PortalServices.StartAsync(TestDatabase.Sqlite, time, NoJobs);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        await SetPreferenceAsync(portal, ana.Id, email: false);
        await EnqueueAsync(portal, new Notification("alert:5:threshold:3", null, ana.Id, Content()));
        await using (var db = portal.Database.CreateContext())
        {
            // Another node claimed it and died mid-send.
            await db.NotificationOutbox.ExecuteUpdateAsync(s => s
                .SetProperty(m => m.State, OutboxState.Delivering)
                .SetProperty(m => m.ClaimToken, Guid.NewGuid())
                .SetProperty(m => m.ClaimedBy, "other-node")
                .SetProperty(m => m.ClaimedUntil, Start.AddSeconds(120))
                .SetProperty(m => m.Attempts, 1), Ct);
        }

        (await DeliverAsync(portal)).ShouldBe(0);
        time.Advance(TimeSpan.FromSeconds(121));
        (await DeliverAsync(portal)).ShouldBe(1);

        var message = await MessageAsync(portal);
        message.State.ShouldBe(OutboxState.Delivered);
        message.Attempts.ShouldBe(2, "the dead node's try counts");
    }

    [Fact]
    public async Task History_ListsAnAlertsDeliveries_WithRecipientAndChannel()
    {
        var time = new FakeTimeProvider(Start);
        await using var portal = await PortalServices.StartAsync(TestDatabase.Sqlite, time, NoJobs);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        await AddWebhookAsync(portal, "Teams ops", WebhookFormat.Teams, "http://127.0.0.1:9/never");
        var alertId = Guid.NewGuid();
        await EnqueueAsync(portal, new Notification("alert:x:threshold:30", alertId, ana.Id, Content()), new Notification("alert:y:threshold:30", Guid.NewGuid(), ana.Id, Content()));

        await using var db = portal.Database.CreateContext();
        var history = await portal.Services.GetRequiredService<INotificationOutbox>().HistoryAsync(db, alertId, Ct);

        history.Select(h => (h.RecipientName, h.Channel, h.State)).ShouldBe(
            [("OnCall person 1", "in-portal", "Pending"), ("team (Teams ops)", "webhook Teams ops", "Pending")], ignoreOrder: true);
        history.ShouldAllBe(h => h.SourceKey == "alert:x:threshold:30");
    }

    private static async Task<NotificationOutboxMessage> MessageAsync(PortalServices portal)
    {
        await using var db = portal.Database.CreateContext();
        return await db.NotificationOutbox.AsNoTracking().Include(m => m.AttemptLog).SingleAsync(Ct);
    }
}
