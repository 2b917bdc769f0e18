namespace VpnPortal.Data.Entities;

/// <summary>
/// A diagnostics finding on one server: opened when a rule fires on a report, resolved when a later evaluation no
/// longer finds it. Resolved rows stay as the history. At most one open row per server, rule and key.
/// </summary>
public sealed class DiagnosticFinding
{
    public Guid Id { get; set; }
    public Guid ServerId { get; set; }
    public ManagedServer? Server { get; set; }
    public string RuleId { get; set; } = "";

    /// <summary>Tells several findings of one rule on one server apart (e.g. a thumbprint); empty when there is one.</summary>
    public string Key { get; set; } = "";

    /// <summary>1 info, 2 warning, 3 critical (the domain's <c>FindingSeverity</c>).</summary>
    public int Severity { get; set; }

    public string Title { get; set; } = "";
    public string Summary { get; set; } = "";

    /// <summary>The evidence as label/value pairs, as last evaluated.</summary>
    public List<FindingEvidence> Evidence { get; set; } = [];

    /// <summary>The fix, step by step, with this server's values filled in.</summary>
    public List<string> FixSteps { get; set; } = [];

    public DateTimeOffset OpenedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
}

/// <summary>One label/value pair of a finding's evidence.</summary>
public sealed class FindingEvidence
{
    public string Label { get; set; } = "";
    public string Value { get; set; } = "";
}
