using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Notifications;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Notifications.NotificationSeed;

namespace VpnPortal.Web.Tests.Notifications;

/// <summary>A webhook's URL carries its channel's secret (Teams and Slack in the path): it never reaches the log, the attempt record or the audit log.</summary>
public sealed class WebhookSecretTests
{
    private const string PathSecret = "XXXXSECRETTOKEN";
    private const string QuerySecret = "QUERYSECRET";
    private const string UnreachableSecret = "UNREACHABLESECRET";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheUrl_NeverReachesTheLog_OnASend_ARefusedSend_AnUnreachableWebhook_OrASendTest()
    {
        var logs = new RecordingLoggerProvider();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        await using var hook = await WebhookListener.StartAsync();
        hook.Respond = n => n == 1 ? (HttpStatusCode.OK, "ok") : (HttpStatusCode.InternalServerError, "upstream exploded");
        await using var portal = await PortalServices.StartAsync(TestDatabase.Sqlite, time, NoJobs, services =>
        {
            ReachListenersOnLoopback(services);
            logs.AddTo(services);
        });
        var admin = await portal.CreateUserAsync(Roles.Admin);
        await SetPreferenceAsync(portal, admin.Id, email: false, inPortal: false);
        var slack = await AddWebhookAsync(portal, "Slack", WebhookFormat.Slack, hook.Url($"/services/T000/B000/{PathSecret}?key={QuerySecret}"));
        await AddWebhookAsync(portal, "Gone", WebhookFormat.Teams, $"http://127.0.0.1:{ClosedPort()}/webhookb2/{UnreachableSecret}");

        await EnqueueAsync(portal, new Notification("alert:1:threshold:14", null, admin.Id, Content()));
        await DeliverAsync(portal);
        await EnqueueAsync(portal, new Notification("alert:1:threshold:7", null, admin.Id, Content()));
        await DeliverAsync(portal);
        var actor = new AuditActor(AuditActorKind.User, admin.Id, admin.Email);
        var test = await portal.InScopeAsync(sp => sp.GetRequiredService<ChannelSettings>().SendTestWebhookAsync(slack, actor, Ct), actor);

        hook.Requests.Count.ShouldBe(3, "a send that arrived, one the webhook refused, and the test");
        test.Succeeded.ShouldBeFalse();
        await using var db = portal.Database.CreateContext();
        var errors = await db.NotificationOutbox.Select(m => m.LastError).ToListAsync(Ct);
        errors.ShouldContain(e => e != null && e.Contains("answered HTTP 500 Internal Server Error"));
        errors.ShouldContain(e => e != null && e.StartsWith($"Could not post to 127.0.0.1:"));
        logs.Lines.ShouldContain(l => l.Contains("answered HTTP 500 Internal Server Error"), "the log is captured, failures included");
        var recorded = logs.Lines
            .Concat(errors.OfType<string>())
            .Concat(await db.NotificationDeliveryAttempts.Select(a => a.Error ?? "").ToListAsync(Ct))
            .Concat(await db.AuditEntries.Select(a => a.Summary + a.AfterJson + a.BeforeJson).ToListAsync(Ct))
            .Append(test.Detail)
            .ToList();
        recorded.ShouldAllBe(l => !l.Contains(PathSecret) && !l.Contains(QuerySecret) && !l.Contains(UnreachableSecret));
    }
}
