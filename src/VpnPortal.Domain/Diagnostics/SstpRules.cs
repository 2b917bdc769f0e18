namespace VpnPortal.Domain.Diagnostics;

/// <summary>The Sstp rules.</summary>
public static class SstpRules
{
    public static IReadOnlyList<DiagnosticRule> Rules { get; } = [];
}
