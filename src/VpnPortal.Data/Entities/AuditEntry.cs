namespace VpnPortal.Data.Entities;

/// <summary>
/// One change made by a person or an automation key. Append-only: the context refuses to update or
/// delete entries and the database has triggers that do the same for raw SQL.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public Guid? ActorUserId { get; set; }

    /// <summary>Who acted as shown to people: user name, "api-key:name (user)", "cli", or "system".</summary>
    public string Actor { get; set; } = "";

    /// <summary>A dotted verb, e.g. "rras-server.created", "user.roles-changed", "api-key.revoked".</summary>
    public string Action { get; set; } = "";

    public string? EntityType { get; set; }
    public string? EntityId { get; set; }
    public string Summary { get; set; } = "";
    public string? BeforeJson { get; set; }
    public string? AfterJson { get; set; }
    public string? RemoteAddress { get; set; }
}
