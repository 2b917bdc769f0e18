using VpnPortal.Data.Auditing;

namespace VpnPortal.Data.Entities;

/// <summary>
/// The weekly on-call rotation (one row, <see cref="SingletonId"/>): OnCall users in turn, handing over on a day of the
/// week at a wall-clock time in a time zone. The first member's first week starts at the hand-over on <see cref="StartsOn"/>.
/// </summary>
[Audited("on-call-rotation")]
public sealed class OnCallRotation : IVersioned
{
    public static readonly Guid SingletonId = new("5d1f0c3a-8e7b-4c2d-9a61-0c0a11ca0001");

    public Guid Id { get; set; }

    /// <summary>User ids in rotation order.</summary>
    public List<Guid> MemberUserIds { get; set; } = [];

    public DayOfWeek HandOverDay { get; set; } = DayOfWeek.Monday;
    public TimeOnly HandOverTime { get; set; } = new(9, 0);

    /// <summary>An IANA (or Windows) time zone id.</summary>
    public string TimeZoneId { get; set; } = "UTC";

    public DateOnly StartsOn { get; set; }
    public Guid Version { get; set; }
}

/// <summary>"I cover Tuesday": a user is on call from <see cref="StartsAt"/> to <see cref="EndsAt"/> instead of the rota.</summary>
[Audited("on-call-override")]
public sealed class OnCallOverride : IVersioned
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public PortalUser? User { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public string? Reason { get; set; }
    public Guid? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid Version { get; set; }
}

/// <summary>A user's own notification settings; a user without a row gets e-mail and in-portal notifications, in UTC.</summary>
[Audited("notification-preference")]
public sealed class NotificationPreference : IVersioned
{
    public Guid UserId { get; set; }
    public bool EmailEnabled { get; set; } = true;
    public bool InPortalEnabled { get; set; } = true;

    /// <summary>Where e-mail goes instead of the account's address (e.g. a pager gateway), if set.</summary>
    public string? EmailAddress { get; set; }

    public string TimeZoneId { get; set; } = "UTC";
    public Guid Version { get; set; }
}

/// <summary>How the portal talks to its mail relay.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain SMTP: a trusted internal relay only.</summary>
    None = 0,

    /// <summary>STARTTLS, required (submission on port 587 or a relay on 25): a relay that does not offer it is not used.</summary>
    StartTls = 1,

    /// <summary>TLS from the first byte (implicit TLS, submission on port 465).</summary>
    ImplicitTls = 2,
}

/// <summary>The e-mail channel (one row, <see cref="SingletonId"/>). The password is stored encrypted with data protection.</summary>
[Audited("smtp-settings")]
public sealed class SmtpChannelSettings : IVersioned
{
    public static readonly Guid SingletonId = new("5d1f0c3a-8e7b-4c2d-9a61-0c0a11ca0002");

    public Guid Id { get; set; }
    public bool Enabled { get; set; }
    public string Host { get; set; } = "";
    public int Port { get; set; } = 587;
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;
    public string? UserName { get; set; }

    [NotAudited]
    public byte[]? ProtectedPassword { get; set; }

    /// <summary>
    /// Whether the user name and password may go to the relay with <see cref="SmtpSecurity.None"/>, where anyone on the
    /// path reads them; without it such a relay is never sent the credentials.
    /// </summary>
    public bool AllowPasswordWithoutTls { get; set; }

    public string FromAddress { get; set; } = "";

    /// <summary>SHA-256 of a relay certificate trusted even though no trusted CA issued it (an internal relay); hex.</summary>
    public string? TrustedCertificateSha256 { get; set; }

    public Guid Version { get; set; }
}

public enum WebhookFormat
{
    Generic = 1,
    Teams = 2,
    Slack = 3,
}

/// <summary>
/// A team channel: every notification is posted to it once per source key, whoever it was for. Its URL carries a
/// secret (Teams and Slack put the token in it), so it is stored encrypted; <see cref="UrlHint"/> is what pages show.
/// </summary>
[Audited("webhook-channel")]
public sealed class WebhookChannel : IVersioned
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public WebhookFormat Format { get; set; }

    [NotAudited]
    public byte[] ProtectedUrl { get; set; } = [];

    /// <summary>Scheme and host of the URL, e.g. https://hooks.slack.com/…</summary>
    public string UrlHint { get; set; } = "";

    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public Guid Version { get; set; }
}

public enum OutboxState
{
    Pending = 0,
    Delivering = 1,
    Delivered = 2,
    Failed = 3,
    GaveUp = 4,
}

/// <summary>
/// One notification for one recipient on one channel, written in the same transaction as the change that caused it and
/// delivered by the outbox worker. (SourceKey, RecipientUserId, Channel) is unique, so it is delivered at most once.
/// Team channels (webhooks) use <see cref="Guid.Empty"/> as the recipient: one post per source key.
/// </summary>
public sealed class NotificationOutboxMessage
{
    public Guid Id { get; set; }
    public string SourceKey { get; set; } = "";
    public Guid? AlertId { get; set; }
    public Guid RecipientUserId { get; set; }

    /// <summary>"email", "in-portal" or "webhook:{id}".</summary>
    public string Channel { get; set; } = "";

    /// <summary>
    /// For e-mail, the address fixed when the message was written (a notice to a person's previous address); null sends it
    /// to wherever the recipient's e-mail goes at the time of sending.
    /// </summary>
    public string? ToAddress { get; set; }

    /// <summary>The channel-independent content as JSON; rendered per channel and recipient when it is sent.</summary>
    public string ContentJson { get; set; } = "";

    public OutboxState State { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>A node's lease on the row while it sends: another node may take it only after this passes.</summary>
    public DateTimeOffset? ClaimedUntil { get; set; }

    public Guid? ClaimToken { get; set; }
    public string? ClaimedBy { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public List<NotificationDeliveryAttempt> AttemptLog { get; set; } = [];
}

/// <summary>One try at sending an outbox message: when, by which node, and the error if it failed.</summary>
public sealed class NotificationDeliveryAttempt
{
    public Guid Id { get; set; }
    public Guid MessageId { get; set; }
    public int Number { get; set; }
    public DateTimeOffset AttemptedAt { get; set; }
    public bool Succeeded { get; set; }
    public string? Error { get; set; }
    public string Node { get; set; } = "";
}

/// <summary>A notification in a user's in-portal list (the bell). One per outbox message.</summary>
public sealed class PortalNotification
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public Guid OutboxMessageId { get; set; }
    public Guid? AlertId { get; set; }
    public string Severity { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";

    /// <summary>Links as JSON [{"text":..,"url":..}], absolute.</summary>
    public string LinksJson { get; set; } = "[]";

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReadAt { get; set; }
}
