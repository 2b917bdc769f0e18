namespace VpnPortal.Domain.Diagnostics;

/// <summary>The TlsOffload rules.</summary>
public static class TlsOffloadRules
{
    public static IReadOnlyList<DiagnosticRule> Rules { get; } = [];
}
