namespace VpnPortal.Data.Auditing;

public enum AuditActorKind
{
    /// <summary>Background work (agent reports, jobs): changes are not audited as admin changes.</summary>
    System = 0,
    User = 1,
    ApiKey = 2,
    Cli = 3,
    Anonymous = 4,

    /// <summary>An enrolled agent reporting or answering commands: its effects are state, not admin changes.</summary>
    Agent = 5,
}

/// <summary>Who is making the changes the context is about to save.</summary>
public sealed record AuditActor(AuditActorKind Kind, Guid? UserId, string Name, string? RemoteAddress = null)
{
    public static readonly AuditActor System = new(AuditActorKind.System, null, "system");

    public bool IsAudited => Kind is not (AuditActorKind.System or AuditActorKind.Agent);
}

/// <summary>Supplies the current actor to <see cref="PortalDbContext"/> (the HTTP user, an API key, the CLI).</summary>
public interface IAuditActorAccessor
{
    AuditActor Current { get; }
}

/// <summary>A fixed actor, for the CLI, background work and tests.</summary>
public sealed class FixedAuditActorAccessor(AuditActor actor) : IAuditActorAccessor
{
    public AuditActor Current { get; set; } = actor;
}

/// <summary>Marks an entity whose changes by people are written to the audit log automatically.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class AuditedAttribute(string entityType) : Attribute
{
    public string EntityType { get; } = entityType;
}

/// <summary>A property never written to the audit log (secrets, hashes, tokens, binary blobs).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NotAuditedAttribute : Attribute;
