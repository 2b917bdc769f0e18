using VpnPortal.Data.Auditing;

namespace VpnPortal.Data.Entities;

/// <summary>The agent process on one managed server, authenticated by a hashed bearer credential.</summary>
[Audited("agent")]
public sealed class Agent : IVersioned
{
    public Guid Id { get; set; }
    public ServerRole Role { get; set; }
    public string MachineName { get; set; } = "";
    public string? AgentVersion { get; set; }

    /// <summary>SHA-256 of the agent's 256-bit random credential; the credential itself is never stored.</summary>
    [NotAudited]
    public byte[] CredentialHash { get; set; } = [];

    public DateTimeOffset EnrolledAt { get; set; }
    public DateTimeOffset? LastSeenAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public Guid? RevokedByUserId { get; set; }

    /// <summary>Highest snapshot sequence number applied; older or replayed snapshots are ignored.</summary>
    public long LastSnapshotSequence { get; set; }

    public Guid Version { get; set; }
}

/// <summary>A one-time token that lets one agent enroll, for a limited time.</summary>
[Audited("agent-enrollment-token")]
public sealed class AgentEnrollmentToken
{
    public Guid Id { get; set; }
    public ServerRole Role { get; set; }
    [NotAudited]
    public byte[] TokenHash { get; set; } = [];
    public Guid? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    public Guid? UsedByAgentId { get; set; }
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

/// <summary>Work queued for one server's agent (disconnect a user, import a certificate, bind SSTP...).</summary>
public sealed class AgentCommand
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
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? ResultMessage { get; set; }
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
