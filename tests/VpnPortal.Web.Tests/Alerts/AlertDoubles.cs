using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VpnPortal.Data;
using VpnPortal.Web.Features.Notifications;

namespace VpnPortal.Web.Tests.Alerts;

/// <summary>
/// Stands in for the outbox: each enqueued notification is written as an audit row in the caller's unit of work, so
/// only what the caller committed counts (a scan that lost a race and rolled back leaves nothing), and duplicates show.
/// </summary>
public sealed class RecordingOutbox : INotificationOutbox
{
    public const string Action = "test-outbox.enqueued";

    public ConcurrentQueue<Notification> Calls { get; } = new();

    public Task EnqueueAsync(PortalDbContext db, Notification notification, CancellationToken cancellationToken)
    {
        Calls.Enqueue(notification);
        db.Audit(Action, notification.Content.Subject, "notification", $"{notification.SourceKey}|{notification.RecipientUserId}");
        return Task.CompletedTask;
    }

    /// <summary>Notices about one person's account (the setup's API keys make some); kept apart from the alerts' notifications.</summary>
    public ConcurrentQueue<PersonalNotice> PersonalNotices { get; } = new();

    public Task EnqueueAsync(PortalDbContext db, PersonalNotice notice, CancellationToken cancellationToken)
    {
        PersonalNotices.Enqueue(notice);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<NotificationDeliveryView>> HistoryAsync(PortalDbContext db, Guid alertId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<NotificationDeliveryView>>(
            Calls.Where(c => c.AlertId == alertId)
                .Select(c => new NotificationDeliveryView(Guid.NewGuid(), c.SourceKey, c.RecipientUserId, $"user {c.RecipientUserId}", "test", "Delivered", 1, null, DateTimeOffset.UnixEpoch, null))
                .ToList());

    /// <summary>What was committed, as "source key|recipient", in the order it was saved.</summary>
    public static async Task<IReadOnlyList<string>> CommittedAsync(PortalDbContext db) =>
        await db.AuditEntries.AsNoTracking().Where(a => a.Action == Action).OrderBy(a => a.Id).Select(a => a.EntityId!).ToListAsync();
}

/// <summary>A rota that does not move: the same primary, next and everyone at every instant.</summary>
public sealed class FixedRoster(OnCallNow now) : IOnCallRoster
{
    public OnCallNow Now { get; set; } = now;

    public Task<OnCallNow> AtAsync(PortalDbContext db, DateTimeOffset at, CancellationToken cancellationToken) => Task.FromResult(Now);
}

public static class AlertDoubles
{
    /// <summary>Registers the doubles in place of whatever the portal registered for the two interfaces.</summary>
    public static Action<IServiceCollection> Register(RecordingOutbox outbox, FixedRoster roster) => services =>
    {
        services.RemoveAll<INotificationOutbox>();
        services.RemoveAll<IOnCallRoster>();
        services.AddSingleton<INotificationOutbox>(outbox);
        services.AddSingleton<IOnCallRoster>(roster);
    };
}
