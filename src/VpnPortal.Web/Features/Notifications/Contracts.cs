using VpnPortal.Data;

namespace VpnPortal.Web.Features.Notifications;

/// <summary>Who is on call at an instant, in escalation order: the primary, the next person, then every OnCall user.</summary>
public sealed record OnCallNow(Guid? Primary, Guid? Next, IReadOnlyList<Guid> Everyone);

/// <summary>The on-call rota as of an instant (weekly rotation with hand-over time and time zone, plus overrides).</summary>
public interface IOnCallRoster
{
    Task<OnCallNow> AtAsync(PortalDbContext db, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>A link a message carries (to the certificate page, to the rotation action...). Relative to the portal's base address.</summary>
public sealed record NotificationLink(string Text, string Path);

/// <summary>
/// What a notification says, independent of channel and recipient: each channel renders it, with times shown in the
/// recipient's time zone and relative to the moment of sending.
/// </summary>
public sealed record NotificationContent(
    string Severity,
    string Subject,
    string Summary,
    DateTimeOffset? ExpiresAt,
    IReadOnlyList<string> InstalledOn,
    IReadOnlyList<NotificationLink> Links);

/// <summary>
/// One message for one person. <see cref="SourceKey"/> names what it is about and which step (e.g.
/// "alert:{id}:threshold:14", "alert:{id}:repeat:3", "alert:{id}:escalation:2"); the outbox delivers each
/// (source key, recipient, channel) at most once, whoever enqueues it and however many portal nodes run.
/// </summary>
public sealed record Notification(string SourceKey, Guid? AlertId, Guid RecipientUserId, NotificationContent Content);

/// <summary>A delivery attempt's history as an alert's page shows it.</summary>
public sealed record NotificationDeliveryView(
    Guid Id,
    string SourceKey,
    Guid RecipientUserId,
    string RecipientName,
    string Channel,
    string State,
    int Attempts,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt);

/// <summary>
/// The notification outbox. <see cref="EnqueueAsync"/> adds rows for each of the recipient's enabled channels to the
/// caller's unit of work (the caller saves, in the same transaction as the change that caused them); a duplicate
/// (source key, recipient, channel) is ignored, not an error.
/// </summary>
public interface INotificationOutbox
{
    Task EnqueueAsync(PortalDbContext db, Notification notification, CancellationToken cancellationToken);

    Task<IReadOnlyList<NotificationDeliveryView>> HistoryAsync(PortalDbContext db, Guid alertId, CancellationToken cancellationToken);
}
