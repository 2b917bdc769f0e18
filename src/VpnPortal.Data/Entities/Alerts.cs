using VpnPortal.Data.Auditing;

namespace VpnPortal.Data.Entities;

public enum AlertKind
{
    /// <summary>A certificate nears or passed its expiry (one alert per thumbprint).</summary>
    CertificateExpiry = 1,

    /// <summary>A new critical diagnostics finding (when Alerts:RaiseForCriticalFindings is on).</summary>
    Finding = 2,
}

public enum AlertState
{
    Firing = 1,
    Acknowledged = 2,
    Resolved = 3,
}

/// <summary>
/// Something on-call staff must hear about: firing, then acknowledged (who, when, note), then resolved (why). Its
/// notification progress (step notified, repeats, escalation) is kept here and saved in the same transaction as the
/// outbox rows it causes; <see cref="Version"/> makes two portal nodes' scans of one alert exclusive.
/// </summary>
public sealed class Alert : IVersioned
{
    public Guid Id { get; set; }
    public AlertKind Kind { get; set; }

    /// <summary>"cert:{SHA-1}" or "finding:{finding id}": what the alert is about.</summary>
    public string Key { get; set; } = "";

    /// <summary>The <see cref="Key"/> while the alert is not resolved, else null: unique, so there is one open alert per thing.</summary>
    public string? OpenKey { get; set; }

    public string? Sha1Thumbprint { get; set; }
    public Guid? CertificateId { get; set; }
    public Guid? FindingId { get; set; }

    /// <summary>What people read first: the certificate's short name or the finding's title.</summary>
    public string Title { get; set; } = "";

    public string Subject { get; set; } = "";
    public DateTimeOffset? NotAfter { get; set; }

    /// <summary>The purposes as the domain names them (Sstp, NtAuthCa...).</summary>
    public List<string> Purposes { get; set; } = [];

    /// <summary>Every server and store it is installed in, as last scanned (kept after it is gone, as where it was).</summary>
    public List<AlertInstallation> InstalledOn { get; set; } = [];

    /// <summary>The domain's AlertSeverity (1 notice ... 4 expired); never falls while the alert is open.</summary>
    public int Severity { get; set; }

    /// <summary>The threshold passed (days before expiry; 0 expired); null for a finding's alert.</summary>
    public int? StepDays { get; set; }

    public AlertState State { get; set; } = AlertState.Firing;
    public DateTimeOffset OpenedAt { get; set; }
    public DateTimeOffset LastEvaluatedAt { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }
    public Guid? AcknowledgedByUserId { get; set; }
    public string? AcknowledgedBy { get; set; }
    public string? AcknowledgementNote { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>The domain's AlertResolutionReason.</summary>
    public int? ResolutionReason { get; set; }

    /// <summary>For people: e.g. which certificate replaced it.</summary>
    public string? ResolutionDetail { get; set; }

    // Notification progress (the domain's NotificationState).
    public int? NotifiedStepDays { get; set; }
    public DateTimeOffset? LastNotifiedAt { get; set; }
    public int RepeatCount { get; set; }
    public int EscalationLevel { get; set; }
    public DateTimeOffset? EscalationClockFrom { get; set; }

    public Guid Version { get; set; }

    public List<AlertEvent> Events { get; set; } = [];
}

/// <summary>One server's store (or the portal, for a certificate waiting in a rollout) where an alerted certificate is.</summary>
public sealed class AlertInstallation
{
    public Guid? ServerId { get; set; }
    public string ServerName { get; set; } = "";
    public string Store { get; set; } = "";
    public List<string> Purposes { get; set; } = [];
}

/// <summary>The alert's timeline: opened, steps passed, notifications queued, acknowledged, silenced, resolved.</summary>
public sealed class AlertEvent
{
    public Guid Id { get; set; }
    public Guid AlertId { get; set; }
    public Alert? Alert { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>opened, step, notified, acknowledged, rearmed, silenced, resolved.</summary>
    public string Kind { get; set; } = "";

    public string Text { get; set; } = "";
    public string? Actor { get; set; }
}

public enum SilenceScope
{
    Certificate = 1,
    Server = 2,
}

/// <summary>
/// Holds notifications for one certificate (by thumbprint) or everything installed on one server, for a limited time.
/// Silenced alerts stay visible; they only do not notify.
/// </summary>
[Audited("alert-silence")]
public sealed class AlertSilence : IVersioned
{
    public Guid Id { get; set; }
    public SilenceScope Scope { get; set; }
    public string? Sha1Thumbprint { get; set; }
    public Guid? ServerId { get; set; }
    public ManagedServer? Server { get; set; }
    public string Reason { get; set; } = "";
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? CreatedByUserId { get; set; }
    public string CreatedBy { get; set; } = "";

    /// <summary>When someone ended it before <see cref="EndsAt"/>.</summary>
    public DateTimeOffset? EndedEarlyAt { get; set; }

    public string? EndedEarlyBy { get; set; }
    public Guid Version { get; set; }
}
