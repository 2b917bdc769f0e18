using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Notifications;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Notifications.NotificationSeed;

namespace VpnPortal.Web.Tests.Notifications;

/// <summary>Two portal nodes on one PostgreSQL database, both running the delivery worker: each message goes out once.</summary>
[Trait(TestCategories.Trait, TestCategories.Postgres)]
public sealed class TwoNodeDeliveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoNodes_WithWorkersRunning_DeliverEveryNotificationExactlyOnce()
    {
        var settings = new Dictionary<string, string>
        {
            ["Jobs:Enabled"] = "true",
            ["Notifications:PollSeconds"] = "1",
            ["Notifications:BatchSize"] = "5",
            ["Notifications:PublicBaseUrl"] = "https://vpnportal.corp.example",
        };
        await using var hook = await WebhookListener.StartAsync();
        await using var first = await PortalFactory.StartAsync(TestDatabase.Postgres, settings: settings, services: ReachListenersOnLoopback);
        var ana = await first.CreateUserAsync(Roles.OnCall);
        var ben = await first.CreateUserAsync(Roles.OnCall);
        await AddWebhookAsync(first, "Generic", WebhookFormat.Generic, hook.Url("/team"));
        await using var second = await PortalFactory.StartOnAsync(first.Database, settings: settings, services: ReachListenersOnLoopback);

        const int alerts = 30;
        for (var i = 0; i < alerts; i++)
        {
            // Each node enqueues the same notifications, as two nodes reacting to the same change would.
            var batch = new[] { new Notification($"alert:{i}:threshold:14", null, ana.Id, Content($"alert {i}")), new Notification($"alert:{i}:threshold:14", null, ben.Id, Content($"alert {i}")) };
            await EnqueueAsync(i % 2 == 0 ? first : second, batch);
            await EnqueueAsync(i % 2 == 0 ? second : first, batch);
        }

        await using var db = first.Database.CreateContext();
        var expected = alerts * 3; // in-portal for Ana and Ben, one team post
        (await db.NotificationOutbox.CountAsync(Ct)).ShouldBe(expected);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (await db.NotificationOutbox.CountAsync(m => m.State != OutboxState.Delivered, Ct) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, Ct);
        }

        var messages = await db.NotificationOutbox.AsNoTracking().Include(m => m.AttemptLog).ToListAsync(Ct);
        messages.ShouldAllBe(m => m.State == OutboxState.Delivered, "every message is delivered");
        messages.ShouldAllBe(m => m.Attempts == 1 && m.AttemptLog.Count == 1, "and each was sent by one node, once");
        (await db.PortalNotifications.CountAsync(Ct)).ShouldBe(alerts * 2);
        (await db.PortalNotifications.Select(n => new { n.UserId, n.Subject }).Distinct().CountAsync(Ct)).ShouldBe(alerts * 2);
        hook.Requests.Count.ShouldBe(alerts);
        hook.Requests.Select(r => r.Json["sourceKey"]!.GetValue<string>()).Distinct().Count().ShouldBe(alerts);
    }
}
