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
/// One message for one person about the fleet (a certificate alert, a finding), which the team channels hear of too.
/// <see cref="SourceKey"/> names what it is about and which step (e.g. "alert:{id}:threshold:14", "alert:{id}:repeat:3",
/// "alert:{id}:escalation:2"); the outbox delivers each (source key, recipient, channel) at most once, whoever enqueues it
/// and however many portal nodes run. Anything about one person's own account is a <see cref="PersonalNotice"/> instead.
/// </summary>
public sealed record Notification(string SourceKey, Guid? AlertId, Guid RecipientUserId, NotificationContent Content);

/// <summary>
/// A message about one person's own account (a sign-in method changed, a new API key, their notification address changed),
/// for that person alone: never posted to team channels. It goes by e-mail whenever the relay is set up (the person's
/// choice about alerts does not silence it: it is how they notice a change they did not make) and to their in-portal list
/// when they keep one. <see cref="ToAddress"/> sends the e-mail there instead of to their current address (a notice to
/// the address that was just replaced). Delivered once per (source key, channel), like <see cref="Notification"/>.
/// </summary>
public sealed record PersonalNotice(string SourceKey, Guid RecipientUserId, NotificationContent Content, string? ToAddress = null);

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
/// The notification outbox. EnqueueAsync adds rows to the caller's unit of work (the caller saves, in the same transaction
/// as the change that caused them); a duplicate (source key, recipient, channel) is ignored, not an error. What kind of
/// message it is decides where it may go: a <see cref="Notification"/> to the recipient's enabled channels and every
/// team webhook, a <see cref="PersonalNotice"/> to the person alone.
/// </summary>
public interface INotificationOutbox
{
    Task EnqueueAsync(PortalDbContext db, Notification notification, CancellationToken cancellationToken);

    Task EnqueueAsync(PortalDbContext db, PersonalNotice notice, CancellationToken cancellationToken);

    Task<IReadOnlyList<NotificationDeliveryView>> HistoryAsync(PortalDbContext db, Guid alertId, CancellationToken cancellationToken);
}
