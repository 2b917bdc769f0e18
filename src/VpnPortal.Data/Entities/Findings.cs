namespace VpnPortal.Data.Entities;

/// <summary>
/// A diagnostics finding on one server, or about the fleet as a whole (something every server shares, like the forest's
/// NTAuth store): opened when a rule fires on a report, resolved when a later evaluation no longer finds it. Resolved
/// rows stay as the history. At most one open row per server, rule and key, and one per rule and key for the fleet.
/// </summary>
public sealed class DiagnosticFinding
{
    public Guid Id { get; set; }

    /// <summary>The server it was found on; null for a finding about the fleet (its servers are <see cref="ServerIds"/>).</summary>
    public Guid? ServerId { get; set; }

    public ManagedServer? Server { get; set; }

    /// <summary>For a finding about the fleet, the servers that report it, as last evaluated; empty for a server's own.</summary>
    public List<Guid> ServerIds { get; set; } = [];

    /// <summary>The servers it concerns: its own server, or the servers that report a finding about the fleet.</summary>
    public IReadOnlyList<Guid> ServersConcerned => ServerId is { } id ? [id] : ServerIds;
    public string RuleId { get; set; } = "";

    /// <summary>Tells several findings of one rule on one server (or the fleet) apart (e.g. a thumbprint); empty when there is one.</summary>
    public string Key { get; set; } = "";

    /// <summary>1 info, 2 warning, 3 critical (the domain's <c>FindingSeverity</c>).</summary>
    public int Severity { get; set; }

    public string Title { get; set; } = "";
    public string Summary { get; set; } = "";

    /// <summary>The evidence as label/value pairs, as last evaluated.</summary>
    public List<FindingEvidence> Evidence { get; set; } = [];

    /// <summary>The fix, step by step, with the servers' values filled in.</summary>
    public List<string> FixSteps { get; set; } = [];

    public DateTimeOffset OpenedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>When an admin acknowledged it (it stays open, shown muted); null when not acknowledged.</summary>
    public DateTimeOffset? AcknowledgedAt { get; set; }

    public Guid? AcknowledgedByUserId { get; set; }
    public string? AcknowledgedBy { get; set; }
    public string? AcknowledgeReason { get; set; }
}

/// <summary>One label/value pair of a finding's evidence.</summary>
public sealed class FindingEvidence
{
    public string Label { get; set; } = "";
    public string Value { get; set; } = "";
}

/// <summary>
/// "Do not open findings of this rule on this server until then": an admin's decision with its reason. Lifted early by
/// setting <see cref="LiftedAt"/>; expired and lifted rows stay as the history.
/// </summary>
public sealed class DiagnosticSuppression
{
    public Guid Id { get; set; }
    public Guid ServerId { get; set; }
    public ManagedServer? Server { get; set; }
    public string RuleId { get; set; } = "";
    public string Reason { get; set; } = "";
    public Guid? CreatedByUserId { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? LiftedAt { get; set; }
    public string? LiftedBy { get; set; }
}

/// <summary>
/// The fleet-wide settings the diagnostics rules compare reports with, edited in the portal (one row). Until an admin
/// saves them, the values come from configuration.
/// </summary>
public sealed class DiagnosticsSettings : IVersioned
{
    /// <summary>The one row's key.</summary>
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    /// <summary>The names in the clients' EAP "Connect to these servers" list.</summary>
    public List<string> EapServerNames { get; set; } = [];

    /// <summary>Users answer phone-call MFA behind RADIUS.</summary>
    public bool PhoneCallMfa { get; set; }

    /// <summary>Subjects of the CAs that issue the fleet's client certificates (they must be in NTAuth).</summary>
    public List<string> ClientCertificateIssuers { get; set; } = [];

    /// <summary>The certificate each site's load balancer presents (a server's own entry wins over its site's).</summary>
    public List<SiteLoadBalancerCertificate> LoadBalancerCertificates { get; set; } = [];

    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }
    public Guid Version { get; set; }
}

/// <summary>SHA-256 (upper-case hex) of the TLS certificate the load balancer of one site presents.</summary>
public sealed class SiteLoadBalancerCertificate
{
    public string Site { get; set; } = "";
    public string Sha256 { get; set; } = "";
}
