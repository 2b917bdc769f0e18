using VpnPortal.Data.Auditing;

namespace VpnPortal.Data.Entities;

/// <summary>
/// Keeps a user or device off the VPN for a while after "disconnect everywhere": while it runs, a reconnection to any
/// RRAS server is disconnected again. Belongs to the disconnect operation that started it.
/// </summary>
[Audited("disconnect-enforcement")]
public sealed class DisconnectEnforcement : IVersioned
{
    public Guid Id { get; set; }
    public Guid OperationId { get; set; }
    public FleetOperation? Operation { get; set; }

    /// <summary>The identity as the admin entered it (UPN, DOMAIN\user or device FQDN).</summary>
    public string Identity { get; set; } = "";

    /// <summary>The same, upper-cased, as sessions are matched.</summary>
    public string IdentityKey { get; set; } = "";

    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }

    /// <summary>Set when an admin ended the window before <see cref="EndsAt"/>.</summary>
    public DateTimeOffset? EndedEarlyAt { get; set; }

    public Guid? EndedByUserId { get; set; }
    public Guid Version { get; set; }

    public List<EnforcedDisconnect> Redisconnects { get; set; } = [];
}

/// <summary>A reconnection caught during an enforcement window, and the disconnect command sent for it.</summary>
public sealed class EnforcedDisconnect
{
    public Guid Id { get; set; }
    public Guid EnforcementId { get; set; }
    public DisconnectEnforcement? Enforcement { get; set; }
    public Guid ServerId { get; set; }
    public ManagedServer? Server { get; set; }
    public Guid CommandId { get; set; }
    public AgentCommand? Command { get; set; }

    /// <summary>When the reconnected session was first reported.</summary>
    public DateTimeOffset DetectedAt { get; set; }

    /// <summary>When the reconnected session started, as the server reported it.</summary>
    public DateTimeOffset SessionStartedAt { get; set; }
}

public enum RotationStatus
{
    /// <summary>Servers are being rotated one batch at a time.</summary>
    Running = 1,

    /// <summary>A server failed and was rolled back: nothing more starts until an admin retries, skips or abandons.</summary>
    Stopped = 2,

    Completed = 3,
    Abandoned = 4,
}

public enum RotationServerState
{
    Pending = 1,
    InProgress = 2,
    Done = 3,

    /// <summary>A step or the verification failed; <see cref="SstpRotationServer.RollbackState"/> says how the rollback went.</summary>
    Failed = 4,

    Skipped = 5,
}

public enum RotationRollbackState
{
    None = 0,
    RollingBack = 1,

    /// <summary>The previous certificate is back and verified.</summary>
    RolledBack = 2,

    /// <summary>The rollback itself failed: the server needs a person.</summary>
    Failed = 3,
}

/// <summary>The steps a server goes through in a rotation, then (after a failure) in its rollback.</summary>
public enum RotationStep
{
    ImportPfx = 1,
    SetSstpCertificate = 2,
    SetOffloadHash = 3,
    RestartRemoteAccess = 4,
    VerifyBindings = 5,
    CheckListener = 6,
    RollbackSstpCertificate = 11,
    RollbackOffloadHash = 12,
    RollbackRestart = 13,
    RollbackVerifyBindings = 14,
    RollbackCheckListener = 15,
}

/// <summary>
/// A rollout of a new SSTP certificate to RRAS servers in a set order. The PFX and its password are kept encrypted
/// with the portal's data-protection keys while the rollout may still need them, and deleted when it ends.
/// </summary>
[Audited("sstp-rotation")]
public sealed class SstpRotation : IVersioned
{
    public Guid Id { get; set; }
    public RotationStatus Status { get; set; } = RotationStatus.Running;

    public string Sha1Thumbprint { get; set; } = "";
    public string Sha256Thumbprint { get; set; } = "";
    public string Subject { get; set; } = "";
    public DateTimeOffset NotAfter { get; set; }
    public List<string> Warnings { get; set; } = [];

    /// <summary>The PFX, encrypted with the data-protection keys; null once the rollout ended.</summary>
    [NotAudited]
    public byte[]? ProtectedPfx { get; set; }

    /// <summary>The PFX password, encrypted with the data-protection keys; null once the rollout ended.</summary>
    [NotAudited]
    public byte[]? ProtectedPassword { get; set; }

    /// <summary>When the rollout last stopped for a person's decision; its PFX is erased some time after (Rotations:KeepStoppedPfxFor).</summary>
    public DateTimeOffset? StoppedAt { get; set; }

    /// <summary>When the PFX was erased from a stopped rollout; it must be uploaded again before the rollout resumes.</summary>
    public DateTimeOffset? PfxErasedAt { get; set; }

    /// <summary>How many servers are rotated at the same time.</summary>
    public int Parallelism { get; set; } = 1;

    /// <summary>Servers start their rotation only at or after this time (the maintenance window), when set.</summary>
    public DateTimeOffset? WindowStart { get; set; }

    /// <summary>No server starts its rotation after this time, when set (a started one finishes).</summary>
    public DateTimeOffset? WindowEnd { get; set; }

    public string RequestedBy { get; set; } = "";
    public Guid? RequestedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Why the rollout stopped or ended, for people.</summary>
    public string? StatusReason { get; set; }

    public Guid Version { get; set; }

    public List<SstpRotationServer> Servers { get; set; } = [];
}

/// <summary>One server in a rotation: its place in the order, its current step, and what it had before.</summary>
public sealed class SstpRotationServer : IVersioned
{
    public Guid Id { get; set; }
    public Guid RotationId { get; set; }
    public SstpRotation? Rotation { get; set; }
    public Guid ServerId { get; set; }
    public RrasServer? Server { get; set; }
    public int Order { get; set; }
    public RotationServerState State { get; set; } = RotationServerState.Pending;
    public RotationRollbackState RollbackState { get; set; }

    /// <summary>The step under way (its command queued, or waiting for a report); null before the first and after the last.</summary>
    public RotationStep? Step { get; set; }

    /// <summary>The command carrying the current step, once queued. A step completes only with this command's success.</summary>
    public Guid? CommandId { get; set; }

    /// <summary>How many commands the current step has needed (an undelivered, expired command is sent again).</summary>
    public int StepAttempts { get; set; }

    public DateTimeOffset? StepStartedAt { get; set; }

    /// <summary>What the server had before, recorded when its rotation starts: the rollback restores it.</summary>
    public string? PreviousSha1 { get; set; }

    public string? PreviousOffloadHash { get; set; }
    public bool TlsOffload { get; set; }
    public int ListenerPort { get; set; } = 443;

    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The step that failed and what the server said.</summary>
    public RotationStep? FailedStep { get; set; }

    public string? FailureMessage { get; set; }
    public string? RollbackMessage { get; set; }
    public Guid Version { get; set; }

    public List<SstpRotationStepRecord> History { get; set; } = [];
}

/// <summary>A step a server went through: when it started and ended, and the result the server gave.</summary>
public sealed class SstpRotationStepRecord
{
    public Guid Id { get; set; }
    public Guid RotationServerId { get; set; }
    public SstpRotationServer? RotationServer { get; set; }
    public RotationStep Step { get; set; }
    public Guid? CommandId { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public bool? Succeeded { get; set; }
    public string? Message { get; set; }
}
