namespace VpnPortal.Domain.Diagnostics;

/// <summary>The Fleet rules.</summary>
public static class FleetRules
{
    public static IReadOnlyList<DiagnosticRule> Rules { get; } = [];
}
