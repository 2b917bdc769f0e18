namespace VpnPortal.Domain.Diagnostics;

/// <summary>The Nps rules.</summary>
public static class NpsRules
{
    public static IReadOnlyList<DiagnosticRule> Rules { get; } = [];
}
