namespace VpnPortal.Domain.Diagnostics;

public enum FindingSeverity
{
    /// <summary>Worth knowing; nothing breaks because of it.</summary>
    Info = 1,

    /// <summary>Something breaks for some clients, or will break soon.</summary>
    Warning = 2,

    /// <summary>Connections fail now, or will at the next restart.</summary>
    Critical = 3,
}

/// <summary>One fact behind a finding, shown side by side with the others: "Configured certificate" = "AB12…".</summary>
public sealed record Evidence(string Label, string Value);

/// <summary>
/// What a rule found on one server: the problem in a sentence, the evidence (actual values), and the fix as steps,
/// with the exact commands filled in with this server's values. <see cref="Key"/> tells findings of one rule on one
/// server apart (e.g. a certificate's thumbprint); it is empty when a rule finds at most one thing per server.
/// </summary>
public sealed record Finding(
    string RuleId,
    FindingSeverity Severity,
    string Title,
    string Summary,
    IReadOnlyList<Evidence> Evidence,
    IReadOnlyList<string> FixSteps,
    string Key = "");

/// <summary>A rule: an id (stable, used in suppressions and the API), its area, and its evaluation.</summary>
public sealed record DiagnosticRule(string Id, string Area, string Title, Func<ServerFacts, FleetFacts, IEnumerable<Finding>> Evaluate)
{
    /// <summary>
    /// Set for a rule about something the whole fleet shares, of which each server reports its copy (the forest's NTAuth
    /// store): what it finds on several servers under one key is one finding for the fleet, made by this from the servers'
    /// findings (in server name order). Null for a rule about each server's own state.
    /// </summary>
    public Func<IReadOnlyList<(ServerFacts Server, Finding Finding)>, Finding>? CombineForFleet { get; init; }
}

/// <summary>A finding about the fleet as a whole, and the servers that report it (by name).</summary>
public sealed record FleetFinding(Finding Finding, IReadOnlyList<ServerFacts> Servers);

/// <summary>An evaluation: each server's own findings (worst first), and the findings about the fleet as a whole.</summary>
public sealed record FleetEvaluation(IReadOnlyList<(ServerFacts Server, IReadOnlyList<Finding> Findings)> ByServer, IReadOnlyList<FleetFinding> Fleet);
