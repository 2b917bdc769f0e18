namespace VpnPortal.Domain.Diagnostics;

/// <summary>The Certificate rules.</summary>
public static class CertificateRules
{
    public static IReadOnlyList<DiagnosticRule> Rules { get; } = [];
}
