using VpnPortal.Data.Auditing;

namespace VpnPortal.Data.Entities;

/// <summary>The agent process on one managed server, authenticated by a hashed bearer credential.</summary>
[Audited("agent")]
public sealed class Agent : IVersioned
{
    public Guid Id { get; set; }
    public ServerRole Role { get; set; }

    /// <summary>The server this agent reports for; a re-enrolled server gets a new agent and keeps its history.</summary>
    public Guid ServerId { get; set; }

    public ManagedServer? Server { get; set; }
    public string MachineName { get; set; } = "";
    public string? HostFqdn { get; set; }
    public string? OsVersion { get; set; }
    public string? AgentVersion { get; set; }

    /// <summary>The token it enrolled with (kept for the audit trail).</summary>
    public Guid? EnrollmentTokenId { get; set; }

    /// <summary>SHA-256 of the agent's 256-bit random credential; the credential itself is never stored.</summary>
    [NotAudited]
    public byte[] CredentialHash { get; set; } = [];

    public DateTimeOffset EnrolledAt { get; set; }
    public DateTimeOffset? LastSeenAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public Guid? RevokedByUserId { get; set; }

    /// <summary>Why it was revoked: by an admin, or replaced when the server enrolled again.</summary>
    public string? RevokedReason { get; set; }

    /// <summary>Highest snapshot sequence number applied; older or replayed snapshots are ignored.</summary>
    public long LastSnapshotSequence { get; set; }

    public Guid Version { get; set; }
}

/// <summary>
/// A one-time token that lets one agent enroll, for a limited time: as a new server (<see cref="ServerName"/> or any
/// name not yet in the portal), or as the replacement of one existing server's agent (<see cref="ReplacesServerId"/>).
/// </summary>
[Audited("agent-enrollment-token")]
public sealed class AgentEnrollmentToken
{
    public Guid Id { get; set; }
    public ServerRole Role { get; set; }

    /// <summary>The name the agent must enroll as; null for a new-server token that takes any name not yet in the portal.</summary>
    public string? ServerName { get; set; }

    /// <summary>The server whose agent this token replaces (a rebuild); null for a token that enrolls a new server.</summary>
    public Guid? ReplacesServerId { get; set; }

    public ManagedServer? ReplacesServer { get; set; }
    [NotAudited]
    public byte[] TokenHash { get; set; } = [];
    public Guid? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    public Guid? UsedByAgentId { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public Guid? RevokedByUserId { get; set; }
}

public enum AgentCommandStatus
{
    Queued = 1,
    Delivered = 2,
    Succeeded = 3,
    Failed = 4,
    Expired = 5,
    Cancelled = 6,
}

/// <summary>
/// Work queued for one server's agent (disconnect a user, import a certificate, bind SSTP...). Its status moves
/// Queued → Delivered → one of the terminal states (Succeeded, Failed, Expired, Cancelled), which never change again;
/// <see cref="Version"/> makes a delivery and a cancel that race end with one winner.
/// </summary>
public sealed class AgentCommand : IVersioned
{
    public Guid Id { get; set; }
    public Guid ServerId { get; set; }
    public ManagedServer? Server { get; set; }
    public Guid? OperationId { get; set; }
    public FleetOperation? Operation { get; set; }

    /// <summary>The command kind as named in VpnPortal.Contracts (e.g. "disconnect-user").</summary>
    public string Kind { get; set; } = "";

    public string PayloadJson { get; set; } = "{}";
    public AgentCommandStatus Status { get; set; } = AgentCommandStatus.Queued;

    /// <summary>How many times it was handed to an agent (delivery is at least once; the agent runs it once).</summary>
    public int Deliveries { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Not handed out after this: a command still queued then ends as Expired.</summary>
    public DateTimeOffset DeliverBy { get; set; }

    /// <summary>The agent must not start it after this; a command without a result by then ends as Expired.</summary>
    public DateTimeOffset ExecuteBy { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? ResultMessage { get; set; }

    /// <summary>
    /// What the agent reported for a command that had already expired (it ran after all): recorded for people to read,
    /// while the command stays Expired.
    /// </summary>
    public AgentCommandStatus? LateOutcome { get; set; }

    /// <summary>Who queued it (a person, API key, or "system" for the portal's own work).</summary>
    public string RequestedBy { get; set; } = "";

    public Guid? RequestedByUserId { get; set; }

    public Guid Version { get; set; }

    /// <summary>Succeeded, Failed, Expired and Cancelled: nothing moves a command out of them.</summary>
    public static bool IsTerminal(AgentCommandStatus status) =>
        status is AgentCommandStatus.Succeeded or AgentCommandStatus.Failed or AgentCommandStatus.Expired or AgentCommandStatus.Cancelled;
}

public enum FleetOperationStatus
{
    Running = 1,
    Completed = 2,
    CompletedWithErrors = 3,
    Cancelled = 4,
}

/// <summary>A fleet-wide action an admin started (one command per server), with its progress.</summary>
public sealed class FleetOperation
{
    public Guid Id { get; set; }
    public string Kind { get; set; } = "";
    public string Target { get; set; } = "";
    public Guid? RequestedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public FleetOperationStatus Status { get; set; } = FleetOperationStatus.Running;
    public List<AgentCommand> Commands { get; set; } = [];
}
